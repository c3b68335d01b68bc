/// A route's path with named parameters, written `/auth/pats/{tokenId}`.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// One segment of the path.
    public enum Segment: Sendable, Hashable {
        /// A fixed segment, `pats`.
        case literal(String)
        /// A parameter, `{tokenId}`, by name.
        case parameter(String)
    }

    /// The segments, without the leading slash.
    public let segments: [Segment]

    /// Parses `/a/{b}/c`. Templates are written in Signet's source, so a malformed one is a
    /// programming error and stops the program at its first use.
    public init(stringLiteral text: String) {
        precondition(text.hasPrefix("/"), "a path template starts with /: \(text)")
        segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            precondition(!part.isEmpty, "a path template has no empty segment: \(text)")
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            precondition(!part.contains("{") && !part.contains("}"), "a parameter is a whole segment: \(text)")
            return .literal(String(part))
        }
    }

    /// `/auth/pats/{tokenId}`.
    public var description: String {
        "/"
            + segments.map { segment in
                switch segment {
                case .literal(let text): return text
                case .parameter(let name): return "{\(name)}"
                }
            }.joined(separator: "/")
    }

    /// The parameters' names, in order.
    public var parameterNames: [String] {
        segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }

    /// The path with each parameter replaced by the next of `values`, percent-encoded so that a
    /// value is always one segment (`/`, `?`, `#`, `%` and anything outside RFC 3986's unreserved
    /// characters are escaped). The number of values must match the parameters.
    public func filled(_ values: [String]) -> String {
        precondition(values.count == parameterNames.count, "\(self) takes \(parameterNames.count) values, not \(values.count)")
        var remaining = values[...]
        return "/"
            + segments.map { segment in
                switch segment {
                case .literal(let text): return text
                case .parameter:
                    return Self.escaped(remaining.popFirst() ?? "")
                }
            }.joined(separator: "/")
    }

    /// `value` percent-encoded except for RFC 3986's unreserved characters; a value of only dots is
    /// encoded whole, so `..` can never climb.
    public static func escaped(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let onlyDots = value.utf8.allSatisfy { $0 == UInt8(ascii: ".") }
        var bytes: [UInt8] = []
        for byte in value.utf8 {
            if onlyDots {
                bytes += Array("%2E".utf8)
                continue
            }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
