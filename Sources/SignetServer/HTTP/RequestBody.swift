import Foundation
import Hummingbird
import NIOCore
import SignetAPI
import SignetCore

/// Reading JSON request bodies strictly, with 400s that say exactly what is wrong.
enum RequestBody {
    /// Reads the whole body (at most ``SignetRequestContext/maximumBodySize`` bytes; 413 beyond).
    /// ``BodyDeadlineMiddleware`` has already read it within the body timeout.
    static func collect(_ request: inout Request, context: some RequestContext) async throws -> [UInt8] {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }

    /// Reads the body and decodes it as `T`; with `optional`, an empty body decodes as `{}`.
    static func read<T: Decodable>(
        _ type: T.Type,
        from request: Request,
        context: some RequestContext,
        optional: Bool = false
    )
        async throws -> T
    {
        var request = request
        let bytes = try await collect(&request, context: context)
        return optional ? try decodeOptional(type, from: bytes) : try decode(type, from: bytes)
    }

    /// Whether the bytes are empty or only whitespace: a request without a body.
    static func isEmpty(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Decodes a required JSON object body as `T`. Unknown fields are refused when `T` lists its fields.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard !isEmpty(bytes) else { throw APIError(.badRequest, "a JSON object body is required", id: .invalidBody) }
        return try decodeObject(type, from: bytes)
    }

    /// Decodes an optional body: an empty body decodes as `{}`.
    static func decodeOptional<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decodeObject(type, from: isEmpty(bytes) ? Array("{}".utf8) : bytes)
    }

    private static func decodeObject<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw APIError(.badRequest, "the body is not valid JSON: \(error.description)", id: .invalidBody)
        }
        guard let keys = json.objectKeys else { throw APIError(.badRequest, "the body must be a JSON object", id: .invalidBody) }
        if let known = (T.self as? any KnownFields.Type)?.knownFields {
            let unknown = keys.subtracting(known).sorted()
            guard unknown.isEmpty else {
                throw APIError(
                    .badRequest,
                    "unknown field\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")); "
                        + "accepted fields are \(known.sorted().joined(separator: ", "))",
                    id: .unknownField,
                    field: unknown.first
                )
            }
        }
        do {
            return try SignetJSON.decoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw refusal(error)
        }
    }

    /// A decoding failure as a refusal naming the field at fault.
    static func refusal(_ error: DecodingError) -> APIError {
        let field: String
        switch error {
        case .keyNotFound(let key, let context): field = path(context.codingPath, key)
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context): field = path(context.codingPath)
        @unknown default: field = ""
        }
        return field.isEmpty ? APIError(.badRequest, describe(error), id: .invalidBody) : .invalid(field, describe(error))
    }

    /// A coding path as the request writes it: `firstFactor.kind`, `operations[2]`.
    private static func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
        let keys = (codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// A decoding failure in words: which field, and what was expected.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "field '\(path(context.codingPath, key))' is required"
        case .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            return "field '\(path(context.codingPath))' must be \(typeName(type))"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? "the body is not valid JSON" : "field '\(field)' is invalid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be read"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        case is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
