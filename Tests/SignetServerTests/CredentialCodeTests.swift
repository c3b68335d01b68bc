import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Adding a credential from another device with a one-time code: the signed-in person asks for a
/// code; the new device, with no access token, trades it for a challenge and answers it.
@Suite("Adding a credential with a one-time code")
struct CredentialCodeTests {
    static func code(_ api: APIClient, as identity: Identity, expiration: String) async throws -> Reply {
        try await api.signed(.post, "/auth/credentials/code", as: identity, body: #"{"expiration":\#(expiration)}"#)
    }

    static func iso(_ date: Date) -> String { "\"" + date.formatted(Date.ISO8601FormatStyle()) + "\"" }

    /// The new device's key, attested for `challenge`.
    static func newKey(for challenge: CredentialChallenge) throws -> (CreateCredentialRequest, TestSigner) {
        let key = try PrivateKey.generate(.ed25519)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        let credId = Base64URL.encode(Identifier.randomBytes(32))
        let request = CreateCredentialRequest(
            credentialInfo: KeyCredentialInfo(credId: credId, clientData: clientData, attestationData: attestationData),
            credentialName: "phone",
            challengeIdentifier: challenge.challengeIdentifier
        )
        return (request, TestSigner(credentialId: credId, key: key))
    }

    static func initiate(_ api: APIClient, code: String) async throws -> Reply {
        try await api.send(
            .post,
            "/auth/credentials/code/init",
            body: try api.json(CreateCredentialChallengeWithCodeRequest(credentialKind: .key, code: code))
        )
    }

    @Test("A person's code adds a key from a device with no token, once; the key then logs in", arguments: TestDatabase.available)
    func addsAKey(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (user, signer) = try await api.createUser(as: admin, email: "owner@example.com")
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
            let created = try await Self.code(api, as: session, expiration: Self.iso(clock.now().addingTimeInterval(600)))
            #expect(created.status == .ok, "\(created.body)")
            let code = try created.decode(CredentialCode.self)
            #expect(code.code.utf8.count == 22 && abs(code.expiration.timeIntervalSince(clock.now()) - 600) < 30)

            #expect(try await Self.initiate(api, code: code.code + "x").status == .unauthorized)
            let challenge = try await Self.initiate(api, code: code.code).decode(CredentialChallenge.self)
            #expect(challenge.user.id == user.userId && challenge.kind == .key)
            #expect(try await Self.initiate(api, code: code.code).status == .unauthorized)  // used up

            let (request, newSigner) = try Self.newKey(for: challenge)
            let added = try await api.send(.post, "/auth/credentials/code/verify", body: try api.json(request))
            #expect(added.status == .ok, "\(added.body)")
            #expect(try added.decode(Credential.self).isActive)
            // Sent again, it adds nothing (the key is registered now, and the challenge used up).
            let again = try await api.send(.post, "/auth/credentials/code/verify", body: try api.json(request))
            #expect([.conflict, .forbidden].contains(again.status), "\(again.body)")
            #expect(try await server.store.credentials(identityId: user.userId).count == 2)
            _ = try await api.login(username: user.username, orgId: server.orgId, signer: newSigner)

            // An expired code is refused like an unknown one.
            let late = try await Self.code(api, as: session, expiration: String(Int(clock.now().timeIntervalSince1970) + 60))
            #expect(late.status == .ok, "\(late.body)")
            clock.advance(by: 61)
            #expect(try await Self.initiate(api, code: try late.decode(CredentialCode.self).code).status == .unauthorized)
        }
    }

