import Hummingbird
import Logging

/// One log line per request: its method, its path, and the *names* of its query parameters, never
/// their values. A URL can carry a secret (the setup link's one-time `code`, a pagination token), and
/// whoever reads the log must not be able to take it. (Hummingbird's `LogRequestsMiddleware` logs the
/// whole request target.) Control characters in any of it are escaped by ``EscapingLogHandler``.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var metadata: Logger.Metadata = ["method": .string(request.method.rawValue), "path": .string(request.uri.path)]
        if let query = request.uri.query, !query.isEmpty { metadata["queryKeys"] = .string(Self.keys(of: query)) }
        if let client = context.clientAddress { metadata["client"] = .string(client) }
        context.logger.log(level: .info, "request", metadata: metadata)
        return try await next(request, context)
    }

    /// `org,username,code` for `org=…&username=…&code=…`. A key that does not look like a name (up to
    /// 64 letters, digits, `_`, `-`, `.`, `[`, `]`) is written `?`: `?SECRET` alone is a value too.
    static func keys(of query: String) -> String {
        query.split(separator: "&").map { part in
            let key = part.prefix { $0 != "=" }
            let isName =
                (1...64).contains(key.utf8.count)
                && key.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "_-.[]".utf8.contains(byte)
                }
            return isName && key.count < part.count ? String(key) : "?"
        }.joined(separator: ",")
    }
}

/// Refuses a request target with a `#` (400): RFC 9112 allows no fragment there, and readers that
/// stop at it (a router, a proxy, an HTTP client) would each see a different request.
struct RequestTargetMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.string.utf8.contains(UInt8(ascii: "#")) else {
            throw APIError.badRequest("the request target contains #: a request has no fragment (RFC 9112 §3.2); percent-encode it as %23")
        }
        return try await next(request, context)
    }
}
