import HTTPTypes
import Hummingbird
import SignetAPI

/// `/auth/check`: the gateway's decision for APIs behind another proxy (only with `--gateway`).
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/check` with `X-Original-Method` and `X-Original-URI` (nginx `auth_request`), or `X-Forwarded-Method` and `X-Forwarded-Uri` | no | the matching route's operation | user, PAT, service account |
/// | any method on `/auth/check/{original path}` (Envoy `ext_authz` with `path_prefix: /auth/check`) | no | the matching route's operation | user, PAT, service account |
struct GatewayCheckController: Sendable {
    let gateway: Gateway

    static let originalMethod = [HTTPField.Name("X-Original-Method"), HTTPField.Name("X-Forwarded-Method")].compactMap { $0 }
    static let originalURI = [HTTPField.Name("X-Original-URI"), HTTPField.Name("X-Forwarded-Uri")].compactMap { $0 }

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/check") { request, context in
            guard let method = Self.originalMethod.lazy.compactMap({ request.headers[$0] }).first,
                let uri = Self.originalURI.lazy.compactMap({ request.headers[$0] }).first
            else { throw APIError.forbidden("send the original request's X-Original-Method and X-Original-URI") }
            return try await gateway.check(method: method.uppercased(), uri: uri, request: request, context: context)
        }
        for method: HTTPRequest.Method in [.get, .head, .post, .put, .patch, .delete] {
            router.on("auth/check/**", method: method) { request, context in
                let uri = String(request.uri.path.dropFirst("/auth/check".count)) + (request.uri.query.map { "?" + $0 } ?? "")
                return try await gateway.check(method: method.rawValue, uri: uri, request: request, context: context)
            }
        }
    }
}
