import Foundation
package import Hummingbird
package import SignetAPI

/// A refusal, as the client will see it: a status and a message that says what is wrong and, where
/// it helps, what to do next. Every error a route throws ends up as one of these (see ``ErrorMiddleware``).
package struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    package let status: HTTPResponse.Status
    package let message: String
    package let details: [String: String]?
    /// The kind of refusal; ``RefusalID`` follows from the status when not given.
    package var id: RefusalID?
    /// The request field at fault.
    package var field: String?
    /// The operation the caller lacks.
    package var operation: String?
    /// Seconds after which the same request may succeed (a rate limit, a node not ready), sent as
    /// `Retry-After`; `nil` when waiting would not help.
    package var retryAfter: Int?

    package init(
        _ status: HTTPResponse.Status,
        _ message: String,
        details: [String: String]? = nil,
        id: RefusalID? = nil,
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

    package static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    package static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, message) }
    package static func forbidden(_ message: String) -> APIError { APIError(.forbidden, message) }
    package static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    /// A 409; `details["duplicate"]`, when set, is also the refusal's field and makes it a ``RefusalID/duplicate``.
    package static func conflict(_ message: String, details: [String: String]? = nil) -> APIError {
        let duplicate = details?["duplicate"]
        return APIError(.conflict, message, details: details, id: duplicate == nil ? nil : .duplicate, field: duplicate)
    }
    /// A 400 naming the field at fault.
    package static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, message, id: .invalidField, field: field)
    }

    /// The same refusal, telling the client to try again after `seconds` (`Retry-After`).
    package func retrying(after seconds: Int) -> APIError {
        var copy = self
        copy.retryAfter = seconds
        return copy
    }

    /// The same refusal, naming the field at fault.
    package func with(field: String) -> APIError {
        var copy = self
        copy.field = field
        if copy.id == nil, status == .badRequest { copy.id = .invalidField }
        return copy
    }

    /// The refusal's kind as sent: the one given, or the status's.
    package var refusalID: RefusalID {
        if let id { return id }
        switch status.code {
        case 400: return .badRequest
        case 401: return .notAuthenticated
        case 403: return .forbidden
        case 404: return .notFound
        case 408: return .timeout
        case 409: return .conflict
        case 413: return .bodyTooLarge
        case 429: return .rateLimited
        case 502, 503, 504: return .upstreamUnavailable
        case 500...: return .internalError
        default: return .badRequest
        }
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorResponse(
            error: ErrorBody(
                status: Int(status.code),
                message: message,
                details: details,
                id: refusalID.rawValue,
                field: field,
                operation: operation
            )
        )
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        if let retryAfter { response.headers[.retryAfter] = String(max(0, retryAfter)) }
        return response
    }
}
