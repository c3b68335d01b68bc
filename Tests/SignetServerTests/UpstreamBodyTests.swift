import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import SignetServer

/// Bodies through the gateway's upstream client: streamed both ways, read only as fast as they are
/// consumed, never ended short, and a connection whose exchange did not end cleanly is not reused.
@Suite("Gateway: bodies through the upstream client")
struct UpstreamBodyTests {
    @Test("A streamed answer is read only as fast as it is consumed; a reader that leaves closes the connection")
    func backpressure() async throws {
        let size = 32 * 1_048_576
        let body = [UInt8](repeating: UInt8(ascii: "y"), count: size)
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n".utf8) + body
        try await UpstreamConnectionsTests.with({ _, _ in .send(answer) }) { client, upstream, address in
            var received = 0
            do {
                let answer = try await client.send(UpstreamConnectionsTests.request(), to: address, on: UpstreamConnectionsTests.loop, timeout: .seconds(30))
                guard case .stream(let stream) = answer.body else { throw UpstreamFailure.unexpected }
                let iterator = stream.makeAsyncIterator()
                received += try await iterator.next()?.readableBytes ?? 0
                // Not reading: the upstream's sending stalls well short of the whole answer.
                var (last, still) = (-1, 0)
                while still < 3 {  // three quiet windows in a row, so a starved upstream thread is no stall
                    still = upstream.sent == last ? still + 1 : 0
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
        try await UpstreamConnectionsTests.with({ _, _ in .send(ScriptedUpstream.answer()) }) { client, upstream, address in
            for length in [nil, 6] as [Int?] {
                let stream = BodyPipe()
                _ = await stream.send(ByteBuffer(string: "abc"))
                _ = await stream.send(ByteBuffer(string: "def"))
                stream.finish()
                let framing: HTTPHeaders = length.map { ["Content-Length": String($0)] } ?? ["Transfer-Encoding": "chunked"]
                let answer = try await client.send(
                    UpstreamConnectionsTests.request(.PUT, headers: framing, body: .stream(stream, length: length)),
                    to: address,
                    on: UpstreamConnectionsTests.loop,
                    timeout: .seconds(30)
                )
                #expect(try await UpstreamConnectionsTests.read(answer) == "200 ok")
                #expect(upstream.requests.last?.body == Array("abcdef".utf8))
            }
            #expect(upstream.connections == 1)
            struct Refused: Error {}
            let stream = BodyPipe()
            _ = await stream.send(ByteBuffer(string: "abc"))
            stream.finish(throwing: Refused())
            await #expect(throws: Refused.self) {
                try await client.send(
                    UpstreamConnectionsTests.request(.PUT, headers: ["Transfer-Encoding": "chunked"], body: .stream(stream, length: nil)),
                    to: address,
                    on: UpstreamConnectionsTests.loop,
                    timeout: .seconds(30)
                )
            }
            for _ in 0..<600 where upstream.ended == 0 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(upstream.ended == 1)
            #expect(upstream.requests.count == 2)  // the unfinished request never reached the upstream's handler
            let text = try await UpstreamConnectionsTests.get(client, address)
            #expect(text == "200 ok")
            #expect(upstream.connections == 2)
        }
    }

    @Test("A body shorter than its declared length is never ended: the connection closes", .timeLimit(.minutes(2)))
    func shortBody() async throws {
        try await UpstreamConnectionsTests.with({ _, _ in .send(ScriptedUpstream.answer()) }) { client, upstream, address in
            let stream = BodyPipe()
            _ = await stream.send(ByteBuffer(string: "abc"))
            stream.finish()
            await #expect(throws: UpstreamFailure.closed) {
                try await client.send(
                    UpstreamConnectionsTests.request(.PUT, headers: ["Content-Length": "6"], body: .stream(stream, length: 6)),
                    to: address,
                    on: UpstreamConnectionsTests.loop,
                    timeout: .seconds(30)
                )
            }
            for _ in 0..<600 where upstream.ended == 0 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("An answer that comes before the whole request body was sent is passed on, and its connection is not reused", .timeLimit(.minutes(2)))
    func earlyAnswer() async throws {
        try await UpstreamConnectionsTests.with(readsBodies: false, { _, _ in .send(ScriptedUpstream.answer(body: "early")) }) { client, upstream, address in
            let stream = BodyPipe()
            _ = await stream.send(ByteBuffer(string: "abc"))
            let answer = try await client.send(
                UpstreamConnectionsTests.request(.PUT, headers: ["Content-Length": "6"], body: .stream(stream, length: 6)),
                to: address,
                on: UpstreamConnectionsTests.loop,
                timeout: .seconds(30)
            )
            #expect(try await UpstreamConnectionsTests.read(answer) == "200 early")
            _ = await stream.send(ByteBuffer(string: "def"))
            stream.finish()
            _ = try await client.send(UpstreamConnectionsTests.request(.GET, "/next"), to: address, on: UpstreamConnectionsTests.loop, timeout: .seconds(30))
            #expect(upstream.connections == 2)
            // Had the connection been reused, the rest of the body would have been read as a request line.
            for request in upstream.requests {
                #expect(request.requestLine.hasPrefix("PUT /api/x ") || request.requestLine.hasPrefix("GET /next "), "\(request.requestLine)")
            }
        }
    }

    @Test("A connection whose streamed answer outran its reader reads again for the next exchange", .timeLimit(.minutes(2)))
    func reuseAfterBackpressure() async throws {
        // 300 one-byte chunks arrive at once: far more than the stream buffers, so reading pauses.
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "1\r\nz\r\n", count: 300) + "0\r\n\r\n"
        let script: @Sendable (ScriptedUpstream.Received, Int) -> ScriptedUpstream.Action = { _, index in
            .send(index == 1 ? Array(chunked.utf8) : ScriptedUpstream.answer())
        }
        try await UpstreamConnectionsTests.with(script) { client, upstream, address in
            let first = try await client.send(UpstreamConnectionsTests.request(), to: address, on: UpstreamConnectionsTests.loop, timeout: .seconds(30))
            // Read nothing until the upstream has sent it all (it arrives in one segment, so reading pauses).
            for _ in 0..<600 where upstream.sent < chunked.utf8.count { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try await UpstreamConnectionsTests.read(first) == "200 " + String(repeating: "z", count: 300))
            let second = try await UpstreamConnectionsTests.get(client, address)
            #expect(second == "200 ok")
            #expect(upstream.connections == 1)
        }
    }
}
