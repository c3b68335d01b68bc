import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetCore
import SignetStore

/// Turns every error into the Dfns error envelope. Known failures keep their status; anything
/// unexpected becomes a 500 whose body says nothing of the cause (it is logged, without secrets).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        try await Self.answer(request, context: context, next: next)
    }

    /// The answer, or for any error its envelope, the refusal logged once. Also used inside the bearer
    /// check (``TokenExpirationMiddleware``), which must add a header to refusals too.
    static func answer(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let refusal = apiError(for: error, request: request, context: context)
            log(refusal, request: request, context: context)
            return try refusal.response(from: request, context: context)
        }
    }

    // Unexpected errors are logged with `String(describing:)`, never `reflecting:`: PostgresNIO's
    // debug description carries the SQL, its bound values and the server's DETAIL.

    /// A refusal in the log: its status and reason (the message names ids, never tokens or bodies),
    /// so a 401 or 403 can be explained from the log alone. Not-found answers stay at debug.
    static func log(_ refusal: APIError, request: Request, context: Context) {
        let status = refusal.status.code
        guard status >= 400, status < 500 else { return }
        SignetMetrics.refused(id: refusal.refusalID.rawValue, status: Int(status))
        let level: Logger.Level = status == 404 ? .debug : .notice
        context.logger.log(
            level: level,
            "refused",
            metadata: [
                "status": "\(status)", "reason": "\(String(refusal.message.prefix(300)))", "method": "\(request.method)",
                "path": "\(request.uri.path)",
            ]
        )
    }

    static func apiError(for error: any Error, request: Request, context: some RequestContext) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return .notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                return APIError(.contentTooLarge, "the request body is larger than \(SignetRequestContext.maximumBodySize) bytes")
            default:
                return APIError(error.status, error.body ?? error.status.reasonPhrase)
            }
        case let error as HTTPParserError:
            // A malformed body framing (an impossible chunk size, an unknown transfer coding): bad input.
            return .badRequest("the request is not valid HTTP/1.1 (\(error)); check Content-Length and Transfer-Encoding")
        case is BodyDeadlineMiddleware.Timeout:
            return APIError(.requestTimeout, "the request body did not arrive in time; send it without pausing")
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "the request body is larger than \(SignetRequestContext.maximumBodySize) bytes")
        case let error as KeyParsingError:
            return .badRequest(error.description)
        case StoreError.conflict:
            return .conflict("the request conflicts with an existing record")
        case StoreError.notFound:
            return .notFound("not found")
        default:
            context.logger.error(
                "request failed unexpectedly",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(String(String(describing: error).prefix(500)))"]
            )
            return APIError(.internalServerError, "internal error (request \(context.id)); the server log has the details")
        }
    }
}
