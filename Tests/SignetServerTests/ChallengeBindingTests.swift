import Foundation
import HTTPTypes
import SQLKit
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

@testable import SignetStore

/// Checks that mutations of the server (by hand, and by scripts/mutants) showed missing at the HTTP
/// level: a signature must answer *this* challenge, the server's own expiry applies even when the
/// JWT's has not run out, a credential's deactivation is checked where it is used (not only through
/// the sessions it ends), and a challenge or a registration code dies after five wrong answers.
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

    @Test("A user-action challenge is answered only with the token it was issued to, even by the same person", arguments: TestDatabase.available)
    func challengeAnsweredByItsToken(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let first = try await server.admin(api)
            let second = try await server.admin(api)  // another session of the same person, same key
            let request = try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
            let challenge = try await api.send(.post, "/auth/action/init", token: first.token, body: request).decode(UserActionChallenge.self)
            let answer = try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try first.signer.sign(challenge)))
            let stolen = try await api.send(.post, "/auth/action", token: second.token, body: answer)
            #expect(stolen.status == .forbidden && stolen.errorMessage?.contains("another caller") == true, "\(stolen.status) \(stolen.body)")
            #expect(try await api.send(.post, "/auth/action", token: first.token, body: answer).status == .ok, "its own token still answers it")
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

    @Test("A session whose credential is inactive is refused, even if nothing ended the session itself", arguments: TestDatabase.available)
    func sessionCredentialChecked(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            #expect(try await api.send(.get, "/auth/whoami", token: admin.token).status == .ok)
            // The store's write alone: the service's deactivation would also end the session's row.
            try await server.store.setCredentialActive(uuid: server.adminCredentialUuid, isActive: false)
            let reply = try await api.send(.get, "/auth/whoami", token: admin.token)
            #expect(reply.status == .unauthorized && reply.errorMessage?.contains("credential") == true, "\(reply.status) \(reply.body)")
        }
    }

    @Test("A user action whose signing credential was deactivated before its use is refused", arguments: TestDatabase.available)
    func userActionCredentialChecked(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "signer")
            let credentials = try await api.send(.get, "/auth/credentials", token: identity.token).decode(ListResponse<Credential>.self).items
            let credential = try #require(credentials.first { $0.credentialId == pat.credId })
            let path = "/auth/pats/\(pat.tokenId)"
            let body = #"{"name":"renamed"}"#
            let userAction = try await api.userAction(as: identity, method: "PUT", path: path, payload: body)
            try await server.store.setCredentialActive(uuid: credential.credentialUuid, isActive: false)
            let reply = try await api.send(.put, path, token: identity.token, body: body, headers: ["X-DFNS-USERACTION": userAction])
            #expect(reply.status == .forbidden && reply.errorMessage?.contains("deactivated") == true, "\(reply.status) \(reply.body)")
            #expect(try await api.send(.get, path, token: admin.token).decode(AccessToken.self).name == "signer", "nothing applied")
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
