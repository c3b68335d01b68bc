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
        let id = request.headers.value(of: Self.requestId).flatMap(Self.wellFormed) ?? context.id
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
    /// cost 70 µs, four times the rest of a warm request; its 23 bytes are written in place (string
    /// interpolation was half a per cent of a gateway request).
    static func expiration(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        guard (1000...9999).contains(year) else {
            return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
        }
        return String(unsafeUninitializedCapacity: 23) { buffer in
            func put(_ value: Int, width: Int, at start: Int, then separator: UInt8) {
                var rest = value
                for index in (start..<start + width).reversed() {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                buffer[start + width] = separator
            }
            put(year, width: 4, at: 0, then: UInt8(ascii: "-"))
            put(Int(parts.tm_mon) + 1, width: 2, at: 5, then: UInt8(ascii: "-"))
            put(Int(parts.tm_mday), width: 2, at: 8, then: UInt8(ascii: " "))
            put(Int(parts.tm_hour), width: 2, at: 11, then: UInt8(ascii: ":"))
            put(Int(parts.tm_min), width: 2, at: 14, then: UInt8(ascii: ":"))
            put(Int(parts.tm_sec), width: 2, at: 17, then: UInt8(ascii: " "))
            (buffer[20], buffer[21], buffer[22]) = (UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "C"))
            return 23
        }
    }
}
