import Hummingbird
import SignetAPI

/// For APIs behind another proxy: introspection and user-action checks, asked by the API's service account.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `POST /oauth2/introspect` (form: `token=…`, RFC 7662) | no | `Auth:Tokens:Introspect` | service account only |
/// | `POST /auth/action/verify` | no | `Auth:Actions:Verify` | user, PAT, service account (meant for the API's service account) |
struct VerificationController: Sendable {
    let verification: VerificationService

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.post("oauth2/introspect") { request, context in
            var request = request
            let body = try await RequestBody.collect(&request, context: context)
            return JSONResponse(try await verification.introspect(body: body, caller: context.caller))
        }
        router.post("auth/action/verify") { request, context in
            var request = request
            let body = try await RequestBody.collect(&request, context: context)
            return JSONResponse(try await verification.verify(body: body, caller: context.caller))
        }
    }
}
