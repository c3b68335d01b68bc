import Hummingbird
import SignetStore

/// `Signet-Token-Expiration` on every answer to a request authenticated by a token (inside the
/// bearer check, where the caller is known).
struct TokenExpirationMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await ErrorMiddleware.answer(request, context: context, next: next)
        if let caller = context.identity {
            response.headers[ResponseHeadersMiddleware.tokenExpiration] = ResponseHeadersMiddleware.expiration(caller.token.expiresAt)
        }
        return response
    }
}
