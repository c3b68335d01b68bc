import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// Registration by code: an administrator creates a person, who registers a key or a passkey with
/// the one-time code, then logs in with it.
@Suite("Registration by code")
struct RegistrationTests {
    /// Creates a person without a key; returns them with their code.
    static func invite(_ api: APIClient, as admin: Identity, email: String) async throws -> User {
        let reply = try await api.signed(.post, "/auth/users", as: admin, body: try api.json(CreateUserRequest(email: email)))
        #expect(reply.status == .ok, "\(reply.body)")
        return try reply.decode(User.self)
    }

    static func initiate(_ api: APIClient, server: TestServer, email: String, code: String) async throws -> Reply {
        try await api.send(
            .post,
            "/auth/registration/init",
            body: try api.json(RegistrationChallengeRequest(orgId: server.orgId, username: email, registrationCode: code))
        )
    }

    static func register(_ api: APIClient, token: String, _ credential: RegistrationCredential) async throws -> Reply {
        try await api.send(.post, "/auth/registration", token: token, body: try api.json(RegisterRequest(firstFactorCredential: credential)))
    }

    /// A Key credential's registration for `challenge`, with a fresh key.
    static func keyCredential(_ challenge: RegistrationChallenge) throws -> (RegistrationCredential, TestSigner) {
        let key = try PrivateKey.generate(.ecdsaP256)
        let (clientData, attestation) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        let credId = Base64URL.encode(Identifier.randomBytes(32))
        let credential = RegistrationCredential(
            credentialKind: .key,
            credentialInfo: KeyCredentialInfo(credId: credId, clientData: clientData, attestationData: attestation)
        )
        return (credential, TestSigner(credentialId: credId, key: key))
    }

    /// `signet register --code -x…` reads `-x…` as an option: before the fix one code in 64
    /// started with `-` (4,000 codes hold one with a chance of 1 − (63/64)^4000, certainty).
    @Test("No registration code starts with '-', so it can follow --code on a command line")
    func codesAreNotOptions() {
        let codes = (0..<4000).map { _ in RegistrationService.newCode() }
        #expect(codes.allSatisfy { !$0.hasPrefix("-") && $0.utf8.count == 22 })
        #expect(Set(codes).count == codes.count)
    }

