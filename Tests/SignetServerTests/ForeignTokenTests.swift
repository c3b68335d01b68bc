import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer
@testable import SignetStore

/// Only tokens Signet issued, of the kinds that carry a bearer's identity, are accepted.
@Suite("Bearer tokens Signet did not issue")
struct ForeignTokenTests {
    @Test("Tokens Signet did not mint, and internal tokens, are not bearer tokens", arguments: TestDatabase.available)
    func foreignTokens(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let stranger = try await TokenAuthority(issuer: "signet", keys: [], current: .generate())
            let forged = try await stranger.mint(
                audience: .access,
                id: "uj-x",
                username: "admin@example.com",
                metadata: AppMetadata(userId: server.organization.userId, orgId: server.orgId, tokenKind: .login),
                expiresAt: Date().addingTimeInterval(600)
            )
            #expect(try await api.send(.get, "/auth/pats", token: forged).status == .unauthorized)
            let challenge = try await api.send(
                .post,
                "/auth/action/init",
                token: admin.token,
                body: try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "GET", userActionHttpPath: "/x"))
            ).decode(UserActionChallenge.self)
            #expect(try await api.send(.get, "/auth/pats", token: challenge.challengeIdentifier).status == .unauthorized)
            let action = try await api.userAction(as: admin, method: "GET", path: "/x", payload: "")
            #expect(try await api.send(.get, "/auth/pats", token: action).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/pats", token: admin.token + "x").status == .unauthorized)
        }
    }

    @Test(
        "Even with Signet's own signing key, a token that was not issued is refused (only issued tokens' digests match)",
        arguments: TestDatabase.available
    )
    func leakedSigningKey(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, secondsValid: 600)
            let keys = try await server.store.signingKeys()
            let authority = try await TokenAuthority(issuer: "signet", keys: [], current: try #require(keys.last))
            let reminted = try await authority.mint(
                audience: .access,
                id: pat.tokenId,
                username: "admin@example.com",
                metadata: AppMetadata(userId: server.organization.userId, orgId: server.orgId, tokenKind: .pat),
                expiresAt: Date().addingTimeInterval(3600)
            )
            #expect(reminted != identity.token)
            let reply = try await api.send(.get, "/auth/pats", token: reminted)
            #expect(reply.status == .unauthorized)
            #expect(reply.errorMessage?.contains("not recognised") == true)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
        }
    }
}
