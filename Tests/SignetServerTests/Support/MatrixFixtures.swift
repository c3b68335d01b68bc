import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import Testing

/// The callers of the authorization matrix, and a fresh request for one route and one caller.
struct MatrixFixtures: Sendable {
    /// One call of a route: what to send, and whether it carries a signed user action.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var signed: Bool
    }

    /// Whether the catalogue marks the route as a signed user action (the dashboard's pages and
    /// assets, not in it, are not).
    static func isSigned(_ route: String) -> Bool {
        let shape = AuthorizationMatrixTests.shape(route)
        return Endpoints.all.first { AuthorizationMatrixTests.shape($0.route) == shape }?.signed ?? false
    }

    let server: TestServer
    let api: APIClient
    let admin: Identity
    let restrictedUserId: String
    let identities: [String: Identity]

    static func make(server: TestServer, api: APIClient) async throws -> MatrixFixtures {
        let admin = try await server.admin(api)
        let limited = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Permissions:Read"])
        let narrow = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
        let saRole = try await api.createRole(
            as: admin,
            operations: ["Auth:Users:Read", "Auth:Users:Deactivate", "Auth:ServiceAccounts:Read", "Auth:Logs:Read"]
        )
        let (restrictedUser, restrictedSigner) = try await api.createUser(as: admin, email: "restricted@example.com")
        try await api.assign(limited.id, to: restrictedUser.userId, as: admin)
        let (_, pat) = try await api.createPat(as: admin)
        let (_, patNarrow) = try await api.createPat(as: admin, permissionId: narrow.id)
        let (_, sa) = try await api.createServiceAccount(as: admin, permissionId: saRole.id)
        let (doomed, doomedSigner) = try await api.createUser(as: admin, email: "doomed@example.com")
        let full = try #require(try await server.store.role(orgId: server.orgId, name: "ManagedFullAdminAccess"))
        try await api.assign(full.id, to: doomed.userId, as: admin)
        let (_, deadUserPat) = try await api.createPat(as: try await api.session(doomed.username, orgId: server.orgId, signer: doomedSigner))
        #expect(try await api.signed(.put, "/auth/users/\(doomed.userId)/deactivate", as: admin).status == .ok)
        let (deadAccount, deadSA) = try await api.createServiceAccount(as: admin)
        #expect(try await api.signed(.put, "/auth/service-accounts/\(deadAccount.userInfo.userId)/deactivate", as: admin).status == .ok)
        let identities: [String: Identity] = [
            "admin": admin, "restricted": try await api.session(restrictedUser.username, orgId: server.orgId, signer: restrictedSigner),
            "pat": pat, "patNarrow": patNarrow, "sa": sa, "deadUserPat": deadUserPat, "deadSA": deadSA,
        ]
        return MatrixFixtures(server: server, api: api, admin: admin, restrictedUserId: restrictedUser.userId, identities: identities)
    }

    /// The same callers with new login sessions for the administrator and the restricted user (a
    /// logout row ends the sessions it is called with).
    func withFreshSessions() async throws -> MatrixFixtures {
        var identities = self.identities
        for (caller, username) in [("admin", server.organization.username), ("restricted", "restricted@example.com")] {
            guard let identity = identities[caller] else { continue }
            identities[caller] = Identity(
                token: try await api.login(username: username, orgId: server.orgId, signer: identity.signer),
                signer: identity.signer
            )
        }
        return MatrixFixtures(
            server: server,
            api: api,
            admin: identities["admin"] ?? admin,
            restrictedUserId: restrictedUserId,
            identities: identities
        )
    }

    /// Fresh objects for one call, made by the administrator, so that calls never interfere; bodies
    /// that must come from the caller itself (a challenge answer, a new key) are made as `caller`.
    func request(for route: String, as caller: Identity?) async throws -> Call {
        let unique = UUID().uuidString.prefix(8).lowercased()
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method = HTTPRequest.Method(rawValue: parts[0]) ?? .get
        var call = Call(method: method, path: try await fill(parts[1], deleting: method == .delete), body: nil, signed: Self.isSigned(route))
        let key = try TestSigner.generate(.ed25519).publicKeyPEM
        switch route {
        case "POST /auth/login/init":
            call.body = try api.json(LoginChallengeRequest(username: "nobody-\(unique)@example.com", orgId: server.orgId))
        case "POST /auth/login": call.body = try await loginAnswer()
        case "POST /auth/registration/init":
            let invited = try await invite("invited-\(unique)@example.com")
            call.body = try api.json(
                RegistrationChallengeRequest(orgId: server.orgId, username: invited.username, registrationCode: invited.registrationCode ?? "")
            )
        case "POST /auth/registration":
            let info = KeyCredentialInfo(credId: Base64URL.encode(Identifier.randomBytes(32)), clientData: "e30", attestationData: "e30")
            call.body = try api.json(RegisterRequest(firstFactorCredential: RegistrationCredential(credentialKind: .key, credentialInfo: info)))
        case "PUT /auth/registration/code":
            call.body = try api.json(
                RegistrationCodeRequest(username: try await invite("renewed-\(unique)@example.com").username, orgId: server.orgId)
            )
        case "POST /auth/action/init":
            call.body = try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
        case "POST /auth/action": call.body = try await actionAnswer(as: caller)
        case "POST /auth/users": call.body = try api.json(CreateUserRequest(email: "new-\(unique)@example.com"))
        case "PUT /auth/users/{user}": call.body = try api.json(UpdateUserRequest(isSSORequired: false))
        case "POST /auth/service-accounts": call.body = try api.json(CreateServiceAccountRequest(name: "matrix-\(unique)", publicKey: key))
        case "PUT /auth/service-accounts/{sa}": call.body = #"{"name":"renamed-\#(unique)"}"#
        case "POST /permissions": call.body = try api.json(CreatePermissionRequest(name: "matrix-\(unique)", operations: ["Wallets:Read"]))
        case "PUT /permissions/{role}": call.body = #"{"name":"renamed-\#(unique)"}"#
        case "PUT /permissions/{role}/archive": call.body = #"{"isArchived":true}"#
        case "POST /permissions/{role}/assignments": call.body = try api.json(CreateAssignmentRequest(identityId: restrictedUserId))
        case "POST /auth/pats": call.body = try api.json(CreatePersonalAccessTokenRequest(name: "matrix-\(unique)", publicKey: key))
        case "PUT /auth/pats/{pat}": call.body = #"{"name":"renamed-\#(unique)"}"#
        case "POST /auth/credentials/init": call.body = try api.json(CreateCredentialChallengeRequest(kind: .key))
        case "POST /auth/credentials": call.body = try await newCredential(as: caller)
        case "PUT /auth/credentials/activate": call.body = try await ownCredential(of: caller, fresh: false)
        case "PUT /auth/credentials/deactivate": call.body = try await ownCredential(of: caller, fresh: true)
        case "POST /auth/service-accounts/credentials":
            call.body = try api.json(CreateServiceAccountCredentialRequest(publicKey: key, name: "matrix-\(unique)"))
        case "DELETE /auth/credentials/{credential}", "DELETE /auth/service-accounts/credentials/{credential}":
            let body = try await ownCredential(of: caller, fresh: true)
            let uuid = try JSONDecoder().decode(CredentialUuidRequest.self, from: Data(body.utf8)).credentialUuid
            call.path = call.path.replacingOccurrences(of: "{credential}", with: uuid)
        default: call.body = try await newerBody(for: route, unique: unique)
        }
        return call
    }

    /// The bodies of the user-group and credential-code routes.
    private func newerBody(for route: String, unique: String) async throws -> String? {
        switch route {
        case "POST /auth/credentials/code": return try api.json(CreateCredentialCodeRequest(expiration: Date().addingTimeInterval(600)))
        case "POST /auth/credentials/code/init":
            let reply = try await api.signed(
                .post,
                "/auth/credentials/code",
                as: admin,
                body: #"{"expiration":\#(Int(Date().timeIntervalSince1970) + 600)}"#
            )
            return try api.json(CreateCredentialChallengeWithCodeRequest(credentialKind: .key, code: try reply.decode(CredentialCode.self).code))
        case "POST /auth/credentials/code/verify":
            let info = KeyCredentialInfo(credId: Base64URL.encode(Identifier.randomBytes(32)), clientData: "e30", attestationData: "e30")
            return try api.json(CreateCredentialRequest(credentialInfo: info, credentialName: "x", challengeIdentifier: "none"))
        case "POST /auth/recover/user/code":
            return try api.json(SendRecoveryCodeRequest(username: "nobody-\(unique)@example.com", orgId: server.orgId))
        case "POST /auth/recover/user/init":
            return try api.json(
                CreateRecoveryChallengeRequest(username: "nobody@example.com", verificationCode: "x", orgId: server.orgId, credentialId: "x")
            )
        case "POST /auth/recover/user":
            let assertion = CredentialAssertion(credId: "x", clientData: "e30", signature: "e30")
            let info = KeyCredentialInfo(credId: "c", clientData: "e30", attestationData: "e30")
            return try api.json(
                RecoverRequest(
                    recovery: .init(credentialAssertion: assertion),
                    newCredentials: RegisterRequest(firstFactorCredential: RegistrationCredential(credentialKind: .key, credentialInfo: info))
                )
            )
        case "PUT /auth/organization/settings": return #"{"maximumPatLifetimeDays":null}"#
        case "POST /webhooks": return try api.json(CreateWebhookRequest(url: "http://127.0.0.1:9/hook", events: ["*"]))
        case "PUT /webhooks/{webhook}": return #"{"description":"renamed-\#(unique)"}"#
        case "POST /auth/user-groups": return try api.json(CreateUserGroupRequest(name: "matrix-\(unique)"))
        case "PUT /auth/user-groups/{group}": return #"{"name":"renamed-\#(unique)"}"#
        case "POST /auth/user-groups/{group}/members", "DELETE /auth/user-groups/{group}/members":
            return try api.json(UserGroupMembersRequest(userIds: [restrictedUserId]))
        default: return try policyBody(for: route, unique: unique)
        }
    }

    /// A person the administrator creates without a key, with their registration code.
    private func invite(_ email: String) async throws -> User {
        try await api.signed(.post, "/auth/users", as: admin, body: try api.json(CreateUserRequest(email: email))).decode(User.self)
    }

    /// Replaces each placeholder with a fresh object of the administrator's.
    private func fill(_ template: String, deleting: Bool) async throws -> String {
        var path = template
        let unique = UUID().uuidString.prefix(8).lowercased()
        path = path.replacingOccurrences(of: "{asset}", with: "signet.js")
        if path == "/auth/permissions/explain" { path += "?operation=Auth:Users:Read" }
        if path.contains("{user}") {
            let (user, _) = try await api.createUser(as: admin, email: "target-\(unique)@example.com")
            path = path.replacingOccurrences(of: "{user}", with: user.userId)
        }
        if path.contains("{sa}") {
            let (account, _) = try await api.createServiceAccount(as: admin)
            path = path.replacingOccurrences(of: "{sa}", with: account.userInfo.userId)
        }
        if path.contains("{pat}") {
            let (pat, _) = try await api.createPat(as: admin)
            path = path.replacingOccurrences(of: "{pat}", with: pat.tokenId)
        }
        if path.contains("{action}") {
            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self)
            path = path.replacingOccurrences(of: "{action}", with: try #require(logs.items.first?.id))
        }
        if path.contains("{group}") {
            let reply = try await api.signed(.post, "/auth/user-groups", as: admin, body: #"{"name":"group-\#(unique)"}"#)
            path = path.replacingOccurrences(of: "{group}", with: try reply.decode(UserGroup.self).id)
        }
        if path.contains("{webhook}") {
            // One webhook serves every row but its deletion (an organisation has at most 50).
            let body = try api.json(CreateWebhookRequest(url: "http://127.0.0.1:9/hook", events: ["*"]))
            let existing = try await api.send(.get, "/webhooks", token: admin.token).decode(ListResponse<Webhook>.self).items.first
            let webhook =
                if let existing, !deleting { existing } else {
                    try await api.signed(.post, "/webhooks", as: admin, body: body).decode(Webhook.self)
                }
            path = path.replacingOccurrences(of: "{webhook}", with: webhook.id)
            if path.contains("{event}") {
                _ = try await server.store.recordEvent(orgId: server.orgId, kind: "user.invited", data: "{}", at: Date())
                let events = try await server.store.webhookEvents(webhookId: webhook.id, kind: nil, deliveryFailed: nil, afterId: nil, limit: 1)
                path = path.replacingOccurrences(of: "{event}", with: try #require(events.first?.id))
            }
        }
        path = try await fillPolicies(path)
        if path.contains("{role}") {
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            path = path.replacingOccurrences(of: "{role}", with: role.id)
            if path.contains("{assignment}") {
                let (user, _) = try await api.createUser(as: admin, email: "assignee-\(unique)@example.com")
                let assignment = try await api.assign(role.id, to: user.userId, as: admin)
                path = path.replacingOccurrences(of: "{assignment}", with: assignment.id)
            }
        }
        return path
    }

    /// A correct answer to a fresh login challenge of the administrator (the route ignores any bearer token).
    private func loginAnswer() async throws -> String {
        let initReply = try await api.send(
            .post,
            "/auth/login/init",
            body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
        )
        let challenge = try initReply.decode(UserActionChallenge.self)
        return try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try admin.signer.sign(challenge)))
    }

    /// The caller's own answer to its own user-action challenge; a placeholder for a caller that cannot get one.
    private func actionAnswer(as caller: Identity?) async throws -> String {
        let request = try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
        let reply = try await api.send(.post, "/auth/action/init", token: caller?.token, body: request)
        guard let caller, reply.status == .ok else { return #"{"challengeIdentifier":"none","firstFactor":{"kind":"Key"}}"# }
        let challenge = try reply.decode(UserActionChallenge.self)
        return try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try caller.signer.sign(challenge)))
    }

    /// A new key's registration, attested for the caller's own credential challenge.
    private func newCredential(as caller: Identity?) async throws -> String? {
        let reply = try await api.send(
            .post,
            "/auth/credentials/init",
            token: caller?.token,
            body: try api.json(CreateCredentialChallengeRequest(kind: .key))
        )
        guard reply.status == .ok else { return "{}" }
        let challenge = try reply.decode(CredentialChallenge.self)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: try PrivateKey.generate(.ed25519))
        return try api.json(
            CreateCredentialRequest(
                credentialInfo: KeyCredentialInfo(
                    credId: Base64URL.encode(Identifier.randomBytes(32)),
                    clientData: clientData,
                    attestationData: attestationData
                ),
                credentialName: "matrix",
                challengeIdentifier: challenge.challengeIdentifier
            )
        )
    }

    /// One of the caller's own credentials: the one it signs with (activating it is a no-op), or a
    /// fresh second one (which it may deactivate).
    private func ownCredential(of caller: Identity?, fresh: Bool) async throws -> String {
        guard let caller, try await api.send(.get, "/auth/whoami", token: caller.token).status == .ok else {
            return try api.json(CredentialUuidRequest(credentialUuid: Identifier.make(.credential)))
        }
        if fresh { return try api.json(CredentialUuidRequest(credentialUuid: try await api.addCredential(for: caller).0.credentialUuid)) }
        let listed = try await api.send(.get, "/auth/credentials", token: caller.token).decode(ListResponse<Credential>.self)
        let uuid = try #require(listed.items.first { $0.credentialId == caller.signer.credentialId }?.credentialUuid)
        return try api.json(CredentialUuidRequest(credentialUuid: uuid))
    }
}
