import Foundation
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
        _ script: @escaping @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action,
        _ body: (UpstreamConnections, ScriptedUpstream, UpstreamConnections.Address) async throws -> Void
    ) async throws {
        let upstream = try ScriptedUpstream(script)
        let client = UpstreamConnections()
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
                    let text = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
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
            _ = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
            let text = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
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
        }
    }

    @Test("No answer within the timeout fails the exchange and closes its connection")
    func timeout() async throws {
        try await Self.with({ request, _ in request.connection == 1 ? .silent : .send(ScriptedUpstream.answer()) }) { client, upstream, address in
            await #expect(throws: UpstreamFailure.timeout) {
                try await client.send(Self.request(), to: address, on: Self.loop, timeout: .milliseconds(200))
            }
            let text = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
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

    @Test("A streamed answer is read only as fast as it is consumed; a reader that leaves closes the connection")
    func backpressure() async throws {
        let size = 32 * 1_048_576
        let body = [UInt8](repeating: UInt8(ascii: "y"), count: size)
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n".utf8) + body
        try await Self.with({ _, _ in .send(answer) }) { client, upstream, address in
            var received = 0
            do {
                let answer = try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30))
                guard case .stream(let stream) = answer.body else { throw UpstreamFailure.unexpected }
                let iterator = stream.makeAsyncIterator()
                received += try await iterator.next()?.readableBytes ?? 0
                // Not reading: the upstream's sending stalls well short of the whole answer.
                var last = -1
                while upstream.sent != last {
                    last = upstream.sent
                    try await Task.sleep(for: .milliseconds(300))
                }
                #expect(upstream.sent < size / 2, "\(upstream.sent) of \(size) bytes were sent while nothing was read")
            }
            // The stream is gone: its connection closes, the upstream sees it, and the next request opens another.
            for _ in 0..<600 where upstream.peerClosed == 0 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(upstream.peerClosed == 1)
            #expect(received > 0)
        }
    }

    @Test("A request body streams with its length, or chunked when the client gave none; a failing body closes the connection")
    func streamedRequestBody() async throws {
        try await Self.with({ _, _ in .send(ScriptedUpstream.answer()) }) { client, upstream, address in
            for length in [nil, 6] as [Int?] {
                let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
                continuation.yield(ByteBuffer(string: "abc"))
                continuation.yield(ByteBuffer(string: "def"))
                continuation.finish()
                let framing: HTTPHeaders = length.map { ["Content-Length": String($0)] } ?? ["Transfer-Encoding": "chunked"]
                let answer = try await client.send(Self.request(.PUT, headers: framing, body: .stream(stream)), to: address, on: Self.loop, timeout: .seconds(30))
                #expect(try await Self.read(answer) == "200 ok")
                #expect(upstream.requests.last?.body == Array("abcdef".utf8))
            }
            #expect(upstream.connections == 1)
            struct Refused: Error {}
            let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            continuation.yield(ByteBuffer(string: "abc"))
            continuation.finish(throwing: Refused())
            await #expect(throws: Refused.self) {
                try await client.send(Self.request(.PUT, headers: ["Transfer-Encoding": "chunked"], body: .stream(stream)), to: address, on: Self.loop, timeout: .seconds(30))
            }
            #expect(upstream.requests.count == 2)  // the unfinished request never reached the upstream's handler
            let text = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
                #expect(text == "200 ok")
            #expect(upstream.connections == 2)
        }
    }

    @Test("An answer nobody asked for closes the connection")
    func unsolicited() async throws {
        // The first answer comes with a second one stuck to it.
        try await Self.with({ _, _ in .send(ScriptedUpstream.answer() + ScriptedUpstream.answer(body: "extra")) }) { client, upstream, address in
            let text = try await Self.read(try await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30)))
                #expect(text == "200 ok")
            for _ in 0..<600 where upstream.connections < 2 {
                _ = try? await client.send(Self.request(), to: address, on: Self.loop, timeout: .seconds(30))
            }
            #expect(upstream.connections == 2)
        }
    }
}
