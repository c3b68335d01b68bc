import Foundation
import Testing

@testable import SignetServer

/// The request target the gateway forwards: its plain-text shortcut never accepts a path or query
/// that Foundation (and so the HTTP client) would send differently.
@Suite("Gateway: the forwarded request target")
struct GatewayTargetTests {
    static let upstream = GatewayConfiguration.Upstream(
        name: "wallets",
        url: "http://127.0.0.1:9000/api/v1",
        basePath: "/api/v1",
        timeout: 5,
        maxBodyBytes: 1024
    )

    /// SplitMix64: the same inputs on every run, so a failure names one that reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// Random text from `alphabet`, with one escape of visible ASCII in ten characters.
    static func text(_ alphabet: [Character], count: Int, using generator: inout Generator) -> String {
        var text = ""
        for _ in 0..<count {
            if Int.random(in: 0..<10, using: &generator) == 0 {
                text += String(format: "%%%02X", Int.random(in: 0x21...0x7E, using: &generator))
            } else if let character = alphabet.randomElement(using: &generator) {
                text.append(character)
            }
        }
        return text
    }

    @Test("Every path and query the shortcut accepts, Foundation sends byte for byte (20,000 generated)")
    func shortcutAgreesWithFoundation() throws {
        var generator = Generator(state: 0x5167_6E65_7421)
        let segment = Array("abcxyzABCXYZ0189-._~!$&'()*+,=:@")
        let query = segment + Array(";/?")
        var accepted = 0
        for _ in 0..<20_000 {
            var suffix = ""
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                suffix += "/" + Self.text(segment, count: Int.random(in: 0...8, using: &generator), using: &generator)
            }
            if Bool.random(using: &generator) { suffix += "?" + Self.text(query, count: Int.random(in: 0...12, using: &generator), using: &generator) }
            guard GatewayForwarder.Target.isPlain(suffix.utf8) else { continue }
            accepted += 1
            let url = try #require(URL(string: Self.upstream.url + suffix), "Foundation cannot parse \(suffix)")
            let sent = GatewayForwarder.Target.sentTarget(of: url)
            #expect(sent.utf8.elementsEqual((Self.upstream.basePath + suffix).utf8), "\(suffix) is sent as \(sent)")
        }
        #expect(accepted > 10_000, "the generator should mostly produce plain text: \(accepted)")
    }

    @Test("Anything else is left to Foundation's check: the shortcut refuses it")
    func shortcutRefusesTheRest() {
        let refused = [
            "", "a", "//a", "/a//b", "/a?b//c", "/a b", "/a\"b", "/a<b", "/a>b", "/a[b", "/a]b", "/a^b", "/a`b", "/a{b", "/a|b", "/a}b", "/a\\b",
            "/a#b", "/é", "/a%", "/a%4", "/a%zz", "/a%FF", "/a%20b", "/a%0A", "/a%7F", "/a?b c", "/a?b\u{0}",
        ]
        for suffix in refused { #expect(!GatewayForwarder.Target.isPlain(suffix.utf8), "\(suffix.debugDescription)") }
        #expect(GatewayForwarder.Target.isPlain("/wallets/wa-1/notes?limit=2&since=2026-12-05T10:00:00Z&x=a:b@c;d".utf8))
    }

    @Test("A target Foundation would send otherwise is refused; a plain one is kept byte for byte")
    func targets() throws {
        let plain = try GatewayForwarder.Target(upstream: Self.upstream, path: "/wallets/wa-1", query: "limit=2")
        #expect(plain.requestTarget == "/api/v1/wallets/wa-1?limit=2" && plain.url == "http://127.0.0.1:9000/api/v1/wallets/wa-1?limit=2")
        for (path, query) in [("/a%FF", nil), ("/a b", nil), ("/a", "b c")] as [(String, String?)] {
            #expect(throws: APIError.self, "\(path) \(query ?? "")") {
                try GatewayForwarder.Target(upstream: Self.upstream, path: path, query: query)
            }
        }
    }
}
