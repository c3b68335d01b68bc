import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Reads that must not grow with the data: a cold `GET /auth/pats` reads the same number of times
/// for 2 PATs as for 22 (no query per PAT).
@Suite("Query counts")
struct QueryCountTests {
    @Test("A cold GET /auth/pats reads a fixed number of times whatever the number of PATs", arguments: TestDatabase.available)
    func patListReadsAreFixed(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.authorizationCache = false
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            // The counter also sees the background reads (the signing-key poller, the janitor), which
            // can land inside a request's window: the fewest of three requests is the request's own.
            let reads = { @Sendable () async throws -> (count: Int, items: [AccessToken]) in
                var fewest = Int.max
                var items: [AccessToken] = []
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    let reply = try await api.send(.get, "/auth/pats", token: admin.token)
                    fewest = min(fewest, server.store.reads.value - before)
                    items = try reply.decode(ListResponse<AccessToken>.self).items
                }
                return (fewest, items)
            }
            for index in 0..<2 { _ = try await api.createPat(as: admin, name: "few-\(index)", permissionId: readers.id) }
            let few = try await reads()
            for index in 0..<20 {
                _ = try await api.createPat(as: admin, name: "many-\(index)", permissionId: index.isMultiple(of: 2) ? readers.id : nil)
            }
            let many = try await reads()
            #expect(few.items.count == 2 && many.items.count == 22)
            #expect(many.count == few.count, "reads for 2 PATs: \(few.count), for 22: \(many.count)")
            // Each PAT still shows its own credential and roles.
            #expect(Set(many.items.map(\.credId)).count == 22 && many.items.allSatisfy { $0.credId.hasPrefix("cr-") })
            let single = try await api.send(.get, "/auth/pats/\(many.items[2].tokenId)", token: admin.token).decode(AccessToken.self)
            #expect(
                single.permissionAssignments == many.items[2].permissionAssignments,
                "\(single.permissionAssignments) vs \(many.items[2].permissionAssignments)")
            #expect(many.items.filter { $0.name.hasPrefix("many-") && $0.permissionAssignments.map(\.permissionId) == [readers.id] }.count == 10)
        }
    }
}
