import HTTPTypes
import Hummingbird
import SignetAPI

/// `/auth/check`: the gateway's decision for APIs behind another proxy (only with `--gateway`).
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/check` with `X-Original-Method` and `X-Original-URI` (nginx `auth_request`), or `X-Forwarded-Method` and `X-Forwarded-Uri` (Traefik `forwardAuth`) | no | the matching route's operation | user, PAT, service account |
/// | any method on `/auth/check/{original path}` (Envoy `ext_authz` with `path_prefix: /auth/check`) | no | the matching route's operation | user, PAT, service account |
struct GatewayCheckController: Sendable {
    let gateway: Gateway

    static let original = (method: HTTPField.Name("X-Original-Method"), uri: HTTPField.Name("X-Original-URI"))
    static let forwarded = (method: HTTPField.Name("X-Forwarded-Method"), uri: HTTPField.Name("X-Forwarded-Uri"))

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/check") { request, context in
            let (method, uri) = try Self.originalRequest(request.headers, setting: gateway.configuration.checkHeaders)
            return try await gateway.check(method: method, uri: uri, request: request, context: context)
        }
        for method: HTTPRequest.Method in [.get, .head, .post, .put, .patch, .delete] {
            router.on("auth/check/**", method: method) { request, context in
                let uri = String(request.uri.path.dropFirst("/auth/check".count)) + (request.uri.query.map { "?" + $0 } ?? "")
                return try await gateway.check(method: method.rawValue, uri: uri, request: request, context: context)
            }
        }
    }

    /// The original method (upper-cased) and URI, both from one pair of headers: the pair the
    /// configuration names, else whichever is present. Both pairs present and disagreeing is a 400:
    /// a proxy that sets one pair may pass the other on from the client, and the two readings
    /// would authorise different requests.
    static func originalRequest(_ headers: HTTPFields, setting: GatewayConfiguration.CheckHeaders) throws -> (String, String) {
        func pair(_ names: (method: HTTPField.Name?, uri: HTTPField.Name?)) -> (method: String?, uri: String?) {
            (names.method.flatMap { headers.value(of: $0) }.map { $0.uppercased() }, names.uri.flatMap { headers.value(of: $0) })
        }
        let (original, forwarded) = (pair(Self.original), pair(Self.forwarded))
        let originalSent = original.method != nil || original.uri != nil
        let forwardedSent = forwarded.method != nil || forwarded.uri != nil
        if originalSent && forwardedSent
            && (original.method?.utf8.elementsEqual(forwarded.method?.utf8 ?? "".utf8) != true
                || original.uri?.utf8.elementsEqual(forwarded.uri?.utf8 ?? "".utf8) != true)
        {
            throw APIError.badRequest(
                "X-Original-Method/-URI and X-Forwarded-Method/-Uri disagree; only the pair your proxy sets may reach /auth/check"
            )
        }
        let chosen =
            switch setting {
            case .original: original
            case .forwarded: forwarded
            case .either: originalSent ? original : forwarded
            }
        guard let method = chosen.method, let uri = chosen.uri else {
            let names = setting == .forwarded ? "X-Forwarded-Method and X-Forwarded-Uri" : "X-Original-Method and X-Original-URI"
            throw APIError.forbidden("send the original request's \(names)")
        }
        return (method, uri)
    }
}