    @Test("A person registers a key with the code, then logs in; the code works once", arguments: TestDatabase.available)
    func keyRegistration(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = try PasskeyTests.configuration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let invited = try await Self.invite(api, as: admin, email: "new@example.com")
            let code = try #require(invited.registrationCode)
            #expect(code.utf8.count >= 22 && !invited.isRegistered)
            #expect(try #require(invited.registrationCodeExpiresAt).timeIntervalSince(clock.now()) > 4 * 3600 - 60)
            #expect(try await api.send(.get, "/auth/users/\(invited.userId)", token: admin.token).decode(User.self).registrationCode == nil)
            #expect(try await Self.initiate(api, server: server, email: "new@example.com", code: code + "x").status == .unauthorized)
            #expect(try await Self.initiate(api, server: server, email: "nobody@example.com", code: code).status == .unauthorized)

            let challenge = try await Self.initiate(api, server: server, email: "new@example.com", code: code).decode(RegistrationChallenge.self)
            #expect(challenge.supportedCredentialKinds.firstFactor == [.fido2, .key] && challenge.user.id == invited.userId)
            // A registration that does not verify changes nothing: the same challenge and code still work.
            var (credential, signer) = try Self.keyCredential(challenge)
            var broken = credential
            broken.credentialInfo.attestationData = try KeyAttestation.make(challenge: "another", key: try PrivateKey.generate(.ed25519))
                .attestationData
            #expect(try await Self.register(api, token: challenge.temporaryAuthenticationToken, broken).status == .forbidden)
            #expect(try await Self.register(api, token: admin.token, credential).status == .unauthorized)
            let registered = try await Self.register(api, token: challenge.temporaryAuthenticationToken, credential)
            #expect(registered.status == .ok, "\(registered.body)")
            #expect(try registered.decode(RegisterResponse.self).user.id == invited.userId)
            _ = try await api.session("new@example.com", orgId: server.orgId, signer: signer)
            // Used up: neither the code nor the token works again.
            #expect(try await Self.initiate(api, server: server, email: "new@example.com", code: code).status == .unauthorized)
            (credential, signer) = try Self.keyCredential(challenge)
            #expect(try await Self.register(api, token: challenge.temporaryAuthenticationToken, credential).status == .unauthorized)

            // A new code replaces the old; an expired one does not work.
            let other = try await Self.invite(api, as: admin, email: "late@example.com")
            let renewed = try await api.signed(
                .put,
                "/auth/registration/code",
                as: admin,
                body: try api.json(RegistrationCodeRequest(username: "late@example.com", orgId: server.orgId))
            )
            let newCode = try #require(try renewed.decode(User.self).registrationCode)
            #expect(
                try await Self.initiate(api, server: server, email: "late@example.com", code: try #require(other.registrationCode)).status
                    == .unauthorized
            )
            #expect(try await Self.initiate(api, server: server, email: "late@example.com", code: newCode).status == .ok)
            clock.advance(by: 4 * 3600 + 1)
            #expect(try await Self.initiate(api, server: server, email: "late@example.com", code: newCode).status == .unauthorized)
        }
    }

    @Test("A person registers a passkey with the code and logs in with it", arguments: TestDatabase.available)
    func passkeyRegistration(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try PasskeyTests.configuration()) { server, api in
            let admin = try await server.admin(api)
            let invited = try await Self.invite(api, as: admin, email: "pk@example.com")
            let challenge = try await Self.initiate(api, server: server, email: "pk@example.com", code: try #require(invited.registrationCode))
                .decode(RegistrationChallenge.self)
            let authenticator = SoftwareAuthenticator(rpId: "localhost", origin: PasskeyTests.origin)
            let credential = RegistrationCredential(
                credentialKind: .fido2,
                credentialInfo: authenticator.register(challenge: challenge.challenge),
                credentialName: "phone"
            )
            let reply = try await Self.register(api, token: challenge.temporaryAuthenticationToken, credential)
            #expect(reply.status == .ok, "\(reply.body)")
            let login = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: "pk@example.com", orgId: server.orgId))
            ).decode(UserActionChallenge.self)
            let assertion = try authenticator.assert(challenge: login.challenge, userId: invited.userId)
            let answer = SignedChallenge(
                challengeIdentifier: login.challengeIdentifier,
                firstFactor: Factor(kind: .fido2, credentialAssertion: assertion)
            )
            #expect(try await api.send(.post, "/auth/login", body: try api.json(answer)).status == .ok)
        }
    }

    @Test("Issuing a code needs Auth:Users:Update and every operation the person holds", arguments: TestDatabase.available)
    func codeNeedsPrivilege(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Update", "Auth:Users:Read"])
            let (helper, helperSigner) = try await api.createUser(as: admin, email: "helper@example.com")
            try await api.assign(role.id, to: helper.userId, as: admin)
            let session = try await api.session(helper.username, orgId: server.orgId, signer: helperSigner)
            let forAdmin = try await api.signed(
                .put,
                "/auth/registration/code",
                as: session,
                body: try api.json(RegistrationCodeRequest(username: server.organization.username, orgId: server.orgId))
            )
            #expect(forAdmin.status == .forbidden, "\(forAdmin.body)")
            _ = try await Self.invite(api, as: admin, email: "plain@example.com")
            let forPlain = try await api.signed(
                .put,
                "/auth/registration/code",
                as: session,
                body: try api.json(RegistrationCodeRequest(username: "plain@example.com", orgId: server.orgId))
            )
            #expect(forPlain.status == .ok, "\(forPlain.body)")
        }
    }
}
