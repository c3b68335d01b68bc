import Foundation

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
            isPlain(suffix.utf8) && endsWith(upstream.url, upstream.basePath) && (upstream.basePath.isEmpty || isPlain(upstream.basePath.utf8))
        }

        /// Whether `text` ends with `suffix`, compared as bytes.
        static func endsWith(_ text: String, _ suffix: String) -> Bool {
            text.utf8.count >= suffix.utf8.count && text.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }

        /// Whether a path and query use only characters every URL parser keeps as they are: RFC
        /// 3986's unreserved characters and sub-delimiters, `:`, `@`, `/` and `?`, and escapes of
        /// visible ASCII. A path that starts with `/`; no `//` (an authority to some parsers).
        static func isPlain(_ bytes: String.UTF8View) -> Bool {
            guard bytes.first == UInt8(ascii: "/") else { return false }
            var previous: UInt8 = 0
            var iterator = bytes.makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "%") {
                    guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue),
                        (0x21...0x7E).contains(high << 4 | low)
                    else { return false }
                    previous = 0
                    continue
                }
                guard plainBytes[Int(byte)] && !(byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/")) else { return false }
                previous = byte
            }
            return true
        }

        private static let plainBytes: [Bool] = (0..<256).map { value in
            let byte = UInt8(value)
            return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array("-._~!$&'()*+,;=:@/?".utf8).contains(byte)
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        /// The request target AsyncHTTPClient sends for `url` (its `URL.uri`: the percent-encoded path,
        /// `/` when Foundation cannot decode it, then `?` and the query).
        static func sentTarget(of url: URL) -> String {
            let path = url.path.isEmpty ? "/" : URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path
            return path + (url.query.map { "?" + $0 } ?? "")
        }
    }
}
