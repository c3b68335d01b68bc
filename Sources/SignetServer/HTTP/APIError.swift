import Foundation
package import Hummingbird
import SignetAPI

/// A refusal, as the client will see it: a status and a message that says what is wrong and, where
/// it helps, what to do next. Every error a route throws ends up as one of these (see ``ErrorMiddleware``).
package struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    package let status: HTTPResponse.Status
    package let message: String
    package let details: [String: String]?

    package init(_ status: HTTPResponse.Status, _ message: String, details: [String: String]? = nil) {
        self.status = status
        self.message = message
        self.details = details
    }

    package static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    package static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, message) }
    package static func forbidden(_ message: String) -> APIError { APIError(.forbidden, message) }
    package static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    package static func conflict(_ message: String, details: [String: String]? = nil) -> APIError {
        APIError(.conflict, message, details: details)
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorResponse(error: ErrorBody(status: Int(status.code), message: message, details: details))
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        return response
    }
}
