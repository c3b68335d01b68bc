import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Passkey ceremonies Signet refuses, and what a refusal leaves behind.
extension PasskeyTests {
    @Test("A refused registration leaves its challenge unused: wrong origin, relying party, no UV, BS without BE", arguments: TestDatabase.available)
    func refusedRegistrations(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let options = try await api.send(
                .post,
                "/auth/credentials/init",
                token: admin.token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            let authenticator = SoftwareAuthenticator(rpId: "localhost", origin: Self.origin)
            func submit(_ info: KeyCredentialInfo) async throws -> Reply {
                let request = CreateCredentialRequest(
                    credentialKind: .fido2,
                    credentialInfo: info,
                    credentialName: "laptop",
                    challengeIdentifier: options.challengeIdentifier
                )
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
        }
    }

    @Test("A refused login leaves the passkey usable; a counter that goes backwards flags it until re-enabled", arguments: TestDatabase.available)
    func refusedLogins(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, added, _) = try await Self.addPasskey(api, as: admin)
            #expect(added.status == .ok, "\(added.body)")
            // An assertion made for another relying party (its rpIdHash) is refused.
            #expect(
                try await Self.passkeyLogin(api, server: server, authenticator: authenticator, rpIdOverride: "evil.example").status == .unauthorized
            )
            // BE never changes for a credential; BS may, and is stored (My credentials shows it).
            let eligible = try await Self.passkeyLogin(
                api,
                server: server,
                authenticator: authenticator,
                backupFlags: SoftwareAuthenticator.backupEligible
            )
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
                }
            )
            // A possible clone stays refused, whatever counter it shows next, until re-enabled with another credential.
            let later = try await Self.passkeyLogin(api, server: server, authenticator: authenticator, counter: 1000, listed: false)
            #expect(later.status == .unauthorized, "\(later.body)")
            let activate = try await api.signed(
                .put,
                "/auth/credentials/activate",
                as: admin,
                body: try api.json(CredentialUuidRequest(credentialUuid: stored.uuid))
            )
            #expect(activate.status == .ok, "\(activate.body)")
            #expect(try await Self.passkeyLogin(api, server: server, authenticator: authenticator, counter: 1001).status == .ok)
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
                    credentialName: "bad",
                    challengeIdentifier: options.challengeIdentifier
                )
                let reply = try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request))
                #expect(reply.status == .badRequest && reply.errorMessage?.contains(part) == true, "\(reply.body)")
            }
        }
        try await TestServer.with(database) { server, api in
            let reply = try await api.send(
                .post,
                "/auth/credentials/init",
                token: try await server.admin(api).token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            )
            #expect(reply.status == .badRequest && reply.errorMessage?.contains("--rp-id") == true)
        }
    }

    @Test("Replaying an answered login is refused as a replay: it cannot flag anyone's passkey", arguments: TestDatabase.available)
    func replayedLogin(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try Self.configuration()) { server, api in
            let admin = try await server.admin(api)
            let fresh = SoftwareAuthenticator(rpId: "localhost", origin: Self.origin)
            let secondOptions = try await api.send(
                .post,
                "/auth/credentials/init",
                token: admin.token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .fido2))
            ).decode(CredentialChallenge.self)
            let request = CreateCredentialRequest(
                credentialKind: .fido2,
                credentialInfo: fresh.register(challenge: secondOptions.challenge),
                credentialName: "second",
                challengeIdentifier: secondOptions.challengeIdentifier
            )
            #expect(try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request)).status == .ok)
            let loginChallenge = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
            ).decode(UserActionChallenge.self)
            let answer = try api.json(
                SignedChallenge(
                    challengeIdentifier: loginChallenge.challengeIdentifier,
                    firstFactor: Factor(kind: .fido2, credentialAssertion: try fresh.assert(challenge: loginChallenge.challenge))
                )
            )
            #expect(try await api.send(.post, "/auth/login", body: answer).status == .ok)
            let replay = try await api.send(.post, "/auth/login", body: answer)
            #expect(replay.status == .unauthorized && replay.errorMessage?.contains("already been answered") == true)
            #expect(try await server.store.credential(orgId: server.orgId, credentialId: fresh.credId)?.isFlagged == false)
        }
    }
}
