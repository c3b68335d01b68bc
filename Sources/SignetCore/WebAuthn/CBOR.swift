/// A CBOR data item (RFC 8949) of the kinds WebAuthn uses: integers, byte and text strings,
/// arrays, maps, booleans and null.
public indirect enum CBORValue: Sendable, Equatable {
    case unsigned(UInt64)
    /// The negative integer `-1 - n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBORValue])
    /// Entries in the order they were encoded; keys are unique.
    case map([(key: CBORValue, value: CBORValue)])
    case bool(Bool)
    case null

    /// The value as a Swift `Int`, when it is an integer that fits.
    public var intValue: Int? {
        switch self {
        case .unsigned(let value): return value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): return value < UInt64(Int.max) ? -1 - Int(value) : nil
        default: return nil
        }
    }

    /// The bytes of a byte string.
    public var bytesValue: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The string of a text string.
    public var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The entry of a map whose key is the integer `key`.
    public subscript(key: Int) -> CBORValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key.intValue == key }?.value
    }

    /// The entry of a map whose key is the text `key` (compared by Unicode scalars).
    public subscript(key: String) -> CBORValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key.textValue.map { ExactText.equals($0, key) } ?? false }?.value
    }

    public static func == (left: CBORValue, right: CBORValue) -> Bool {
        switch (left, right) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return ExactText.equals(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }
}

/// Why bytes are not acceptable CBOR.
public enum CBORError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case trailingBytes
    case indefiniteLength
    case tagged
    case unsupportedSimpleValue(UInt8)
    case reservedAdditionalInformation
    case tooDeep
    case tooManyItems
    case invalidUTF8
    case invalidMapKey
    case duplicateMapKey

    public var description: String {
        switch self {
        case .truncated: return "the CBOR ends in the middle of an item"
        case .trailingBytes: return "bytes follow the CBOR item"
        case .indefiniteLength: return "indefinite-length CBOR items are not accepted"
        case .tagged: return "tagged CBOR items are not accepted"
        case .unsupportedSimpleValue(let value): return "CBOR simple value \(value) (floats, undefined…) is not accepted"
        case .reservedAdditionalInformation: return "the CBOR uses a reserved length encoding"
        case .tooDeep: return "the CBOR nests too deeply"
        case .tooManyItems: return "the CBOR holds too many items"
        case .invalidUTF8: return "a CBOR text string is not valid UTF-8"
        case .invalidMapKey: return "a CBOR map key is not an integer or a text string"
        case .duplicateMapKey: return "a CBOR map repeats a key"
        }
    }
}

/// A strict decoder for the CBOR WebAuthn uses: definite lengths only, no tags, no floats or
/// undefined, unique integer or text map keys, valid UTF-8, bounded nesting and item count.
/// Every length is checked against the bytes that remain before anything is allocated.
public struct CBORDecoder {
    /// The deepest nesting accepted (WebAuthn needs 4).
    public static let maximumDepth = 16
    /// The most items (array elements and map entries, all levels) accepted in one document.
    public static let maximumItems = 4096

    private let bytes: [UInt8]
    private var position: Int
    private var items = 0

    private init(_ bytes: [UInt8], from position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// Decodes exactly one item that spans all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
        let (value, end) = try decodePrefix(bytes, from: 0)
        guard end == bytes.count else { throw .trailingBytes }
        return value
    }

    /// Decodes one item starting at `offset`; returns it and the offset just after it.
    public static func decodePrefix(_ bytes: [UInt8], from offset: Int) throws(CBORError) -> (CBORValue, Int) {
        var decoder = CBORDecoder(bytes, from: offset)
        let value = try decoder.item(depth: 0)
        return (value, decoder.position)
    }

    private mutating func byte() throws(CBORError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: UInt64) throws(CBORError) -> ArraySlice<UInt8> {
        guard count <= UInt64(bytes.count - position) else { throw .truncated }
        let end = position + Int(count)
        defer { position = end }
        return bytes[position..<end]
    }

    /// The argument of an item head: the value of additional information `info`.
    private mutating func argument(_ info: UInt8) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24, 25, 26, 27:
            let width = 1 << Int(info - 24)
            return try take(UInt64(width)).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        case 31: throw .indefiniteLength
        default: throw .reservedAdditionalInformation
        }
    }

    private mutating func count(_ info: UInt8) throws(CBORError) -> Int {
        let count = try argument(info)
        // Every item takes at least one byte, so a count beyond what remains is a lie.
        guard count <= UInt64(bytes.count - position) else { throw .truncated }
        items += Int(count)
        guard items <= Self.maximumItems else { throw .tooManyItems }
        return Int(count)
    }

    private mutating func item(depth: Int) throws(CBORError) -> CBORValue {
        guard depth <= Self.maximumDepth else { throw .tooDeep }
        let head = try byte()
        let info = head & 0x1f
        switch head >> 5 {
        case 0: return .unsigned(try argument(info))
        case 1: return .negative(try argument(info))
        case 2: return .bytes(Array(try take(try argument(info))))
        case 3:
            let raw = try take(try argument(info))
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8 }
            return .text(text)
        case 4:
            var elements: [CBORValue] = []
            for _ in 0..<(try count(info)) { elements.append(try item(depth: depth + 1)) }
            return .array(elements)
        case 5: return try map(info, depth: depth)
        case 6: throw .tagged
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            default: throw .unsupportedSimpleValue(info)
            }
        }
    }

    private mutating func map(_ info: UInt8, depth: Int) throws(CBORError) -> CBORValue {
        var entries: [(key: CBORValue, value: CBORValue)] = []
        for _ in 0..<(try count(info)) {
            let key = try item(depth: depth + 1)
            switch key {
            case .unsigned, .negative, .text: break
            default: throw .invalidMapKey
            }
            guard !entries.contains(where: { $0.key == key }) else { throw .duplicateMapKey }
            entries.append((key, try item(depth: depth + 1)))
        }
        return .map(entries)
    }
}
