import Foundation
import SignetCore

extension GatewayForwarder {
    /// Where an authorised request goes: the upstream's URL for it, and the request target the
    /// upstream must receive, byte for byte (the upstream's base path, then the path and query as
    /// received and checked). Refused (400) when the HTTP client would send anything else.
    struct Target: Sendable {
        let upstream: GatewayConfiguration.Upstream
        let url: String
        let requestTarget: String

        init(upstream: GatewayConfiguration.Upstream, path: String, query: String?) throws {
            self.upstream = upstream
            let suffix = path + (query.map { "?" + $0 } ?? "")
            url = upstream.url + suffix
            requestTarget = upstream.basePath + suffix
            // Plain text is sent as written (a test holds that against Foundation); anything else is
            // parsed as the HTTP client will parse it, at a few per cent of a forwarded request.
            guard Self.sendsAsWritten(upstream, suffix) || URL(string: url).map({ Self.sentTarget(of: $0).utf8.elementsEqual(requestTarget.utf8) }) == true
            else {
                throw APIError.badRequest("the path and query cannot be forwarded exactly as received; percent-encode them plainly")
            }
        }

        /// Whether the URL parser keeps `upstream.url + suffix` as written: the upstream's URL ends
        /// with its base path exactly (the configuration refuses any other), and both it and the
        /// suffix are plain.
        static func sendsAsWritten(_ upstream: GatewayConfiguration.Upstream, _ suffix: String) -> Bool {
            GatewayPath.isPlain(suffix.utf8) && endsWith(upstream.url, upstream.basePath)
                && (upstream.basePath.isEmpty || GatewayPath.isPlain(upstream.basePath.utf8))
        }

        /// Whether `text` ends with `suffix`, compared as bytes.
        static func endsWith(_ text: String, _ suffix: String) -> Bool {
            text.utf8.count >= suffix.utf8.count && text.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }

        /// The request target AsyncHTTPClient sends for `url` (its `URL.uri`: the percent-encoded path,
        /// `/` when Foundation cannot decode it, then `?` and the query).
        static func sentTarget(of url: URL) -> String {
            let path = url.path.isEmpty ? "/" : URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path
            return path + (url.query.map { "?" + $0 } ?? "")
        }
    }
}
