import Hummingbird
import SignetAPI

/// `/auth/permissions/explain` (Signet's addition): why an operation is allowed or refused.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct ExplainController: Sendable {
    let explain: ExplainService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.explain, to: router) { call in
            let query = call.request.uri.queryParameters
            return try await explain.explain(operation: query.get("operation"), identityId: query.get("identityId"), caller: call.caller)
        }
    }
}
