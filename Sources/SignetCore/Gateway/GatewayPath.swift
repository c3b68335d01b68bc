/// The paths the gateway forwards: route patterns from the configuration, and the one safe reading
/// of a request path. Framework-free, so the rules that decide what reaches an upstream live in
/// the security core and are tested alone.
public enum GatewayPath {
    /// Why a pattern or a request path was refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The segments of a request path, or a refusal when any reading of it could differ from the
    /// one checked: dot segments (`.`, `..`, also percent-encoded), encoded slashes or backslashes,
    /// backslashes, `;` (path parameters: `..;/` climbs on servers that strip them), empty
    /// segments, control characters (raw or percent-encoded), a `#`, malformed percent escapes, and
    /// escapes of `%` or of any byte outside ASCII (a second decoding, or Unicode normalisation of
    /// `%EF%BC%8E` into `.`, could read them otherwise). The path is forwarded exactly as received,
    /// so what was authorised is what the upstream sees.
    public static func segments(of path: String) throws(Refusal) -> [Substring] {
        guard path.first == "/" else { throw Refusal(description: "the path must start with /") }
        guard path.utf8.count <= 2048 else { throw Refusal(description: "the path is longer than 2048 bytes") }
        try checkRaw(path, what: "path")
        for byte in path.utf8 where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ";") {
            throw Refusal(description: "the path contains a backslash or a ; (path parameters, which some servers strip: ..;/ climbs)")
        }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty || segments.count == 1 else { throw Refusal(description: "the path has an empty segment (//)") }
            let decoded = try percentDecoded(segment)
            guard decoded != [UInt8(ascii: ".")], decoded != [UInt8(ascii: "."), UInt8(ascii: ".")] else {
                throw Refusal(description: "the path has a dot segment (. or ..)")
            }
            guard !decoded.contains(UInt8(ascii: "/")), !decoded.contains(UInt8(ascii: "\\")) else {
                throw Refusal(description: "the path has an encoded slash or backslash")
            }
            // %25 would let a second decoding (an upstream's, a proxy's) see a different path; bytes
            // outside ASCII may fold into dots or slashes under Unicode normalisation (．．).
            guard !decoded.contains(UInt8(ascii: "%")), decoded.allSatisfy({ $0 < 0x80 }) else {
                throw Refusal(description: "the path has an encoded % or encoded bytes outside ASCII, which a second decoding could read otherwise")
            }
            try checkDecoded(decoded, what: "path")
        }
        return segments == [""] ? [] : segments
    }

    /// Refuses a query that could be read two ways: control characters (raw or percent-encoded),
    /// spaces, bytes outside ASCII, a `#`, malformed percent escapes, or escapes that do not decode
    /// to UTF-8. A query that passes is forwarded byte for byte.
    public static func checkQuery(_ query: String) throws(Refusal) {
        guard query.utf8.count <= 4096 else { throw Refusal(description: "the query is longer than 4096 bytes") }
        try checkRaw(query, what: "query")
        for part in query.utf8.split(whereSeparator: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "=") }) {
            try checkDecoded(try percentDecoded(Substring(part)), what: "query")
        }
    }

    /// Only visible ASCII, and no `#` (a request target has no fragment, RFC 9112 §3.2).
    private static func checkRaw(_ text: String, what: String) throws(Refusal) {
        for byte in text.utf8 where byte < 0x21 || byte >= 0x7F || byte == UInt8(ascii: "#") {
            throw Refusal(
                description: byte == UInt8(ascii: "#")
                    ? "the \(what) contains #, and a request target has no fragment"
                    : "the \(what) contains a control character, a space or a byte outside ASCII (percent-encode it)"
            )
        }
    }

    /// What an escape decodes to must be UTF-8 text without control characters.
    private static func checkDecoded(_ decoded: [UInt8], what: String) throws(Refusal) {
        guard !decoded.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw Refusal(description: "the \(what) has a percent-encoded control character")
        }
        guard decoded.allSatisfy({ $0 < 0x80 }) || String(validating: decoded, as: UTF8.self) != nil else {
            throw Refusal(description: "the \(what) has percent escapes that are not UTF-8")
        }
    }

    /// Whether a path and query use only characters every URL parser keeps as they are: RFC
    /// 3986's unreserved characters and sub-delimiters, `:`, `@`, `/` and `?`, and escapes of
    /// visible ASCII. A path that starts with `/`; no `//` (an authority to some parsers).
    public static func isPlain(_ bytes: String.UTF8View) -> Bool {
        guard bytes.first == UInt8(ascii: "/") else { return false }
        var previous: UInt8 = 0
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue),
                    (0x21...0x7E).contains(high << 4 | low)
                else { return false }
                previous = 0
                continue
            }
            guard plainBytes[Int(byte)] && !(byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/")) else { return false }
            previous = byte
        }
        return true
    }

    private static let plainBytes: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array("-._~!$&'()*+,;=:@/?".utf8).contains(byte)
    }

    static func percentDecoded(_ segment: Substring) throws(Refusal) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw Refusal(description: "a percent escape is malformed (% must be followed by two hex digits)")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A route's path pattern, such as `/wallets/{walletId}`: literal segments and `{name}` parameters,
/// each parameter matching exactly one non-empty segment.
public struct GatewayPathPattern: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    public init(_ pattern: String) throws(GatewayPath.Refusal) {
        let parts = try GatewayPath.segments(of: pattern)
        var segments: [Segment] = []
        for part in parts {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                let name = part.dropFirst().dropLast()
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw GatewayPath.Refusal(description: "the parameter {\(name)} must be letters, digits and _")
                }
                segments.append(.parameter(String(name)))
            } else {
                guard !part.contains("{") && !part.contains("}") && !part.contains("%") && !part.contains("?") else {
                    throw GatewayPath.Refusal(description: "the segment '\(part)' must be a literal or a whole {parameter}")
                }
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = pattern
    }

    /// Whether a request path's segments (from ``GatewayPath/segments(of:)``) match; literals
    /// compare byte for byte.
    public func matches(_ path: [Substring]) -> Bool {
        guard path.count == segments.count else { return false }
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let text): guard part.utf8.elementsEqual(text.utf8) else { return false }
            case .parameter: guard !part.isEmpty else { return false }
            }
        }
        return true
    }

    /// Whether some path matches both patterns (then two routes with one method are ambiguous).
    public func overlaps(_ other: GatewayPathPattern) -> Bool {
        guard segments.count == other.segments.count else { return false }
        for (mine, theirs) in zip(segments, other.segments) {
            if case .literal(let a) = mine, case .literal(let b) = theirs, !a.utf8.elementsEqual(b.utf8) { return false }
        }
        return true
    }

    /// The first literal segment (`wallets` for `/wallets/{id}`), to refuse patterns under Signet's own routes.
    public var firstLiteral: String? { literal(at: 0) }

    /// The segment at `index` when it is a literal; `nil` for a parameter or past the end.
    public func literal(at index: Int) -> String? {
        guard segments.indices.contains(index), case .literal(let text) = segments[index] else { return nil }
        return text
    }
}