    @Test("Only a person's login session gets a code, expiring within the hour; bad input is a 400", arguments: TestDatabase.available)
    func whoAndWhen(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            // Margins of half an hour or more: a loaded machine may take minutes between here and the check.
            let soon = Self.iso(Date().addingTimeInterval(1800))
            for expiration in [Self.iso(Date().addingTimeInterval(-1800)), Self.iso(Date().addingTimeInterval(3 * 3600)), "\"tomorrow\"", "true", "1e300"] {
                #expect(try await Self.code(api, as: admin, expiration: expiration).status == .badRequest, "\(expiration)")
            }
            let (_, pat) = try await api.createPat(as: admin)
            #expect(try await Self.code(api, as: pat, expiration: soon).status == .forbidden)
            let (_, account) = try await api.createServiceAccount(as: admin)
            #expect(try await Self.code(api, as: account, expiration: soon).status == .forbidden)
            for body in [
                #"{"credentialKind":"Key"}"#, #"{"credentialKind":"Password","code":"x"}"#, #"{"credentialKind":"Key","code":"x","extra":1}"#,
            ] {
                #expect(try await api.send(.post, "/auth/credentials/code/init", body: body).status == .badRequest, "\(body)")
            }
        }
    }

    @Test("Only a code's challenge verifies, and a deactivated person's code dies with them", arguments: TestDatabase.available)
    func challengeAndUser(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (user, signer) = try await api.createUser(as: admin, email: "leaver@example.com")
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
            // A challenge of POST /auth/credentials/init does not verify here.
            let ordinary = try await api.send(.post, "/auth/credentials/init", token: session.token, body: #"{"kind":"Key"}"#)
                .decode(CredentialChallenge.self)
            let (request, _) = try Self.newKey(for: ordinary)
            #expect(try await api.send(.post, "/auth/credentials/code/verify", body: try api.json(request)).status == .forbidden)

            let code = try await Self.code(api, as: session, expiration: Self.iso(Date().addingTimeInterval(600))).decode(CredentialCode.self)
            let pending = try await Self.code(api, as: session, expiration: Self.iso(Date().addingTimeInterval(600))).decode(CredentialCode.self)
            let challenge = try await Self.initiate(api, code: pending.code).decode(CredentialChallenge.self)
            #expect(try await api.signed(.put, "/auth/users/\(user.userId)/deactivate", as: admin).status == .ok)
            #expect(try await Self.initiate(api, code: code.code).status == .unauthorized)
            let (late, _) = try Self.newKey(for: challenge)
            #expect(try await api.send(.post, "/auth/credentials/code/verify", body: try api.json(late)).status == .forbidden)
            #expect(try await server.store.credentials(identityId: user.userId).count == 1)
        }
    }

    @Test("A code dies with the session that asked for it; its challenge is not a credential challenge", arguments: TestDatabase.available)
    func boundToItsSession(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (user, signer) = try await api.createUser(as: admin, email: "careful@example.com")
            let session = try await api.session(user.username, orgId: server.orgId, signer: signer)
            let soon = Self.iso(Date().addingTimeInterval(600))
            let first = try await Self.code(api, as: session, expiration: soon).decode(CredentialCode.self)
            let challenge = try await Self.initiate(api, code: first.code).decode(CredentialChallenge.self)
            // Sent to POST /auth/credentials by the session itself, a code's challenge is refused.
            let (request, _) = try Self.newKey(for: challenge)
            #expect(try await api.signed(.post, "/auth/credentials", as: session, body: try api.json(request)).status == .forbidden)
            let second = try await Self.code(api, as: session, expiration: soon).decode(CredentialCode.self)
            #expect(try await api.send(.put, "/auth/logout", token: session.token, body: "{}").status == .ok)
            #expect(try await Self.initiate(api, code: second.code).status == .unauthorized)
            #expect(try await api.send(.post, "/auth/credentials/code/verify", body: try api.json(request)).status == .forbidden)
            #expect(try await server.store.credentials(identityId: user.userId).count == 1)
            // Codes add keys and passkeys, not recovery keys.
            let body = #"{"credentialKind":"RecoveryKey","code":"\#(second.code)"}"#
            #expect(try await api.send(.post, "/auth/credentials/code/init", body: body).status == .badRequest)
        }
    }
}
