import Dispatch
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// An upstream for gateway tests on 127.0.0.1 (port 0): it records each request exactly as it
/// arrived (request line, header lines, body bytes) and answers 200 `ok`. It reads raw bytes, so a
/// test sees what a lenient upstream would see, not what an HTTP library would make of it.
final class RecordingUpstream: Sendable {
    /// One request as received.
    struct Received: Sendable {
        /// `GET /api/v1/wallets?x=1 HTTP/1.1`
        let requestLine: String
        /// Each header line, `Name: value`, as sent.
        let headerLines: [String]
        let body: [UInt8]

        var method: String { String(requestLine.split(separator: " ").first ?? "") }
        var target: String { requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }

        /// The value of the first header named `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headerLines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map {
                String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    let port: Int
    private let listener: Int32
    private let isOpen = NIOLockedValueBox(true)
    private let received = NIOLockedValueBox<[Received]>([])

    init() throws {
        (listener, port) = try LoopbackListener.open()
        let record = received
        LoopbackListener.accept(on: listener) { connection in Self.serve(connection, record: record) }
    }

    deinit { close() }

    /// Stops accepting connections (the accepting thread closes the descriptor, ``LoopbackListener``).
    func close() {
        guard isOpen.withLockedValue({ open in defer { open = false }; return open }) else { return }
        shutdown(listener, Int32(SHUT_RDWR))  // the accepting thread wakes and closes it
    }

    /// The base URL of this upstream, with `path` as its base path.
    func url(path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request received so far.
    var requests: [Received] { received.withLockedValue { $0 } }

    private static func serve(_ connection: Int32, record: NIOLockedValueBox<[Received]>) {
        defer { Glibc.close(connection) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var reader = ByteReader(descriptor: connection)
        while let head = reader.readHead() {
            let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            var request = Received(requestLine: lines[0], headerLines: Array(lines.dropFirst()), body: [])
            if let length = request.header("Content-Length").flatMap(Int.init) {
                request = Received(requestLine: request.requestLine, headerLines: request.headerLines, body: reader.read(count: length))
            } else if request.header("Transfer-Encoding")?.lowercased() == "chunked" {
                request = Received(requestLine: request.requestLine, headerLines: request.headerLines, body: reader.readChunked())
            }
            record.withLockedValue { $0.append(request) }
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".utf8)
            guard answer.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == answer.count else { return }
        }
    }
}

/// Buffered reads from a socket.
struct ByteReader {
    let descriptor: Int32
    var buffer: [UInt8] = []
    /// Whether the peer has closed (or the read failed): what was read last may be cut short.
    var ended = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            ended = true
            return false
        }
        buffer += chunk[0..<count]
        return true
    }

    /// The head up to (not including) the blank line, or nil at end of stream.
    mutating func readHead() -> [UInt8]? {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffer.firstRange(of: end) {
                let head = Array(buffer[..<range.lowerBound])
                buffer.removeSubrange(..<range.upperBound)
                return head
            }
            guard fill() else { return nil }
        }
    }

    mutating func read(count: Int) -> [UInt8] {
        while buffer.count < count, fill() {}
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(bytes.count)
        return bytes
    }

    mutating func readLine() -> String {
        while buffer.firstRange(of: Array("\r\n".utf8)) == nil, fill() {}
        guard let range = buffer.firstRange(of: Array("\r\n".utf8)) else { return "" }
        let line = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
        buffer.removeSubrange(..<range.upperBound)
        return line
    }

    mutating func readChunked() -> [UInt8] {
        var body: [UInt8] = []
        while true {
            guard let size = Int(readLine().split(separator: ";").first ?? "", radix: 16), size > 0 else {
                _ = readLine()
                return body
            }
            body += read(count: size)
            _ = readLine()
        }
    }
}
