import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore

/// The abuse limits that apply before a route runs: login and registration requests per client
/// address (the catalogue's `authentication` routes), and requests with a bearer token from an
/// address whose failed token checks are used up. A failed check (a 401 to a request with a token)
/// is counted on the way back. `/auth/check` is left out: its caller is the proxy, whose address
/// stands for every client behind it.
struct AbuseLimitMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    let limiter: AbuseLimiter
    /// `POST /auth/login/init` and the other `authentication` routes of the catalogue (method and path).
    private let authenticationRoutes: Set<Route> = Set(
        Endpoints.all.filter { $0.rate == .authentication }.map { Route(method: $0.method.rawValue, path: $0.path.description) }
    )

    /// A method and a path, looked up without building a string per request.
    private struct Route: Hashable {
        let method: String
        let path: String
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The route the router resolved (it ignores empty segments: `/auth//login/init/` is
        // `/auth/login/init`), or for the gateway's paths and unknown ones, the path itself.
        let routed = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? request.uri.path
        let path = Self.withoutEmptySegments(routed)
        let address = context.clientAddress.map(ClientAddress.bucketKey)
        if authenticationRoutes.contains(Route(method: request.method.rawValue, path: path)) { try limiter.admitAuthentication(from: address) }
        let bearer = request.headers.value(of: .authorization) != nil && path != "/auth/check" && !path.hasPrefix("/auth/check/")
        if bearer { try limiter.admitTokenBearer(from: address) }
        do {
            return try await AbuseLimiter.$clientAddress.withValue(address) { try await next(request, context) }
        } catch let error as any HTTPResponseError where bearer && error.status == .unauthorized {
            // Signet's own refusals of the token arrive thrown; a 401 an upstream answered through
            // the gateway arrives as a response, and is not counted.
            limiter.recordFailedToken(from: address)
            throw error
        }
    }
}

extension AbuseLimitMiddleware {
    /// `path` with one leading `/` and no empty segments (`auth//login/init/` is `/auth/login/init`);
    /// a path already so is returned as it is, without splitting it (the usual case, on every request).
    static func withoutEmptySegments(_ path: String) -> String {
        let slash = UInt8(ascii: "/")
        var previous: UInt8 = 0
        var plain = path.utf8.first == slash && (path.utf8.count == 1 || path.utf8.last != slash)
        for byte in path.utf8 where plain {
            plain = !(byte == slash && previous == slash)
            previous = byte
        }
        return plain ? path : "/" + path.split(separator: "/").joined(separator: "/")
    }
}

/// Decides the client's address once per request, before anything logs or limits it: the
/// connection's peer, or, behind a trusted proxy (`--trusted-proxy`), the `X-Forwarded-For` hop
/// ``ClientAddress/resolve(peer:forwardedFor:trusted:)`` believes.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    /// Reverse proxies whose `X-Forwarded-For` is believed.
    let trustedProxies: [IPRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress,
            forwardedFor: request.headers[values: .xForwardedFor],
            trusted: trustedProxies
        )
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, as reverse proxies set it.
    static let xForwardedFor: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Forwarded-For") else { preconditionFailure("invalid header name") }
        return name
    }()
}
