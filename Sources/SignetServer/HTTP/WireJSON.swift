import Foundation
import HTTPTypes
import Hummingbird
import SignetAPI

/// Signet's wire JSON written straight into bytes: what `SignetJSON.encoder()` writes (keys
/// sorted, `/` unescaped, absent optionals left out, dates as ``SignetJSON/dateString(_:)``), byte
/// for byte, without Foundation's encoder and the tree it builds first. Used for the answers every
/// write returns (a token's JSON was a tenth of a signed write's server time); `WireJSONTests`
/// hold each type's output equal to the encoder's.
struct WireJSON {
    private(set) var bytes: [UInt8] = []
    /// Whether the container being written has no member yet.
    private var first = true

    init(capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    /// Writes `value` and returns the bytes.
    static func render(_ value: some WireJSONWritable) -> [UInt8] {
        var json = WireJSON()
        value.write(to: &json)
        return json.bytes
    }

    mutating func openObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func closeObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func openArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Starts a member of the object being written; its value follows. Keys are plain ASCII and
    /// must come in sorted order (the caller's duty; the tests check it).
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        if !value.utf8.contains(where: Self.needsEscape) {
            bytes.append(contentsOf: value.utf8)
        } else {
            escape(value)
        }
        bytes.append(UInt8(ascii: "\""))
        first = false
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func escape(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case ..<0x20: bytes.append(contentsOf: Self.unicodeEscape(byte))
            default: bytes.append(byte)
            }
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        first = false
    }

    mutating func date(_ value: Date) { string(SignetJSON.dateString(value)) }

    mutating func strings(_ values: [String]) {
        openArray()
        for value in values { string(value) }
        closeArray()
    }

    mutating func array<Element: WireJSONWritable>(_ values: [Element]) {
        openArray()
        for value in values { value.write(to: &self) }
        closeArray()
    }

    /// A comma before any member or element but a container's first; none right after a key.
    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
    }

    private static func unicodeEscape(_ byte: UInt8) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        return Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }
}

/// A value ``WireJSON`` can write without Foundation's encoder, as `SignetJSON.encoder()` would.
protocol WireJSONWritable: Encodable, Sendable {
    /// Writes the value, its keys in sorted order.
    func write(to json: inout WireJSON)
}

/// A JSON answer written by ``WireJSON``.
struct WireJSONResponse<Value: WireJSONWritable>: ResponseGenerator {
    let value: Value
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let bytes = WireJSON.render(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
