import Foundation

/// A JSON document parsed strictly (RFC 8259), used wherever Signet must reason about the exact
/// meaning of a body: comparing a signed user-action payload with the request that carries it, and
/// refusing unknown fields.
///
/// Strictness is a security property here. Duplicate object keys are refused, because two parsers
/// may disagree on which duplicate wins, and a signature over one reading must not authorise the
/// other. Numbers keep their exact text, so `1` and `1.0` are different payloads: both sides of a
/// user action come from the same serializer, so a well-behaved client always agrees with itself.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, kept as the exact text of the document.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object. Key order is not significant.
    case object([String: JSONValue])

    /// The deepest nesting accepted; deeper documents are refused rather than risk the stack.
    public static let maximumDepth = 64

    /// Parses a complete JSON document from UTF-8 bytes.
    public init<Bytes: Collection>(parsing bytes: Bytes) throws(JSONParseError) where Bytes.Element == UInt8 {
        var parser = JSONValueParser(bytes: Array(bytes))
        self = try parser.parseDocument()
    }

    /// Parses a complete JSON document from a string.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The keys of an object, or `nil` for any other value.
    public var objectKeys: Set<String>? {
        if case .object(let members) = self { return Set(members.keys) }
        return nil
    }

    /// A member of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string value, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// Why a document is not acceptable JSON, with the byte offset where the parser stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words for the caller.
    public let reason: String
    /// The byte offset of the problem.
    public let offset: Int

    public var description: String { "\(reason) at byte \(offset)" }
}
