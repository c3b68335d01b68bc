import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import SignetServer

/// The gateway's HTTP/1.1 client for `http://` upstreams, against an upstream that answers byte by
/// byte as each test writes: connections are kept alive and reused on their event loop, anything
/// unexpected closes them, and nothing is sent twice unless it is safe to.
@Suite("Gateway: the upstream client")
struct UpstreamConnectionsTests {
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    /// Runs `body` with a client and an upstream following `script`; closes both after.
    static func with(
        readsBodies: Bool = true,
        _ script: @escaping @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action,
        _ body: (UpstreamConnections, ScriptedUpstream, UpstreamConnections.Address) async throws -> Void
    ) async throws {
        let upstream = try ScriptedUpstream(readsBodies: readsBodies, script)
        // Idle connections kept a minute, not a second: a loaded machine may pause between requests.
        let client = UpstreamConnections(idleLifetime: .seconds(60))
        defer {
            client.shutdown()
            upstream.close()
        }
        try await body(client, upstream, .init(host: "127.0.0.1", port: upstream.port, hostHeader: "127.0.0.1:\(upstream.port)"))
    }

    static func request(_ method: HTTPMethod = .GET, _ target: String = "/api/x", headers: HTTPHeaders = [:], body: UpstreamRequest.Body = .none)
        -> UpstreamRequest
    {
        var headers = headers
        headers.add(name: "Host", value: "upstream")
        return UpstreamRequest(head: HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers), body: body)
    }

    /// A GET's answer as `read` gives it.
    static func get(_ client: UpstreamConnections, _ address: UpstreamConnections.Address) async throws -> String {
        try await read(try await client.send(request(), to: address, on: loop, timeout: .seconds(30)))
    }

    /// The answer's status and whole body: `200 ok`.
    static func read(_ answer: UpstreamAnswer) async throws -> String {
        switch answer.body {
        case .whole(let buffer): return "\(answer.head.status.code) \(String(buffer: buffer))"
        case .stream(let stream):
            var text = ""
            for try await chunk in stream { text += String(buffer: chunk) }
            return "\(answer.head.status.code) \(text)"
        }
    }

    @Test("Sequential requests share one kept-alive connection; the target and headers go out as given")
    func keepAlive() async throws {
        try await Self.with({ request, index in .send(ScriptedUpstream.answer(body: "answer \(index)")) }) { client, upstream, address in
            for index in 1...20 {
                let answer = try await client.send(Self.request(.GET, "/api/x%2Fy?a=%7C&b"), to: address, on: Self.loop, timeout: .seconds(30))
                #expect(try await Self.read(answer) == "200 answer \(index)")
            }
            #expect(upstream.connections == 1)
            let first = try #require(upstream.requests.first)
            #expect(Array(first.requestLine.utf8) == Array("GET /api/x%2Fy?a=%7C&b HTTP/1.1".utf8))
            #expect(first.head.contains("\r\nHost: upstream"))
        }
    }

    @Test("An answer with Connection: close, or in HTTP/1.0, is not followed by a reuse of its connection")
    func connectionClose() async throws {
        let answers = [
            ScriptedUpstream.answer(headers: ["Connection: close"]),
            Array("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8),
        ]
        for bytes in answers {
            try await Self.with({ _, _ in .send(bytes) }) { client, upstream, address in
                for _ in 1...3 {
                    let text = try await Self.get(client, address)
            #expect(text == "200 ok")
                }
                #expect(upstream.connections == 3)
            }
        }
    }

    @Test("A reused connection closed under a GET sends it once more on a new one; under a POST it fails and is sent once")
    func staleConnection() async throws {
        // The second request on every connection is read and not answered: the server closes.
        let script: @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action = { _, index in
            index == 1 ? .send(ScriptedUpstream.answer()) : .close
        }
        try await Self.with(script) { client, upstream, address in
            _ = try await Self.get(client, address)
            let text = try await Self.get(client, address)
            #expect(text == "200 ok")
            #expect(upstream.requests.count == 3)  // the GET twice: once on the closed connection, once on a new one
            #expect(upstream.connections == 2)
            let body = ByteBuffer(string: "{}")
            await #expect(throws: UpstreamFailure.closed) {
                try await client.send(
                    Self.request(.POST, headers: ["Content-Length": "2"], body: .whole(body)),
                    to: address,
                    on: Self.loop,
                    timeout: .seconds(30)
                )
            }
            #expect(upstream.requests.filter { $0.requestLine.hasPrefix("POST") }.count == 1)
            // A GET that spends a user action is not sent again either (on a connection the next GET opens).
            _ = try await Self.get(client, address)
            let signed = UpstreamRequest(head: Self.request(.GET, "/signed").head, body: .none, spendsUserAction: true)
            await #expect(throws: UpstreamFailure.closed) {
                try await client.send(signed, to: address, on: Self.loop, timeout: .seconds(30))
            }
            #expect(upstream.requests.filter { $0.requestLine.hasPrefix("GET /signed") }.count == 1)
        }
    }

    @Test("No answer within the timeout fails the exchange and closes its connection")
    func timeout() async throws {
        try await Self.with({ request, _ in request.connection == 1 ? .silent : .send(ScriptedUpstream.answer()) }) { client, upstream, address in
            await #expect(throws: UpstreamFailure.timeout) {
                try await client.send(Self.request(), to: address, on: Self.loop, timeout: .milliseconds(200))
            }
            let text = try await Self.get(client, address)
            #expect(text == "200 ok")
            #expect(upstream.connections == 2)
        }
    }

    @Test("An upstream that is not listening is unreachable")
    func unreachable() async throws {
        let closed = try ScriptedUpstream { _, _ in .close }
        closed.close()
        let address = UpstreamConnections.Address(host: "127.0.0.1", port: closed.port, hostHeader: "x")
        await #expect(throws: UpstreamFailure.unreachable) {
            try await UpstreamConnections().send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30))
        }
    }

    @Test("Informational answers are skipped; HEAD, 204 and 304 carry no body; chunked and large answers stream")
    func answerShapes() async throws {
        let large = String(repeating: "x", count: 200_000)
        let script: @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action = { request, _ in
            let line = request.requestLine
            if line.contains("/continue") { return .send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8) + ScriptedUpstream.answer(body: "after")) }
            if line.hasPrefix("HEAD") { return .send(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8)) }
            if line.contains("/empty") { return .send(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)) }
            if line.contains("/chunked") {
                return .send(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8))
            }
            return .send(ScriptedUpstream.answer(body: large))
        }
        try await Self.with(script) { client, upstream, address in
            func send(_ method: HTTPMethod, _ target: String) async throws -> String {
                try await Self.read(try await client.send(Self.request(method, target), to: address, on: Self.loop, timeout: .seconds(30)))
            }
            #expect(try await send(.GET, "/continue") == "200 after")
            #expect(try await send(.HEAD, "/head") == "200 ")
            #expect(try await send(.GET, "/empty") == "204 ")
            #expect(try await send(.GET, "/chunked") == "200 abcde")
            let answer = try await client.send(Self.request(.GET, "/large"), to: address, on: Self.loop, timeout: .seconds(30))
            guard case .stream = answer.body else { throw UpstreamFailure.unexpected }
            #expect(try await Self.read(answer) == "200 " + large)
            #expect(upstream.connections == 1)  // every one of them left the connection reusable
        }
    }

    @Test("An answer nobody asked for closes the connection")
    func unsolicited() async throws {
        // The first answer comes with a second one stuck to it.
        try await Self.with({ _, _ in .send(ScriptedUpstream.answer() + ScriptedUpstream.answer(body: "extra")) }) { client, upstream, address in
            let text = try await Self.get(client, address)
            #expect(text == "200 ok")
            for _ in 0..<600 where upstream.connections < 2 {
                _ = try? await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30))
            }
            #expect(upstream.connections == 2)
        }
    }

    @Test("A 304 or 204 naming a huge length, and a HEAD answer, take no buffer of that size")
    func bodilessLengths() async throws {
        let script: @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action = { request, _ in
            request.requestLine.contains("/304")
                ? .send(Array("HTTP/1.1 304 Not Modified\r\nContent-Length: 5000000000\r\n\r\n".utf8))
                : request.requestLine.hasPrefix("HEAD")
                    ? .send(Array("HTTP/1.1 200 OK\r\nContent-Length: 4000000000\r\n\r\n".utf8))
                    : .send(Array("HTTP/1.1 204 No Content\r\nContent-Length: 5000000000\r\n\r\n".utf8))
        }
        try await Self.with(script) { client, _, address in
            for (method, target, expected) in [(HTTPMethod.GET, "/304", "304 "), (.HEAD, "/head", "200 "), (.GET, "/204", "204 ")] {
                let text = try await Self.read(try await client.send(Self.request(method, target), to: address, on: Self.loop, timeout: .seconds(30)))
                #expect(text == expected)
            }
        }
    }

    @Test("The gateway frames what it sends itself, never sends a user action twice, and maps failures to 502 and 504")
    func forwarderRequests() throws {
        let upstream = GatewayConfiguration.Upstream(name: "u", url: "http://h:81/b", basePath: "/b", timeout: 7, maxBodyBytes: 10)
        let target = try GatewayForwarder.Target(upstream: upstream, path: "/x", query: "a=1")
        func header(_ request: UpstreamRequest, _ name: String) -> [String] { request.head.headers[name] }
        let post = GatewayForwarder.request(.POST, headers: [:], body: .none, target: target, host: "h:81", spendsUserAction: true)
        #expect(header(post, "Content-Length") == ["0"] && header(post, "Host") == ["h:81"] && post.head.uri == "/b/x?a=1")
        #expect(!post.repeatable)
        let bytes = GatewayForwarder.request(.PUT, headers: [:], body: .bytes(Array("{}".utf8)), target: target, host: "h", spendsUserAction: false)
        #expect(header(bytes, "Content-Length") == ["2"] && header(bytes, "Transfer-Encoding").isEmpty)
        let stream = BodyPipe()
        stream.finish()
        let feeder = Task<Void, any Error> {}
        let chunked = GatewayForwarder.request(
            .PUT, headers: [:], body: .stream(stream, length: nil, feeder: feeder), target: target, host: "h", spendsUserAction: false
        )
        #expect(header(chunked, "Transfer-Encoding") == ["chunked"] && header(chunked, "Content-Length").isEmpty)
        let get = GatewayForwarder.request(.GET, headers: [:], body: .none, target: target, host: "h", spendsUserAction: false)
        #expect(get.repeatable && header(get, "Content-Length").isEmpty)
        let signedGet = GatewayForwarder.request(.GET, headers: [:], body: .none, target: target, host: "h", spendsUserAction: true)
        #expect(!signedGet.repeatable)
        #expect(GatewayForwarder.upstreamFailure(UpstreamFailure.timeout, upstream).status == .gatewayTimeout)
        for failure in [UpstreamFailure.closed, .unreachable, .unexpected] {
            #expect(GatewayForwarder.upstreamFailure(failure, upstream).status == .badGateway)
        }
    }
}
