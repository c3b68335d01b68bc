import Foundation
import HTTPTypes
import Testing

@testable import SignetServer

/// The reads and writes on every request's path: each gives what the slower general form gives.
@Suite("Header reading and writing on the request path")
struct HeaderReadingTests {
    static let names: [HTTPField.Name] = [.authorization, .cookie, .contentLength, .userAgent, .connection]
        + ["x-original-uri", "X-Original-URI", "X-Request-Id"].compactMap { HTTPField.Name($0) }

    @Test("value(of:) is the subscript: absent, once, several times (joined with , or ; for Cookie), in any case")
    func valueIsTheSubscript() {
        var generator = GatewayTargetTests.Generator(state: 7)
        let values = ["Bearer a", "b", "", "c=d", "  spaced  ", "1"]
        for _ in 0..<5_000 {
            var fields = HTTPFields()
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let name = Self.names.randomElement(using: &generator) ?? .authorization
                fields.append(HTTPField(name: name, value: values.randomElement(using: &generator) ?? ""))
            }
            for name in Self.names {
                #expect(fields.value(of: name) == fields[name], "\(name) in \(fields)")
            }
        }
    }

    @Test("A Connection header's names: each token trimmed of spaces and tabs and lower-cased, empty ones left out")
    func connectionNames() {
        #expect(GatewayForwarder.connectionNamed(nil).isEmpty)
        #expect(GatewayForwarder.connectionNamed("").isEmpty)
        #expect(GatewayForwarder.connectionNamed("keep-alive") == ["keep-alive"])
        #expect(GatewayForwarder.connectionNamed(" Keep-Alive ,\tX-Private-Hop\t,, ,x-other") == ["keep-alive", "x-private-hop", "x-other"])
        // The same as trimming with Foundation for every spelling of spaces and tabs around the tokens.
        var generator = GatewayTargetTests.Generator(state: 11)
        let pieces = ["", " ", "\t", "  ", " \t "]
        let tokens = ["Close", "X-A", "te", "Upgrade", "x-b"]
        for _ in 0..<2_000 {
            let parts = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                (pieces.randomElement(using: &generator) ?? "") + (tokens.randomElement(using: &generator) ?? "")
                    + (pieces.randomElement(using: &generator) ?? "")
            }
            let value = parts.joined(separator: ",")
            let foundation = Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }).subtracting([""])
            #expect(GatewayForwarder.connectionNamed(value) == foundation, "\(value)")
        }
    }

    @Test("A path without empty segments is the split and joined path, for every path of /, a and b up to 7 bytes")
    func pathsWithoutEmptySegments() {
        var paths = [""]
        for _ in 0..<7 { paths += paths.flatMap { path in ["/", "a", "b"].map { path + $0 } } }
        for path in Set(paths) {
            #expect(AbuseLimitMiddleware.withoutEmptySegments(path) == "/" + path.split(separator: "/").joined(separator: "/"), "\(path)")
        }
    }

    @Test("Signet-Token-Expiration is DateFormatter's yyyy-MM-dd HH:mm:ss 'UTC' for 20,000 dates from 1970 to 9999")
    func expirationFormat() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        var generator = GatewayTargetTests.Generator(state: 3)
        let last = 253_402_300_799.0  // 9999-12-31 23:59:59
        // Whole seconds: DateFormatter rounds a fraction, the header drops it (as it always has).
        for seconds in [0, last, 1_798_761_599] + (0..<20_000).map({ _ in Double.random(in: 0...last, using: &generator).rounded(.down) }) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ResponseHeadersMiddleware.expiration(date) == formatter.string(from: date), "\(seconds)")
        }
        #expect(ResponseHeadersMiddleware.expiration(Date(timeIntervalSince1970: 1_798_761_599.999)) == "2026-12-31 23:59:59 UTC")
        #expect(ResponseHeadersMiddleware.expiration(Date(timeIntervalSince1970: last + 1)) == "10000-01-01 00:00:00 UTC")
    }

    @Test("The identity cache's key: equal only when every fact is byte for byte equal, each fact counted")
    func identityKeys() {
        let facts = ["to-1", "us-1", "ana@example.com", "or-1", "Pat", "Wallets:Read", "GET", "wallets", "/wallets?x=1", "key-1"]
        func key(_ f: [String]) -> IdentityTokenCache.Key {
            IdentityTokenCache.Key(
                tokenId: f[0], userId: f[1], username: f[2], orgId: f[3], tokenKind: f[4], operation: f[5], method: f[6], upstream: f[7],
                target: f[8], signingKeyId: f[9]
            )
        }
        let base = key(facts)
        #expect(base == key(facts) && base.hashValue == key(facts).hashValue)
        for index in facts.indices {
            var changed = facts
            changed[index] += "x"
            #expect(base != key(changed) && base.hashValue != key(changed).hashValue, "fact \(index)")
        }
        // Canonically equivalent spellings (String == says equal) are two keys; so are shifted boundaries.
        var decomposed = facts
        decomposed[2] = "ana\u{301}@example.com"
        var precomposed = facts
        precomposed[2] = "an\u{E1}@example.com"
        #expect(decomposed[2] == precomposed[2] && key(decomposed) != key(precomposed))
        var shifted = facts
        (shifted[0], shifted[1]) = ("to-1u", "s-1")
        #expect(key(shifted) != base && key(shifted).hashValue != base.hashValue)
    }
}
