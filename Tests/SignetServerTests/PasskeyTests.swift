import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Passkeys end to end through the router, with a software authenticator: add one, log in with it,
/// sign a user action with it; and every refusal leaves the challenge unused.
@Suite("Passkeys (Fido2 credentials)")
struct PasskeyTests {
    static let origin = "http://localhost:8080"

    static func configuration() throws -> ServerConfiguration {
        ServerConfiguration(relyingParty: try RelyingParty(id: "localhost", name: "Signet", origins: [origin]))
    }

    /// Adds a passkey for `identity` (signed with its key); returns the authenticator and the response.
    static func addPasskey(
        _ api: APIClient,
        as identity: Identity,
        encoding: SoftwareAuthenticator.ChallengeEncoding = .browser,
        backupFlags: UInt8 = 0
    )
        async throws -> (SoftwareAuthenticator, Reply, CredentialChallenge)
    {
        let options = try await api.send(
            .post,
            "/auth/credentials/init",
            token: identity.token,
            body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
        ).decode(CredentialChallenge.self)
        let authenticator = SoftwareAuthenticator(rpId: "localhost", origin: origin)
        let info = authenticator.register(challenge: options.challenge, encoding: encoding, backupFlags: backupFlags)
        let request = CreateCredentialRequest(
            credentialKind: .fido2,
            credentialInfo: info,
            credentialName: "laptop",
            challengeIdentifier: options.challengeIdentifier
        )
        let reply = try await api.signed(.post, "/auth/credentials", as: identity, body: try api.json(request))
        return (authenticator, reply, options)
    }

    /// Logs in with the passkey; returns the reply of `/auth/login`.
    static func passkeyLogin(
        _ api: APIClient,
        server: TestServer,
        authenticator: SoftwareAuthenticator,
        counter: UInt32? = nil,
        userVerified: Bool = true,
        listed: Bool = true,
        backupFlags: UInt8 = 0,
        rpIdOverride: String? = nil
    ) async throws -> Reply {
        let challenge = try await api.send(
            .post,
            "/auth/login/init",
            body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
        ).decode(UserActionChallenge.self)
        #expect(challenge.allowCredentials.webauthn.map(\.id) == (listed ? [authenticator.credId] : []))
        #expect(challenge.supportedCredentialKinds.map(\.kind).contains(.fido2) == listed)
        let assertion = try authenticator.assert(
            challenge: challenge.challenge,
            userId: server.organization.userId,
            userVerified: userVerified,
            counter: counter,
            backupFlags: backupFlags,
            rpIdOverride: rpIdOverride
        )
        let answer = SignedChallenge(
            challengeIdentifier: challenge.challengeIdentifier,
            firstFactor: Factor(kind: .fido2, credentialAssertion: assertion)
        )
        return try await api.send(.post, "/auth/login", body: try api.json(answer))
    }

    /// A user action for `POST /auth/pats` with `payload`, signed with the passkey: the reply and the assertion.
    static func signAction(
        _ api: APIClient,
        token: String,
        payload body: String,
        authenticator: SoftwareAuthenticator,
        userId: String
    ) async throws -> (Reply, CredentialAssertion) {
        let challenge = try await api.send(
            .post,
            "/auth/action/init",
            token: token,
            body: try api.json(
                CreateUserActionChallengeRequest(userActionPayload: body, userActionHttpMethod: "POST", userActionHttpPath: "/auth/pats")
            )
        ).decode(UserActionChallenge.self)
        #expect(challenge.allowCredentials.webauthn.map(\.id) == [authenticator.credId])
        let assertion = try authenticator.assert(challenge: challenge.challenge, userId: userId)
        let action = try await api.send(
            .post,
            "/auth/action",
            token: token,
            body: try api.json(
                SignedChallenge(
                    challengeIdentifier: challenge.challengeIdentifier,
                    firstFactor: Factor(kind: .fido2, credentialAssertion: assertion)
                )
            )
        )
        return (action, assertion)
    }

