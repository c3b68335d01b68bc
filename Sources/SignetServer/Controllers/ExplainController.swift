import Hummingbird
import SignetAPI

/// `/auth/permissions/explain` (Signet's addition): why an operation is allowed or refused.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/permissions/explain?operation=X` | no | none (about the caller itself) | user, PAT, service account |
/// | `GET /auth/permissions/explain?operation=X&identityId=ID` | no | `Permissions:Read` and `Auth:Users:Read` | user, PAT, service account |
struct ExplainController: Sendable {
    let explain: ExplainService

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/permissions/explain") { request, context in
            let query = request.uri.queryParameters
            return JSONResponse(
                try await explain.explain(
                    operation: query.get("operation"), identityId: query.get("identityId"), caller: context.caller))
        }
    }
}
