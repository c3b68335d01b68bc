import Hummingbird
import SignetAPI
import SignetCore

/// Public metadata.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct WellKnownController: Sendable {
    let tokens: TokenAuthority

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        EndpointRoutes.addPublic(Endpoints.jwks, to: router, responding: { _, _ in JSONResponse(tokens.jwks()) })
    }
}
