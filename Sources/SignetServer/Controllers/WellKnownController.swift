import Hummingbird
import SignetCore

/// Public metadata.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /.well-known/jwks.json` | no | none | anyone: the public keys that verify `X-Signet-Identity` |
struct WellKnownController: Sendable {
    let tokens: TokenAuthority

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get(".well-known/jwks.json") { _, _ in JSONResponse(tokens.jwks()) }
    }
}
