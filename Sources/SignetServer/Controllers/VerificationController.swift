import Hummingbird
import SignetAPI

/// For APIs behind another proxy: introspection and user-action checks, asked by the API's service account.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct VerificationController: Sendable {
    let verification: VerificationService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.introspect, to: router) { call in try await verification.introspect(body: call.body.bytes, caller: call.caller) }
        routes.add(Endpoints.verifyAction, to: router) { call in try await verification.verify(body: call.body.bytes, caller: call.caller) }
    }
}
