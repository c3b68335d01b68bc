import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import HTTPTypes
import SignetAPI
import SignetServer
import SignetTestFixtures
import Testing

/// Streamed uploads through the gateway when the upstream cannot take them: the client always gets
/// its answer (the body's bounded pipe never leaves the reader of the client's body waiting).
@Suite("Gateway: uploads the upstream cannot take", .timeLimit(.minutes(2)))
struct GatewayUploadTests {
    @Test("A body larger than the pipe to an upstream that is down: 502, not a request that never ends")
    func unreachable() async throws {
        // A port nothing listens on any more: connections to it are refused at once.
        let (descriptor, port) = try LoopbackListener.open()
        Glibc.close(descriptor)
        var configuration = ServerConfiguration()
        configuration.gateway = try GatewayConfiguration.parse(
            """
            upstreams:
              down: { url: "http://127.0.0.1:\(port)", timeout: 10, maxBodyBytes: 4194304 }
            routes:
              - { method: PUT, path: "/files/{fileId}", upstream: down, operation: Wallets:Tags:Add, signed: false }
            """
        )
        try await TestServer.withLive(.sqlite, configuration: configuration) { server, api, _ in
            let admin = try await server.admin(api)
            let body = String(repeating: "x", count: 1_500_000)  // several times the pipe's 256 KiB
            let reply = try await api.send(.put, "/files/f-1", token: admin.token, body: body)
            #expect(reply.status == .badGateway, "\(reply.status) \(reply.body.prefix(200))")
        }
    }
}