    @Test("A person adds a passkey, logs in with it, and signs a user action with it", arguments: TestDatabase.available)
    func passkeyLifecycle(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, reply, options) = try await Self.addPasskey(api, as: admin)
            #expect(options.kind == .fido2 && options.rp?.id == "localhost" && options.user.id == server.organization.userId)
            #expect(options.authenticatorSelection?.userVerification == "required" && options.authenticatorSelection?.residentKey == "preferred")
            #expect(options.pubKeyCredParams.map(\.alg) == [-7, -8, -257] && options.excludeCredentials == [])
            #expect(reply.status == .ok, "\(reply.body)")
            let credential = try reply.decode(Credential.self)
            #expect(credential.kind == .fido2 && credential.credentialId == authenticator.credId)
            #expect(credential.relyingPartyId == "localhost" && credential.origin == Self.origin)
            // The next creation options exclude it.
            let again = try await api.send(
                .post,
                "/auth/credentials/init",
                token: admin.token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            #expect(again.excludeCredentials?.map(\.id) == [authenticator.credId])

            let login = try await Self.passkeyLogin(api, server: server, authenticator: authenticator)
            #expect(login.status == .ok, "\(login.body)")
            let token = try login.decode(LoginResponse.self).token
            // A user action signed with the passkey creates a PAT.
            let body = try api.json(CreatePersonalAccessTokenRequest(name: "by-passkey", publicKey: try TestSigner.generate().publicKeyPEM))
            let (action, assertion) = try await Self.signAction(
                api,
                token: token,
                payload: body,
                authenticator: authenticator,
                userId: server.organization.userId
            )
            #expect(action.status == .ok, "\(action.body)")
            let userAction = try action.decode(UserActionResponse.self).userAction
            let created = try await api.send(.post, "/auth/pats", token: token, body: body, headers: ["X-DFNS-USERACTION": userAction])
            #expect(created.status == .ok, "\(created.body)")
            // The audit record keeps what the passkey signed.
            let performed = try await server.store.performedUserActions(
                orgId: server.orgId,
                from: .distantPast,
                to: .distantFuture,
                userId: nil,
                limit: 1
            )
            #expect(performed.first?.authenticatorData == assertion.authenticatorData)
            let logs = try await api.send(.get, "/auth/action/logs", token: token).decode(ListResponse<AuditLog>.self)
            let entry = try #require(logs.items.first { $0.id == performed.first?.id })
            #expect(entry.firstFactorCredential.assertion?.authenticatorData == assertion.authenticatorData)
            #expect(entry.firstFactorCredential.kind == .fido2)
        }
    }

    @Test("The mobile signers' challenge encoding (base64url-decoded bytes) is accepted too", arguments: TestDatabase.available)
    func mobileEncoding(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let (_, reply, _) = try await Self.addPasskey(api, as: try await server.admin(api), encoding: .mobile)
            #expect(reply.status == .ok, "\(reply.body)")
        }
    }

    @Test("A synced passkey's backup state is stored at each use and shown with the credential", arguments: TestDatabase.available)
    func backupState(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, reply, _) = try await Self.addPasskey(api, as: admin, backupFlags: SoftwareAuthenticator.backupEligible)
            #expect(reply.status == .ok)
            func listed() async throws -> Credential? {
                try await api.send(.get, "/auth/credentials", token: admin.token).decode(ListResponse<Credential>.self).items.first {
                    $0.kind == .fido2
                }
            }
            let registered = try await listed()
            #expect(registered?.backupEligible == true && registered?.backedUp == false)
            let both = SoftwareAuthenticator.backupEligible | SoftwareAuthenticator.backedUp
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator, backupFlags: both).status == .ok)
            let synced = try await listed()
            #expect(synced?.backedUp == true && synced?.isFlagged == false)
            // BE dropped at a later use: refused, nothing stored.
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator).status == .unauthorized)
            #expect(try await listed()?.backupEligible == true)
            // BS without BE at a use: refused as at registration.
            let backedUpOnly = SoftwareAuthenticator.backedUp
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator, backupFlags: backedUpOnly).status == .unauthorized)
            #expect(try await listed()?.backedUp == true)
        }
    }

    @Test("Without a username, a discoverable passkey logs in: its userHandle says whose it is", arguments: TestDatabase.available)
    func discoverableLogin(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, reply, _) = try await Self.addPasskey(api, as: admin)
            #expect(reply.status == .ok)
            func attempt(userHandle: String?) async throws -> Reply {
                let challenge = try await api.send(.post, "/auth/login/init", body: #"{"orgId":"\#(server.orgId)"}"#).decode(UserActionChallenge.self)
                #expect(challenge.allowCredentials.key.isEmpty && challenge.allowCredentials.webauthn.isEmpty)
                let assertion = try authenticator.assert(challenge: challenge.challenge, userId: userHandle)
                let answer = SignedChallenge(
                    challengeIdentifier: challenge.challengeIdentifier,
                    firstFactor: Factor(kind: .fido2, credentialAssertion: assertion)
                )
                return try await api.send(.post, "/auth/login", body: try api.json(answer))
            }
            #expect(try await attempt(userHandle: nil).status == .unauthorized)
            #expect(try await attempt(userHandle: "us-someone-else").status == .unauthorized)
            let login = try await attempt(userHandle: server.organization.userId)
            #expect(login.status == .ok, "\(login.body)")
            let whoami = try await api.send(.get, "/auth/whoami", token: try login.decode(LoginResponse.self).token).decode(WhoAmI.self)
            #expect(whoami.userId == server.organization.userId)
        }
        try await TestServer.with(database) { server, api in
            // Without passkeys configured, the username is required.
            let reply = try await api.send(.post, "/auth/login/init", body: #"{"orgId":"\#(server.orgId)"}"#)
            #expect(reply.status == .badRequest)
        }
    }
}
