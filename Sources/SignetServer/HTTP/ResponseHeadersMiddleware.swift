import Foundation
import HTTPTypes
import Hummingbird
import SignetStore

#if canImport(Glibc)
    import Glibc
#endif

/// `X-Request-Id` on every answer: the caller's own, when it is 1 to 128 letters, digits, `.`, `_`
/// or `-`, else the id Hummingbird gave the request (the one in the log lines); and, on every answer
/// to a request authenticated by a token, `Signet-Token-Expiration`, as GitHub sends for its tokens,
/// so a script sees its token's end coming. When Signet serves TLS itself, every answer carries
/// `Strict-Transport-Security` (a year; not subdomains, which Signet does not know about).
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    static let requestId = name("X-Request-Id")
    static let tokenExpiration = name("Signet-Token-Expiration")
    static let strictTransportSecurityName = name("Strict-Transport-Security")
    static let strictTransportSecurityValue = "max-age=31536000"

    /// Whether to send `Strict-Transport-Security` (only when serving TLS: over plain HTTP it is ignored, and misleading).
    var strictTransportSecurity = false

    private static func name(_ text: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(text) else { preconditionFailure("invalid header name \(text)") }
        return name
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[Self.requestId].flatMap(Self.wellFormed) ?? context.id
        // Errors are answers by now (ErrorMiddleware runs inside this one).
        var response = try await next(request, context)
        response.headers[Self.requestId] = id
        if strictTransportSecurity { response.headers[Self.strictTransportSecurityName] = Self.strictTransportSecurityValue }
        return response
    }

    static func wellFormed(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count),
            id.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F
                    || byte == 0x2D
            })
        else { return nil }
        return id
    }

    /// `2026-12-30 05:38:00 UTC`, GitHub's form. Written by hand: a `DateFormatter` per request
    /// cost 70 µs, four times the rest of a warm request.
    static func expiration(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
