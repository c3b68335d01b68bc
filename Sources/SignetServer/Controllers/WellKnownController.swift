import Hummingbird
import SignetAPI
import SignetCore

/// Public metadata: the keys that verify `X-Signet-Identity`, and the OpenAPI document.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct WellKnownController: Sendable {
    let tokens: TokenAuthority

    /// The OpenAPI document, built once from the catalogue and its types.
    static let openAPI = OpenAPIDocument.data()

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        EndpointRoutes.addPublic(Endpoints.jwks, to: router, responding: { _, _ in JSONResponse(tokens.jwks()) })
        EndpointRoutes.addPublic(Endpoints.openAPI, to: router, responding: { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.openAPI)))
        })
    }
}
