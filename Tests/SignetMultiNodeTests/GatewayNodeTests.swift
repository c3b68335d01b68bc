import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// The gateway on several nodes: a role narrowed through one node refuses a gateway request on
/// another within the revocation bound. The upstream is down on purpose: a request the gateway lets
/// through ends in 502, one it refuses in 403, so no upstream is needed to tell them apart.
@Suite("The gateway on several nodes", .enabled(if: TestDatabase.postgresURL != nil), .serialized)
struct GatewayNodeTests {
    @Test("A role narrowed on node A refuses a gateway request on node B")
    func narrowedRole() async throws {
        let cluster = try await Cluster.initialise(database: try await TestDatabase.createPostgres(), nodes: 2)
        do {
            let file = cluster.directory + "/gateway.yaml"
            try """
            upstreams: { down: { url: "http://127.0.0.1:1" } }
            routes: [{ method: GET, path: /wallets, upstream: down, operation: Wallets:Read }]
            """.write(toFile: file, atomically: true, encoding: .utf8)
            for node in 0..<2 { try await cluster.startNode(node, arguments: ["--gateway", file]) }
            let adminA = try await cluster.admin(at: 0)
            let role = try await adminA.permissions.create(CreatePermissionRequest(name: "wallet-readers", operations: ["Wallets:Read"]))
            let key = try PrivateKey.generate(.ecdsaP256)
            let pat = try await adminA.personalAccessTokens.create(
                CreatePersonalAccessTokenRequest(name: "gw", publicKey: key.publicKey.pemRepresentation, permissionId: role.id)
            )
            let token = try #require(pat.accessToken)
            let status = { @Sendable () async throws -> UInt in
                var request = HTTPClientRequest(url: cluster.url(1) + "/wallets")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                return try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
            }
            #expect(try await status() == 502)  // let through (and the upstream is down); warms B's cache
            _ = try await adminA.permissions.update(role.id, UpdatePermissionRequest(operations: ["Auth:Users:Read"]))
            let narrowed = await MultiNodeTests.timeUntilRefused {
                guard try await status() == 502 else { throw CancellationError() }
            }
            MultiNodeTests.report("role narrowed on A, gateway refused on B after", narrowed)
            #expect(try await status() == 403)
            #expect(narrowed != nil)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}
