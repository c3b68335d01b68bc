import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Login and logout")
struct LoginTests {
    @Test("Login returns an EdDSA JWT with the claims the Dfns SDKs read, valid 6 hours", arguments: TestDatabase.available)
    func loginToken(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let token = try await api.login(username: "admin@example.com", orgId: server.orgId, signer: server.adminSigner)
            let parts = token.split(separator: ".").map(String.init)
            let header = try JSONValue(parsing: try #require(Base64URL.decode(parts[0])))
            #expect(header["alg"] == .string("EdDSA"))
            let claims = try JSONValue(parsing: try #require(Base64URL.decode(parts[1])))
            #expect(claims["sub"] == .string(server.orgId))
            #expect(claims["aud"] == .string("dfns:auth:user"))
            #expect(claims["iss"] != nil)
            #expect(claims["https://custom/username"] == .string("admin@example.com"))
            let metadata = try #require(claims["https://custom/app_metadata"])
            #expect(metadata["userId"] == .string(server.organization.userId))
            #expect(metadata["orgId"] == .string(server.orgId))
            #expect(metadata["tokenKind"] == .string("Token"))
            guard case .string(let jti)? = claims["jti"], case .number(let iat)? = claims["iat"],
                case .number(let exp)? = claims["exp"]
            else {
                Issue.record("jti, iat or exp missing")
                return
            }
            #expect(jti.hasPrefix("uj-"))
            #expect(Int(exp)! - Int(iat)! == 6 * 3600)
            #expect(try await api.send(.get, "/auth/pats", token: token).status == .ok)
        }
    }

    @Test("The challenge lists the user's active Key credentials only", arguments: TestDatabase.available)
    func loginChallenge(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let reply = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: "ADMIN@example.com", orgId: server.orgId))
            )
            #expect(reply.status == .ok)
            let challenge = try reply.decode(UserActionChallenge.self)
            #expect(challenge.allowCredentials.key.map(\.id) == [server.adminCredentialId])
            #expect(challenge.supportedCredentialKinds.map(\.kind) == [.key])
            try await server.store.setCredentialActive(uuid: server.adminCredentialUuid, isActive: false)
            let afterDeactivation = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: "admin@example.com", orgId: server.orgId))
            )
            // No active Key credential: a decoy challenge (usernames are not revealed), never the deactivated credential.
            #expect(afterDeactivation.status == .ok)
            let decoy = try afterDeactivation.decode(UserActionChallenge.self)
            #expect(!decoy.allowCredentials.key.map(\.id).contains(server.adminCredentialId))
        }
    }

    @Test("Unknown users, wrong organisations and deactivated users cannot log in; all get the same 401", arguments: TestDatabase.available)
    func refusedLogins(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let (user, signer) = try await server.addUser(email: "someone@example.com")
            let cases = [
                LoginChallengeRequest(username: "nobody@example.com", orgId: server.orgId),
                LoginChallengeRequest(username: "admin@example.com", orgId: "or-00000-00000-0000000000000000"),
            ]
            var messages = Set<String>()
            for request in cases {
                // A decoy challenge at init; answering it fails with the one 401.
                let reply = try await api.send(.post, "/auth/login/init", body: try api.json(request))
                #expect(reply.status == .ok)
                let decoy = try reply.decode(UserActionChallenge.self)
                let forged = try signer.with(credentialId: decoy.allowCredentials.key.first?.id ?? "").sign(decoy)
                let answer = SignedChallenge(challengeIdentifier: decoy.challengeIdentifier, firstFactor: forged)
                let refused = try await api.send(.post, "/auth/login", body: try api.json(answer))
                #expect(refused.status == .unauthorized)
                messages.insert(refused.errorMessage ?? "")
            }
            // A deactivated user: a decoy at init, and a challenge obtained before deactivation cannot be completed.
            let early = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: user.username, orgId: server.orgId))
            )
            let challenge = try early.decode(UserActionChallenge.self)
            try await server.setUserActive(user.id, false)
            let reply = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: user.username, orgId: server.orgId))
            )
            #expect(reply.status == .ok)
            #expect(try reply.decode(UserActionChallenge.self).allowCredentials.key.map(\.id) != [signer.credentialId])
            let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try signer.sign(challenge))
            let late = try await api.send(.post, "/auth/login", body: try api.json(answer))
            #expect(late.status == .unauthorized)
            try await server.setUserActive(user.id, true)
            let again = try await api.send(.post, "/auth/login", body: try api.json(answer))
            #expect(again.status == .unauthorized, "the refusal used its challenge up")
            // A real user answering with a wrong signature gets the same message as every decoy.
            let real = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: "admin@example.com", orgId: server.orgId))
            )
            let realChallenge = try real.decode(UserActionChallenge.self)
            let wrongKey = try signer.with(credentialId: server.adminCredentialId).sign(realChallenge)
            let wrong = try await api.send(
                .post,
                "/auth/login",
                body: try api.json(SignedChallenge(challengeIdentifier: realChallenge.challengeIdentifier, firstFactor: wrongKey))
            )
            #expect(wrong.status == .unauthorized)
            messages.insert(wrong.errorMessage ?? "")
            #expect(messages.count == 1, "\(messages)")
        }
    }

    @Test("A wrong key, a replayed answer and a user-action challenge are refused at login", arguments: TestDatabase.available)
    func badAnswers(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let request = try api.json(LoginChallengeRequest(username: "admin@example.com", orgId: server.orgId))
            let challenge = try await api.send(.post, "/auth/login/init", body: request).decode(UserActionChallenge.self)
            let impostor = try TestSigner.generate(.ecdsaP256, credentialId: server.adminCredentialId)
            let forged = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try impostor.sign(challenge))
            let forgedReply = try await api.send(.post, "/auth/login", body: try api.json(forged))
            #expect(forgedReply.status == .unauthorized)
            #expect(forgedReply.errorMessage?.contains("signature") == true)

            let genuine = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try server.adminSigner.sign(challenge))
            #expect(try await api.send(.post, "/auth/login", body: try api.json(genuine)).status == .ok)
            #expect(try await api.send(.post, "/auth/login", body: try api.json(genuine)).status == .unauthorized)

            let admin = try await server.admin(api)
            let actionChallenge = try await api.send(
                .post,
                "/auth/action/init",
                token: admin.token,
                body: try api.json(
                    CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "GET", userActionHttpPath: "/auth/pats")
                )
            ).decode(UserActionChallenge.self)
            let crossed = SignedChallenge(
                challengeIdentifier: actionChallenge.challengeIdentifier,
                firstFactor: try server.adminSigner.sign(actionChallenge)
            )
            #expect(try await api.send(.post, "/auth/login", body: try api.json(crossed)).status == .unauthorized)
        }
    }

    @Test("The same signed answer sent several times at once opens one session", arguments: TestDatabase.available)
    func concurrentAnswers(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try #require(try await server.store.user(orgId: server.orgId, username: "admin@example.com"))
            let before = try await server.store.tokens(userId: admin.id, kind: .login).count
            let request = try api.json(LoginChallengeRequest(username: "admin@example.com", orgId: server.orgId))
            let challenge = try await api.send(.post, "/auth/login/init", body: request).decode(UserActionChallenge.self)
            let answer = try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try server.adminSigner.sign(challenge)))
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<4 { group.addTask { try await api.send(.post, "/auth/login", body: answer).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .unauthorized }.count == 3, "\(statuses)")
            #expect(try await server.store.tokens(userId: admin.id, kind: .login).count == before + 1, "a refused answer's session was rolled back")
        }
    }

    @Test("Login routes ignore whatever bearer token the SDK sends", arguments: TestDatabase.available)
    func loginIgnoresBearer(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let request = try api.json(LoginChallengeRequest(username: "admin@example.com", orgId: server.orgId))
            #expect(try await api.send(.post, "/auth/login/init", token: "", body: request).status == .ok)
            #expect(try await api.send(.post, "/auth/login/init", token: "garbage", body: request).status == .ok)
        }
    }

    @Test("Logout ends the session on its next request; allSessions ends them all; a PAT cannot log out", arguments: TestDatabase.available)
    func logout(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let first = try await server.admin(api)
            let second = try await server.admin(api)
            #expect(try await api.send(.put, "/auth/logout", token: first.token).status == .ok)
            let after = try await api.send(.get, "/auth/pats", token: first.token)
            #expect(after.status == .unauthorized)
            #expect(after.errorMessage?.contains("logged out") == true)
            #expect(try await api.send(.get, "/auth/pats", token: second.token).status == .ok)

            let third = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: third)
            #expect(try await api.send(.put, "/auth/logout", token: pat.token, body: "{}").status == .badRequest)
            #expect(try await api.send(.put, "/auth/logout", token: third.token, body: #"{"allSessions":true}"#).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: second.token).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/pats", token: third.token).status == .unauthorized)
            // Logging out does not end the user's PATs.
            #expect(try await api.send(.get, "/auth/pats", token: pat.token).status == .ok)
            // POST, as the TypeScript SDK 0.5 sends it, ends the session too.
            let fourth = try await server.admin(api)
            #expect(try await api.send(.post, "/auth/logout", token: fourth.token).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: fourth.token).status == .unauthorized)
        }
    }
}
