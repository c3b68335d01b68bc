import Foundation
import HTTPTypes
import SQLKit
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

@testable import SignetStore

/// Checks that a hand-made mutation of the server showed missing at the HTTP level: a signature
/// must answer *this* challenge, the server's own expiry applies even when the JWT's has not run
/// out, and a challenge or a registration code dies after five wrong answers.
@Suite("Challenge binding, server-side expiry and attempt limits")
struct ChallengeBindingTests {
    static func loginChallenge(_ api: APIClient, _ server: TestServer) async throws -> UserActionChallenge {
        try await api.send(
            .post,
            "/auth/login/init",
            body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
        ).decode(UserActionChallenge.self)
    }

    @Test("A signature over challenge A sent with B's identifier is refused at login and for a user action", arguments: TestDatabase.available)
    func signatureAnswersThisChallenge(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let a = try await Self.loginChallenge(api, server)
            let b = try await Self.loginChallenge(api, server)
            let swapped = SignedChallenge(challengeIdentifier: b.challengeIdentifier, firstFactor: try server.adminSigner.sign(a))
            #expect(try await api.send(.post, "/auth/login", body: try api.json(swapped)).status == .unauthorized)

            let admin = try await server.admin(api)
            let request = try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
            let first = try await api.send(.post, "/auth/action/init", token: admin.token, body: request).decode(UserActionChallenge.self)
            let second = try await api.send(.post, "/auth/action/init", token: admin.token, body: request).decode(UserActionChallenge.self)
            let crossed = SignedChallenge(challengeIdentifier: second.challengeIdentifier, firstFactor: try admin.signer.sign(first))
            #expect(try await api.send(.post, "/auth/action", token: admin.token, body: try api.json(crossed)).status == .forbidden)
        }
    }

    @Test("The stored expiry applies even while the token's JWT exp has not passed", arguments: TestDatabase.available)
    func storedExpiryApplies(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, secondsValid: 3600)
            #expect(try await api.send(.get, "/auth/whoami", token: identity.token).status == .ok)
            let past = Date().addingTimeInterval(-60).milliseconds
            try await server.store.driver.withWriter { database in
                try await database.raw("UPDATE access_tokens SET expires_at = \(bind: past) WHERE id = \(bind: pat.tokenId)").run()
            }
            server.store.changes.publish(.authorization)
            let reply = try await api.send(.get, "/auth/whoami", token: identity.token)
            #expect(reply.status == .unauthorized && reply.errorMessage?.contains("expired") == true)
        }
    }

    @Test("A login challenge dies after five wrong answers: the right one is refused after them", arguments: TestDatabase.available)
    func challengeDiesAfterFiveFailures(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let stranger = try TestSigner.generate(.ecdsaP256, credentialId: server.adminCredentialId)
            func wrong(_ challenge: UserActionChallenge) throws -> String {
                try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try stranger.sign(challenge)))
            }
            func right(_ challenge: UserActionChallenge) throws -> String {
                try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try server.adminSigner.sign(challenge)))
            }
            // Four wrong answers leave a challenge usable (a refused answer changes nothing else)…
            let survivor = try await Self.loginChallenge(api, server)
            for _ in 0..<4 { #expect(try await api.send(.post, "/auth/login", body: try wrong(survivor)).status == .unauthorized) }
            #expect(try await api.send(.post, "/auth/login", body: try right(survivor)).status == .ok)
            // …the fifth ends it: the right answer is refused after it.
            let victim = try await Self.loginChallenge(api, server)
            for _ in 0..<5 { #expect(try await api.send(.post, "/auth/login", body: try wrong(victim)).status == .unauthorized) }
            #expect(try await api.send(.post, "/auth/login", body: try right(victim)).status == .unauthorized)
        }
    }

    @Test("A registration code dies after five wrong tries", arguments: TestDatabase.available)
    func codeDiesAfterFiveFailures(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let invited = try await RegistrationTests.invite(api, as: admin, email: "guessed@example.com")
            let code = try #require(invited.registrationCode)
            for attempt in 0..<5 {
                #expect(
                    try await RegistrationTests.initiate(api, server: server, email: "guessed@example.com", code: "wrong-\(attempt)").status
                        == .unauthorized
                )
            }
            #expect(try await RegistrationTests.initiate(api, server: server, email: "guessed@example.com", code: code).status == .unauthorized)
        }
    }
}
