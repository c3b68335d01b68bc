import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// The gateway in process, in front of an upstream that records what it receives byte for byte:
/// what was authorised is exactly what is forwarded, or nothing is.
@Suite("Gateway: what reaches the upstream")
struct GatewayForwardingTests {
    /// Runs `body` with a live server whose gateway forwards to `upstream` under the base path `/api/v1`.
    static func withGateway(
        _ database: TestDatabase.Kind,
        check: String = "",
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer, APIClient, Int, RecordingUpstream) async throws -> Void
    ) async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.close() }
        var configuration = ServerConfiguration()
        configure(&configuration)
        configuration.gateway = try GatewayConfiguration.parse(
            """
            upstreams:
              wallets: { url: "\(upstream.url(path: "/api/v1"))", timeout: 10, maxBodyBytes: 2097152 }
              files: { url: "\(upstream.url(path: "/files-api"))" }
            routes:
              - { method: GET, path: /wallets, upstream: wallets, operation: Wallets:Read }
              - { method: GET, path: "/wallets/{walletId}", upstream: wallets, operation: Wallets:Read }
              - { method: POST, path: /wallets, upstream: wallets, operation: Wallets:Create }
              - { method: PUT, path: "/wallets/{walletId}/notes", upstream: wallets, operation: Wallets:Tags:Add, signed: false }
              - { method: PUT, path: "/files/{fileId}", upstream: files, operation: Wallets:Tags:Add, signed: false }
            \(check)
            """
        )
        try await TestServer.withLive(database, configuration: configuration) { server, api, port in
            try await body(server, api, port, upstream)
        }
    }

    @Test(
        "Every percent-encoded byte in a segment is forwarded byte for byte under the base path, or refused and not forwarded",
        arguments: [TestDatabase.Kind.sqlite]
    )
    func everyByte(database: TestDatabase.Kind) async throws {
        try await Self.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            for byte in 0...255 {
                let escape = "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                let before = upstream.requests.count
                let reply = try await api.send(.get, "/wallets/a\(escape)b?admin=1", token: admin.token)
                if reply.status == .ok {
                    let received = try #require(upstream.requests.last)
                    #expect(upstream.requests.count == before + 1)
                    #expect(Array(received.target.utf8) == Array("/api/v1/wallets/a\(escape)b?admin=1".utf8), "\(escape): \(received.target)")
                } else {
                    #expect(reply.status == .badRequest, "\(escape): \(reply.status)")
                    #expect(upstream.requests.count == before, "\(escape) was refused but forwarded")
                }
            }
            // Printable ASCII passes but for slash, backslash and %; controls, DEL and bytes outside ASCII do not.
            #expect(upstream.requests.count == 95 - 3)
            for bad in [
                "/wallets/%C0%80", "/wallets/%c0%ae", "/wallets/%FF?admin=1", "/wallets/%0d%0a", "/wallets/x?a=%1b", "/wallets?a=%7f",
                "/wallets/..;", "/wallets/%252e%252e", "/wallets/%EF%BC%8E%EF%BC%8E",
            ] {
                let before = upstream.requests.count
                #expect(try await api.send(.get, bad, token: admin.token).status == .badRequest, "\(bad)")
                #expect(upstream.requests.count == before, "\(bad) was forwarded")
            }
        }
    }

    @Test("A # in the request line is a 400 everywhere, and nothing is forwarded", arguments: [TestDatabase.Kind.sqlite])
    func fragment(database: TestDatabase.Kind) async throws {
        try await Self.withGateway(database) { server, api, port, upstream in
            let admin = try await server.admin(api)
            for line in ["PUT /wallets/#/notes", "GET /wallets/#", "GET /wallets#x", "GET /auth/pats#x"] {
                let connection = try RawConnection(port: port)
                connection.send(
                    "\(line) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(admin.token)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                let answer = await connection.readAll()
                #expect(answer.hasPrefix("HTTP/1.1 400"), "\(line): \(answer.prefix(200))")
                connection.close()
            }
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("Client headers that could pass for Signet's or a proxy's never reach the upstream", arguments: [TestDatabase.Kind.sqlite])
    func strippedHeaders(database: TestDatabase.Kind) async throws {
        try await Self.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let forged = [
                "X-Signet-User-Id": "us-evil", "X_Signet_User_Id": "us-evil", "X_Forwarded_For": "10.0.0.1", "X-Forwarded-For": "10.0.0.1",
                "Forwarded": "for=10.0.0.1", "X-Real-IP": "10.0.0.1", "X-HTTP-Method-Override": "DELETE", "X-HTTP-Method": "DELETE",
                "X-Method-Override": "DELETE", "X-DFNS-USERACTION": "x", "Custom-Header": "kept",
            ]
            #expect(try await api.send(.get, "/wallets", token: admin.token, headers: forged).status == .ok)
            let received = try #require(upstream.requests.last)
            #expect(received.header("Custom-Header") == "kept")
            #expect(received.header("X-Signet-User-Id")?.hasPrefix("us-") == true && received.header("X-Signet-User-Id") != "us-evil")
            #expect(received.header("X-Forwarded-For") == "127.0.0.1")
            for name in [
                "X_Signet_User_Id", "X_Forwarded_For", "Forwarded", "X-Real-IP", "X-HTTP-Method-Override", "X-HTTP-Method",
                "X-Method-Override", "X-DFNS-USERACTION", "Authorization",
            ] {
                #expect(received.header(name) == nil, "\(name) was forwarded")
            }
            #expect(!received.headerLines.contains { $0.contains("evil") || $0.contains("10.0.0.1") })
        }
    }

    @Test("Headers the client's Connection header names are hop-by-hop: never forwarded", arguments: [TestDatabase.Kind.sqlite])
    func connectionNamedHeaders(database: TestDatabase.Kind) async throws {
        try await Self.withGateway(database) { server, api, port, upstream in
            let admin = try await server.admin(api)
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            connection.send(
                "GET /wallets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(admin.token)\r\nX-Private-Hop: secret\r\n"
                    + "X-Other-Hop: secret\r\nCustom-Header: kept\r\nConnection: keep-alive,\t X-Private-Hop \r\nConnection: x-other-hop\r\n\r\n"
            )
            // Kept alive: the head is enough (the upstream has the request before the gateway answers).
            let answer = await connection.readUntilBody(seconds: 60)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
            let received = try #require(upstream.requests.last)
            #expect(received.header("Custom-Header") == "kept")
            #expect(received.header("X-Private-Hop") == nil && received.header("X-Other-Hop") == nil)
            #expect(!received.headerLines.contains { $0.contains("secret") })
        }
    }

    @Test("Bodies stream up to the route's maxBodyBytes (not Signet's own 64 KiB), and one byte more is a 413", arguments: [TestDatabase.Kind.sqlite])
    func largeBodies(database: TestDatabase.Kind) async throws {
        try await Self.withGateway(database) { server, api, _, upstream in
            let admin = try await server.admin(api)
            let mebibyte = String(repeating: "n", count: 1_048_576)
            #expect(try await api.send(.put, "/wallets/wa-1/notes", token: admin.token, body: mebibyte).status == .ok)
            #expect(upstream.requests.last?.body.count == 1_048_576)
            let before = upstream.requests.count
            let tooLarge = String(repeating: "n", count: 2_097_153)
            #expect(try await api.send(.put, "/wallets/wa-1/notes", token: admin.token, body: tooLarge).status == .contentTooLarge)
            #expect(upstream.requests.count == before)
            // An upstream without maxBodyBytes takes 1 MiB, and not a byte more.
            #expect(try await api.send(.put, "/files/f-1", token: admin.token, body: mebibyte).status == .ok)
            #expect(upstream.requests.last?.body.count == 1_048_576)
            let overDefault = try await api.send(.put, "/files/f-1", token: admin.token, body: mebibyte + "n")
            #expect(overDefault.status == .contentTooLarge && upstream.requests.count == before + 1)
            // Signet's own routes keep their small cap.
            #expect(try await api.send(.post, "/auth/action/init", token: admin.token, body: mebibyte).status == .contentTooLarge)
        }
    }
}
