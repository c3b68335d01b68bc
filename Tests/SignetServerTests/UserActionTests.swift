import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("User action signing")
struct UserActionTests {
    @Test("The challenge lists the caller's own Key credentials: the user's for a session, the PAT's for a PAT", arguments: TestDatabase.available)
    func allowCredentials(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            let request = try api.json(
                CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/auth/pats/x")
            )
            let forUser = try await api.send(.post, "/auth/action/init", token: admin.token, body: request).decode(UserActionChallenge.self)
            #expect(forUser.allowCredentials.key.map(\.id) == [server.adminCredentialId])
            let forPat = try await api.send(.post, "/auth/action/init", token: patIdentity.token, body: request).decode(UserActionChallenge.self)
            #expect(forPat.allowCredentials.key.map(\.id) == [pat.credId])
        }
    }

    @Test("Python form (signs \"\", sends nothing) and TypeScript form (signs \"{}\", sends {}) both work", arguments: TestDatabase.available)
    func payloadForms(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin)
            let path = "/auth/pats/\(pat.tokenId)/deactivate"
            let python = try await api.signed(.put, path, as: admin, body: nil, payload: "", style: .python)
            #expect(python.status == .ok, "\(python.body)")
            let typescript = try await api.signed(
                .put,
                "/auth/pats/\(pat.tokenId)/activate",
                as: admin,
                body: "{}",
                payload: "{}",
                style: .typescript
            )
            #expect(typescript.status == .ok, "\(typescript.body)")
            // The body may be re-serialised (spaces, key order, escapes) and still match.
            let reformatted = try await api.signed(
                .put,
                "/auth/pats/\(pat.tokenId)",
                as: admin,
                body: "{ \"externalId\": \"x\", \"name\" : \"caf\\u00e9\" }",
                payload: #"{"name":"café","externalId":"x"}"#
            )
            #expect(reformatted.status == .ok, "\(reformatted.body)")
            #expect(try reformatted.decode(AccessToken.self).name == "café")
        }
    }

    @Test("Header name is case-insensitive", arguments: TestDatabase.available)
    func headerCase(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin)
            let path = "/auth/pats/\(pat.tokenId)/deactivate"
            let action = try await api.userAction(as: admin, method: "PUT", path: path, payload: "")
            let reply = try await api.send(.put, path, token: admin.token, headers: ["x-dfns-useraction": action])
            #expect(reply.status == .ok)
        }
    }

    @Test("Missing, replayed, foreign and mismatched user actions get 403 and change nothing", arguments: TestDatabase.available)
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin)
            let path = "/auth/pats/\(pat.tokenId)"
            let rename = #"{"name":"renamed"}"#

            let missing = try await api.send(.put, path, token: admin.token, body: rename)
            #expect(missing.status == .forbidden)
            #expect(missing.errorMessage?.contains("X-DFNS-USERACTION") == true)

            // Mismatches: the action is left unused, so the genuine request still succeeds afterwards.
            let action = try await api.userAction(as: admin, method: "PUT", path: path, payload: rename)
            let mismatches: [(HTTPRequest.Method, String, String?)] = [
                (.put, path, #"{"name":"other"}"#),
                (.put, path, nil),
                (.put, path, #"{"name":"renamed","externalId":"x"}"#),
                (.put, path + "/deactivate", rename),
                (.delete, path, rename),
            ]
            for (method, mismatchedPath, body) in mismatches {
                let reply = try await api.send(method, mismatchedPath, token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
                #expect(reply.status == .forbidden, "\(method) \(mismatchedPath) \(body ?? "-"): \(reply.body)")
            }
            // Another caller (a second session of the same user) cannot use it either.
            let otherSession = try await server.admin(api)
            let foreign = try await api.send(.put, path, token: otherSession.token, body: rename, headers: ["X-DFNS-USERACTION": action])
            #expect(foreign.status == .forbidden)
            #expect(foreign.errorMessage?.contains("another caller") == true)
            #expect(try await api.send(.get, path, token: admin.token).decode(AccessToken.self).name == pat.name)

            let genuine = try await api.send(.put, path, token: admin.token, body: rename, headers: ["X-DFNS-USERACTION": action])
            #expect(genuine.status == .ok)
            let replay = try await api.send(.put, path, token: admin.token, body: #"{"name":"renamed"}"#, headers: ["X-DFNS-USERACTION": action])
            #expect(replay.status == .forbidden)
            #expect(replay.errorMessage?.contains("already been used") == true)

            // An access token or a challenge identifier is not a user action.
            let wrongKind = try await api.send(.put, path, token: admin.token, body: rename, headers: ["X-DFNS-USERACTION": admin.token])
            #expect(wrongKind.status == .forbidden)
        }
    }

    @Test("An expired user action gets 403", arguments: TestDatabase.available)
    func expiry(database: TestDatabase.Kind) async throws {
        // Unexpired, the route would answer 404 for this unknown token id; expired, it is 403.
        let clock = TestClock()
        var configuration = ServerConfiguration(userActionLifetime: 60)
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let path = "/auth/pats/to-aaaaa-bbbbb-cccccccccccccccc/deactivate"
            let action = try await api.userAction(as: admin, method: "PUT", path: path, payload: "")
            clock.advance(by: 61)
            let reply = try await api.send(.put, path, token: admin.token, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .forbidden)
            #expect(reply.errorMessage?.contains("expired") == true)
        }
    }

    @Test(
        "Signing is refused for a tampered clientData, a wrong key, another identity's credential, or a challenge of another caller",
        arguments: TestDatabase.available
    )
    func signingRefusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, patIdentity) = try await api.createPat(as: admin)
            let request = try api.json(
                CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "DELETE", userActionHttpPath: "/auth/pats/x")
            )
            func challenge(for identity: Identity) async throws -> UserActionChallenge {
                try await api.send(.post, "/auth/action/init", token: identity.token, body: request).decode(UserActionChallenge.self)
            }
            func complete(_ challenge: UserActionChallenge, _ factor: Factor, token: String) async throws -> Reply {
                try await api.send(
                    .post,
                    "/auth/action",
                    token: token,
                    body: try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: factor))
                )
            }

            // Tampered clientData: the signature covers the original bytes.
            let first = try await challenge(for: admin)
            var factor = try admin.signer.sign(first)
            let tampered = #"{"type":"key.get","challenge":"\#(first.challenge)","origin":"https://evil.example"}"#
            factor.credentialAssertion?.clientData = Base64URL.encode(tampered)
            #expect(try await complete(first, factor, token: admin.token).status == .forbidden)

            // key.create is not an answer to a challenge.
            let second = try await challenge(for: admin)
            let wrongType = try await complete(second, try admin.signer.sign(second, type: KeyAssertion.createType), token: admin.token)
            #expect(wrongType.status == .forbidden)
            #expect(wrongType.errorMessage?.contains("key.get") == true)

            // The user's key cannot sign for the PAT, nor the PAT's key for the user.
            let patChallenge = try await challenge(for: patIdentity)
            #expect(try await complete(patChallenge, try admin.signer.sign(patChallenge), token: patIdentity.token).status == .forbidden)
            let userChallenge = try await challenge(for: admin)
            #expect(try await complete(userChallenge, try patIdentity.signer.sign(userChallenge), token: admin.token).status == .forbidden)

            // A challenge issued to the PAT cannot be completed by the user's session, even correctly signed.
            let stolen = try await challenge(for: patIdentity)
            #expect(try await complete(stolen, try patIdentity.signer.sign(stolen), token: admin.token).status == .forbidden)

            // Answered twice: the second is refused.
            let once = try await challenge(for: admin)
            let signedOnce = try admin.signer.sign(once)
            #expect(try await complete(once, signedOnce, token: admin.token).status == .ok)
            #expect(try await complete(once, signedOnce, token: admin.token).status == .forbidden)

            // Bad base64url is bad input.
            let third = try await challenge(for: admin)
            var badEncoding = try admin.signer.sign(third)
            badEncoding.credentialAssertion?.signature = "not base64url!"
            #expect(try await complete(third, badEncoding, token: admin.token).status == .badRequest)
        }
    }

    @Test("Every algorithm signs user actions", arguments: TestDatabase.available, KeyAlgorithm.allCases)
    func algorithms(database: TestDatabase.Kind, algorithm: KeyAlgorithm) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin, algorithm: algorithm)
            let reply = try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: #"{"name":"by-\#(algorithm)"}"#)
            #expect(reply.status == .ok, "\(reply.body)")
            #expect(try reply.decode(AccessToken.self).name == "by-\(algorithm)")
        }
    }

    @Test("Completed user actions are recorded with who, which token, which credential, and the result", arguments: TestDatabase.available)
    func auditRecord(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            _ = try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: #"{"name":"x"}"#)
            let actions = try await server.store.performedUserActions(
                orgId: server.orgId,
                from: Date().addingTimeInterval(-3600),
                to: Date().addingTimeInterval(3600),
                userId: nil,
                limit: 10
            )
            #expect(actions.count == 2)
            let byPat = try #require(actions.first)
            #expect(byPat.userId == server.organization.userId)
            #expect(byPat.tokenId == pat.tokenId)
            #expect(byPat.tokenKind == .pat)
            #expect(byPat.httpMethod == "PUT")
            #expect(byPat.httpPath == "/auth/pats/\(pat.tokenId)")
            #expect(byPat.resultStatus == 200)
            #expect(!byPat.clientData.isEmpty && !byPat.signature.isEmpty)
        }
    }
}
