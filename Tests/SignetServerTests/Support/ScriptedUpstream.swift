import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// An upstream on 127.0.0.1 whose every answer a test writes by hand (raw bytes, a close, silence),
/// for the gateway's HTTP client: it records each request with the connection it came on, and how
/// many bytes of its answers have been sent so far.
final class ScriptedUpstream: Sendable {
    /// What to do with one request.
    enum Action: Sendable {
        /// Send these bytes (a whole answer, written by the test) and read the next request.
        case send([UInt8])
        /// Send these bytes, then close the connection.
        case sendAndClose([UInt8])
        /// Close the connection without answering.
        case close
        /// Never answer (the connection stays open until the client closes it).
        case silent
    }

    /// One request as received.
    struct Received: Sendable {
        /// Which connection it came on (1 for the first accepted).
        let connection: Int
        /// The head up to the blank line: request line and header lines.
        let head: String
        let body: [UInt8]

        var requestLine: String { head.components(separatedBy: "\r\n").first ?? "" }
    }

    let port: Int
    private let listener: Int32
    private let isOpen = NIOLockedValueBox(true)
    private let state = NIOLockedValueBox<(requests: [Received], connections: Int, sent: Int, peerClosed: Int, ended: Int)>(([], 0, 0, 0, 0))

    /// `script` decides each request's answer, given the request and its number on its connection
    /// (1, 2, …). With `readsBodies` false it answers as soon as a head has arrived and never reads
    /// a body (what follows is read as the next request, as a server that answered early would).
    init(readsBodies: Bool = true, _ script: @escaping @Sendable (Received, Int) -> Action) throws {
        (listener, port) = try LoopbackListener.open()
        let state = self.state
        LoopbackListener.accept(on: listener) { connection in
            let number = state.withLockedValue { state in
                state.connections += 1
                return state.connections
            }
            Self.serve(connection, number: number, readsBodies: readsBodies, state: state, script: script)
        }
    }

    deinit { close() }

    /// Stops accepting connections (the accepting thread closes the descriptor, ``LoopbackListener``).
    func close() {
        guard isOpen.withLockedValue({ open in defer { open = false }; return open }) else { return }
        shutdown(listener, Int32(SHUT_RDWR))  // the accepting thread wakes and closes it
    }

    var requests: [Received] { state.withLockedValue { $0.requests } }
    /// Connections accepted so far.
    var connections: Int { state.withLockedValue { $0.connections } }
    /// Bytes of answers sent so far (all connections).
    var sent: Int { state.withLockedValue { $0.sent } }
    /// Connections on which the client closed or reset while an answer was being sent.
    var peerClosed: Int { state.withLockedValue { $0.peerClosed } }
    /// Connections this upstream is done with (closed by either side).
    var ended: Int { state.withLockedValue { $0.ended } }

    private typealias State = NIOLockedValueBox<(requests: [Received], connections: Int, sent: Int, peerClosed: Int, ended: Int)>

    private static func serve(_ connection: Int32, number: Int, readsBodies: Bool, state: State, script: @Sendable (Received, Int) -> Action) {
        defer {
            Glibc.close(connection)
            state.withLockedValue { $0.ended += 1 }
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var reader = ByteReader(descriptor: connection)
        var index = 0
        while let headBytes = reader.readHead() {
            index += 1
            let head = String(decoding: headBytes, as: UTF8.self)
            let lower = head.lowercased()
            var body: [UInt8] = []
            if readsBodies, let line = lower.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            {
                body = reader.read(count: length)
            } else if readsBodies, lower.contains("\r\ntransfer-encoding: chunked") {
                body = reader.readChunked()
            }
            guard !reader.ended else { return }  // a request cut short is not a request
            let request = Received(connection: number, head: head, body: body)
            state.withLockedValue { $0.requests.append(request) }
            switch script(request, index) {
            case .send(let bytes): guard write(bytes, on: connection, state: state) else { return }
            case .sendAndClose(let bytes):
                _ = write(bytes, on: connection, state: state)
                return
            case .close: return
            case .silent:
                while reader.fill() {}
                return
            }
        }
    }

    /// Sends in pieces of 64 KiB, counting what went out; false when the client went away.
    private static func write(_ bytes: [UInt8], on connection: Int32, state: State) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = min(65_536, bytes.count - offset)
            let written = bytes[offset..<offset + count].withUnsafeBytes { send(connection, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else {
                state.withLockedValue { $0.peerClosed += 1 }
                return false
            }
            offset += written
            state.withLockedValue { $0.sent += written }
        }
        return true
    }

    /// An answer with a body of known length.
    static func answer(_ status: String = "200 OK", body: String = "ok", headers: [String] = []) -> [UInt8] {
        Array(("HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n" + body).utf8)
    }
}
