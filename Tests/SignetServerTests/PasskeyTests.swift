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
        _ api: APIClient, as identity: Identity, encoding: SoftwareAuthenticator.ChallengeEncoding = .browser, backupFlags: UInt8 = 0
    )
        async throws -> (SoftwareAuthenticator, Reply, CredentialChallenge)
    {
        let options = try await api.send(
            .post, "/auth/credentials/init", token: identity.token, body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
        ).decode(CredentialChallenge.self)
        let authenticator = SoftwareAuthenticator(rpId: "localhost", origin: origin)
        let info = authenticator.register(challenge: options.challenge, encoding: encoding, backupFlags: backupFlags)
        let request = CreateCredentialRequest(
            credentialKind: .fido2, credentialInfo: info, credentialName: "laptop", challengeIdentifier: options.challengeIdentifier)
        let reply = try await api.signed(.post, "/auth/credentials", as: identity, body: try api.json(request))
        return (authenticator, reply, options)
    }

    /// Logs in with the passkey; returns the reply of `/auth/login`.
    static func passkeyLogin(
        _ api: APIClient, server: TestServer, authenticator: SoftwareAuthenticator, counter: UInt32? = nil, userVerified: Bool = true,
        listed: Bool = true, backupFlags: UInt8 = 0, rpIdOverride: String? = nil
    ) async throws -> Reply {
        let challenge = try await api.send(
            .post, "/auth/login/init", body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
        ).decode(UserActionChallenge.self)
        #expect(challenge.allowCredentials.webauthn.map(\.id) == (listed ? [authenticator.credId] : []))
        #expect(challenge.supportedCredentialKinds.map(\.kind).contains(.fido2) == listed)
        let assertion = try authenticator.assert(
            challenge: challenge.challenge, userId: server.organization.userId, userVerified: userVerified, counter: counter,
            backupFlags: backupFlags, rpIdOverride: rpIdOverride)
        let answer = SignedChallenge(
            challengeIdentifier: challenge.challengeIdentifier, firstFactor: Factor(kind: .fido2, credentialAssertion: assertion))
        return try await api.send(.post, "/auth/login", body: try api.json(answer))
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
                .post, "/auth/credentials/init", token: admin.token, body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            #expect(again.excludeCredentials?.map(\.id) == [authenticator.credId])

            let login = try await Self.passkeyLogin(api, server: server, authenticator: authenticator)
            #expect(login.status == .ok, "\(login.body)")
            let token = try login.decode(LoginResponse.self).token
            // A user action signed with the passkey creates a PAT.
            let body = try api.json(CreatePersonalAccessTokenRequest(name: "by-passkey", publicKey: try TestSigner.generate().publicKeyPEM))
            let challenge = try await api.send(
                .post, "/auth/action/init", token: token,
                body: try api.json(
                    CreateUserActionChallengeRequest(userActionPayload: body, userActionHttpMethod: "POST", userActionHttpPath: "/auth/pats"))
            ).decode(UserActionChallenge.self)
            #expect(challenge.allowCredentials.webauthn.map(\.id) == [authenticator.credId])
            let assertion = try authenticator.assert(challenge: challenge.challenge, userId: server.organization.userId)
            let action = try await api.send(
                .post, "/auth/action", token: token,
                body: try api.json(
                    SignedChallenge(
                        challengeIdentifier: challenge.challengeIdentifier, firstFactor: Factor(kind: .fido2, credentialAssertion: assertion))))
            #expect(action.status == .ok, "\(action.body)")
            let userAction = try action.decode(UserActionResponse.self).userAction
            let created = try await api.send(.post, "/auth/pats", token: token, body: body, headers: ["X-DFNS-USERACTION": userAction])
            #expect(created.status == .ok, "\(created.body)")
            // The audit record keeps what the passkey signed.
            let performed = try await server.store.performedUserActions(
                orgId: server.orgId, from: .distantPast, to: .distantFuture, userId: nil, limit: 1)
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

    @Test("Refused: a PAT adding a passkey, a server without a relying party, malformed attestation data", arguments: TestDatabase.available)
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: admin)
            let fido2 = try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            #expect(try await api.send(.post, "/auth/credentials/init", token: pat.token, body: fido2).status == .forbidden)
            let options = try await api.send(.post, "/auth/credentials/init", token: admin.token, body: fido2).decode(CredentialChallenge.self)
            for (clientData, attestation, part) in [
                ("not base64!", "AA", "clientData"), (Base64URL.encode("{}"), "AA", "clientData"),
                (
                    Base64URL.encode(#"{"type":"webauthn.create","challenge":"\#(Base64URL.encode(options.challenge))","origin":"\#(Self.origin)"}"#),
                    Base64URL.encode([0x9f]), "attestationData"
                ),
            ] {
                let request = CreateCredentialRequest(
                    credentialKind: .fido2,
                    credentialInfo: KeyCredentialInfo(credId: "AAAAAAAAAAAAAAAAAAAAAA", clientData: clientData, attestationData: attestation),
                    credentialName: "bad", challengeIdentifier: options.challengeIdentifier)
                let reply = try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request))
                #expect(reply.status == .badRequest && reply.errorMessage?.contains(part) == true, "\(reply.body)")
            }
        }
        try await TestServer.with(database) { server, api in
            let reply = try await api.send(
                .post, "/auth/credentials/init", token: try await server.admin(api).token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .fido2)))
            #expect(reply.status == .badRequest && reply.errorMessage?.contains("--rp-id") == true)
        }
    }

    @Test("A refused ceremony leaves its challenge unused; a counter that goes backwards flags the passkey", arguments: TestDatabase.available)
    func refusedCeremonies(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let options = try await api.send(
                .post, "/auth/credentials/init", token: admin.token, body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            let authenticator = SoftwareAuthenticator(rpId: "localhost", origin: Self.origin)
            func submit(_ info: KeyCredentialInfo) async throws -> Reply {
                let request = CreateCredentialRequest(
                    credentialKind: .fido2, credentialInfo: info, credentialName: "laptop", challengeIdentifier: options.challengeIdentifier)
                return try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request))
            }
            let wrongOrigin = try await submit(authenticator.register(challenge: options.challenge, origin: "http://localhost:9999"))
            #expect(wrongOrigin.status == .forbidden && wrongOrigin.errorMessage?.contains("origin") == true)
            let otherParty = SoftwareAuthenticator(rpId: "evil.example", origin: Self.origin)
            let wrongRp = try await submit(otherParty.register(challenge: options.challenge))
            #expect(wrongRp.status == .forbidden && wrongRp.errorMessage?.contains("rpIdHash") == true, "\(wrongRp.body)")
            let noUV = try await submit(authenticator.register(challenge: options.challenge, userVerified: false))
            #expect(noUV.status == .forbidden && noUV.errorMessage?.contains("UV") == true)
            // BS without BE is forbidden (WebAuthn L3 §6.1).
            let backedUpOnly = try await submit(authenticator.register(challenge: options.challenge, backupFlags: SoftwareAuthenticator.backedUp))
            #expect(backedUpOnly.status == .forbidden && backedUpOnly.errorMessage?.contains("BS") == true, "\(backedUpOnly.body)")
            #expect(try await submit(authenticator.register(challenge: options.challenge)).status == .ok)

            // An assertion made for another relying party (its rpIdHash) is refused.
            #expect(
                try await Self.passkeyLogin(api, server: server, authenticator: authenticator, rpIdOverride: "evil.example").status == .unauthorized)
            // BE never changes for a credential; BS may, and is stored (My credentials shows it).
            let eligible = try await Self.passkeyLogin(
                api, server: server, authenticator: authenticator, backupFlags: SoftwareAuthenticator.backupEligible)
            #expect(eligible.status == .unauthorized, "\(eligible.body)")  // logins refuse in one generic message
            // Login: without UV refused; a counter that does not go up is refused and flags the passkey.
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator, userVerified: false).status == .unauthorized)
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator).status == .ok)
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator).status == .ok)
            let regressed = try await Self.passkeyLogin(api, server: server, authenticator: authenticator, counter: 1)
            #expect(regressed.status == .unauthorized && regressed.errorMessage?.contains("possible clone") == true, "\(regressed.body)")
            #expect(regressed.errorMessage?.contains("deactivated until you (or an administrator) re-enable it") == true)
            let stored = try #require(try await server.store.credential(orgId: server.orgId, credentialId: authenticator.credId))
            #expect(stored.isFlagged && !stored.isActive)
            #expect(try await server.store.signCount(of: stored) >= 2)
            // The audit log records it, with the refused assertion as evidence.
            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self)
            #expect(
                logs.items.contains {
                    $0.httpPath == "/auth/login" && $0.responseStatus == 401 && $0.firstFactorCredential.credentialUuid == stored.uuid
                        && $0.firstFactorCredential.assertion?.authenticatorData?.isEmpty == false
                })
            // A possible clone stays refused, whatever counter it shows next, until re-enabled with another credential.
            let later = try await Self.passkeyLogin(api, server: server, authenticator: authenticator, counter: 1000, listed: false)
            #expect(later.status == .unauthorized, "\(later.body)")
            let activate = try await api.signed(
                .put, "/auth/credentials/activate", as: admin, body: try api.json(CredentialUuidRequest(credentialUuid: stored.uuid)))
            #expect(activate.status == .ok, "\(activate.body)")
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator, counter: 1001).status == .ok)

        }
    }

    @Test("Replaying an answered login is refused as a replay: it cannot flag anyone's passkey", arguments: TestDatabase.available)
    func replayedLogin(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let fresh = SoftwareAuthenticator(rpId: "localhost", origin: Self.origin)
            let secondOptions = try await api.send(
                .post, "/auth/credentials/init", token: admin.token, body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            let request = CreateCredentialRequest(
                credentialKind: .fido2, credentialInfo: fresh.register(challenge: secondOptions.challenge), credentialName: "second",
                challengeIdentifier: secondOptions.challengeIdentifier)
            #expect(try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request)).status == .ok)
            let loginChallenge = try await api.send(
                .post, "/auth/login/init", body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
            ).decode(UserActionChallenge.self)
            let answer = try api.json(
                SignedChallenge(
                    challengeIdentifier: loginChallenge.challengeIdentifier,
                    firstFactor: Factor(kind: .fido2, credentialAssertion: try fresh.assert(challenge: loginChallenge.challenge))))
            #expect(try await api.send(.post, "/auth/login", body: answer).status == .ok)
            let replay = try await api.send(.post, "/auth/login", body: answer)
            #expect(replay.status == .unauthorized && replay.errorMessage?.contains("already been answered") == true)
            #expect(try await server.store.credential(orgId: server.orgId, credentialId: fresh.credId)?.isFlagged == false)
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
                    challengeIdentifier: challenge.challengeIdentifier, firstFactor: Factor(kind: .fido2, credentialAssertion: assertion))
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
