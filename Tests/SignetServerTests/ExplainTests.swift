import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetTestFixtures
import Testing

@Suite("Explain: why an operation is allowed or refused")
struct ExplainTests {
    @Test("For the caller and, for an administrator, for a PAT: the roles of each side and which side refuses", arguments: TestDatabase.available)
    func explain(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let mine = try await api.send(.get, "/auth/permissions/explain?operation=Auth:Users:Read", token: admin.token)
                .decode(PermissionExplanation.self)
            #expect(mine.allowed && mine.token == nil && mine.user.grantedBy.map(\.permissionName) == ["ManagedFullAdminAccess"])

            let readers = try await api.createRole(as: admin, name: "readers", operations: ["Auth:Users:Read"])
            let (pat, asPat) = try await api.createPat(as: admin, permissionId: readers.id)
            let narrow = try await api.send(.get, "/auth/permissions/explain?operation=Auth:Users:Delete", token: asPat.token)
                .decode(PermissionExplanation.self)
            #expect(!narrow.allowed && narrow.user.allowed && narrow.token?.allowed == false && narrow.identityId == pat.tokenId)
            #expect(narrow.reason?.contains("token") == true)
            let granted = try await api.send(
                .get,
                "/auth/permissions/explain?operation=Auth:Users:Read&identityId=\(pat.tokenId)",
                token: admin.token
            )
            .decode(PermissionExplanation.self)
            #expect(granted.allowed && granted.token?.grantedBy.map(\.permissionName) == ["readers"])

            let (person, signer) = try await api.createUser(as: admin, email: "nobody@example.com")
            let nobody = try await api.session("nobody@example.com", orgId: server.orgId, signer: signer)
            let own = try await api.send(.get, "/auth/permissions/explain?operation=Wallets:Read", token: nobody.token)
                .decode(PermissionExplanation.self)
            #expect(!own.allowed && own.user.id == person.userId && own.reason?.contains("user holds no role") == true)
            let prying = try await api.send(.get, "/auth/permissions/explain?operation=Wallets:Read&identityId=\(pat.tokenId)", token: nobody.token)
            #expect(prying.status == .forbidden)
            for query in ["", "?operation=", "?operation=Wallets:Fly"] {
                #expect(try await api.send(.get, "/auth/permissions/explain\(query)", token: admin.token).status == .badRequest, "\(query)")
            }
            #expect(
                try await api.send(.get, "/auth/permissions/explain?operation=Wallets:Read&identityId=to-nope", token: admin.token).status
                    == .notFound
            )
        }
    }
}
