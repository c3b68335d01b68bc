public import Foundation

/// The error body of every refused request: `{"error": {"status", "message", "details"?}}`.
public struct ErrorResponse: Codable, Sendable, Equatable {
    /// The error.
    public var error: ErrorBody

    /// Creates an error response.
    public init(error: ErrorBody) { self.error = error }
}

/// The inside of ``ErrorResponse``. `status`, `message` and `details` are as Dfns sends them; `id`,
/// `field` and `operation` are Signet's, for clients that act on a refusal without reading its
/// words (the message is for people and may be reworded; these are stable).
public struct ErrorBody: Codable, Sendable, Equatable {
    /// The HTTP status, repeated for clients that only see the body.
    public var status: Int
    /// What went wrong and, where it helps, what to do about it.
    public var message: String
    /// Machine-readable detail, such as the field that conflicted.
    public var details: [String: String]?
    /// What kind of refusal this is (``RefusalID``), stable across releases.
    public var id: String?
    /// The request field at fault, as the request names it (`publicKey`, `firstFactor.kind`).
    public var field: String?
    /// The operation the caller lacks, on ``RefusalID/operationNotGranted``.
    public var operation: String?

    /// Creates an error body.
    public init(
        status: Int,
        message: String,
        details: [String: String]? = nil,
        id: String? = nil,
        field: String? = nil,
        operation: String? = nil
    ) {
        self.status = status
        self.message = message
        self.details = details
        self.id = id
        self.field = field
        self.operation = operation
    }
}

/// The stable kinds of refusal in ``ErrorBody/id``. A client switches on these, never on messages.
public enum RefusalID: String, Sendable, CaseIterable {
    /// A field is missing, malformed or out of range (``ErrorBody/field`` names it).
    case invalidField = "invalid_field"
    /// The body names a field the route does not accept (``ErrorBody/field`` names the first).
    case unknownField = "unknown_field"
    /// The body is not the JSON object the route reads.
    case invalidBody = "invalid_body"
    /// Something with this value exists already (``ErrorBody/field`` names the field).
    case duplicate
    /// The caller lacks an operation (``ErrorBody/operation`` names it).
    case operationNotGranted = "operation_not_granted"
    /// The route is a user action and the request carries none.
    case userActionRequired = "user_action_required"
    /// No valid access token.
    case notAuthenticated = "not_authenticated"
    /// Allowed to nobody in this situation (another refusal than a missing operation).
    case forbidden
    /// No such object, or not one the caller may see.
    case notFound = "not_found"
    /// The request conflicts with the object's state.
    case conflict
    /// The body is larger than the route accepts.
    case bodyTooLarge = "body_too_large"
    /// Any other refusal of bad input.
    case badRequest = "bad_request"
    /// The request took too long to arrive.
    case timeout
    /// Too many requests (429): `Retry-After` says when to try again.
    case rateLimited = "rate_limited"
    /// The gateway's upstream did not answer, or not in time (502, 504): worth trying again later.
    case upstreamUnavailable = "upstream_unavailable"
    /// The server failed; the log has the details.
    case internalError = "internal_error"
}

/// A list, with `nextPageToken` on the lists that page.
public struct ListResponse<Item: Codable & Sendable>: Codable, Sendable {
    /// This page's items.
    public var items: [Item]
    /// Pass as `paginationToken` for the next page; absent on the last page.
    public var nextPageToken: String?

    /// Creates a list response.
    public init(items: [Item], nextPageToken: String? = nil) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

/// A body carrying only a message.
public struct MessageResponse: Codable, Sendable, Equatable {
    /// The message.
    public var message: String

    /// Creates a message response.
    public init(message: String) { self.message = message }
}

/// An empty JSON object, `{}`: the answer of routes that return nothing (as `DELETE /auth/credentials/{id}` on Dfns).
public struct EmptyResponse: Codable, Sendable, Equatable {
    /// Creates an empty response.
    public init() {}
}

/// Request types that refuse fields they do not know, as the Dfns API does for creates
/// (`additionalProperties: false`). The accepted fields are the type's `CodingKeys`, declared
/// `CaseIterable` (as the store's row types declare their columns): a field is named once.
public protocol KnownFields: Decodable {
    /// The JSON keys, one case per property.
    associatedtype CodingKeys: CodingKey & CaseIterable
    /// The top-level JSON keys the type accepts.
    static var knownFields: Set<String> { get }
}

extension KnownFields {
    /// The `CodingKeys`' names.
    public static var knownFields: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }
}

/// The JSON coders Signet's server and clients share: ISO-8601 dates with milliseconds in UTC
/// (`2023-04-14T20:41:28.715Z`), as the Dfns API writes them.
public enum SignetJSON {
    /// An encoder for Signet's wire format.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(dateString(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A date as the wire format writes it: ISO 8601 in UTC with milliseconds.
    public static func dateString(_ date: Date) -> String {
        date.formatted(withFractionalSeconds)
    }

    /// A decoder for Signet's wire format; accepts dates with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: Self.withFractionalSeconds) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO-8601 date")
        }
        return decoder
    }

    private static let withFractionalSeconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
