import Foundation
import SignetCore
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

    /// Random text from `alphabet`, with escapes: of visible ASCII (upper-case hex), of any byte
    /// (lower-case), and malformed ones, each in one character of twenty.
    static func text(_ alphabet: [Character], count: Int, using generator: inout Generator) -> String {
        var text = ""
        for _ in 0..<count {
            switch Int.random(in: 0..<20, using: &generator) {
            case 0: text += String(format: "%%%02X", Int.random(in: 0x21...0x7E, using: &generator))
            case 1: text += String(format: "%%%02x", Int.random(in: 0x00...0xFF, using: &generator))
            case 2: text += "%" + String(alphabet.randomElement(using: &generator) ?? "z")
            default: if let character = alphabet.randomElement(using: &generator) { text.append(character) }
            }
        }
        return text
    }

    /// Upstreams as a configuration may hold them, and one built by hand whose URL the parser
    /// would re-encode (the configuration refuses it; the shortcut must not trust it either).
    static let upstreams = [
        upstream,
        GatewayConfiguration.Upstream(name: "root", url: "http://127.0.0.1:9000", basePath: "", timeout: 5, maxBodyBytes: 1024),
        GatewayConfiguration.Upstream(name: "odd", url: "http://127.0.0.1:9000/a b", basePath: "/a%20b", timeout: 5, maxBodyBytes: 1024),
    ]

    @Test("Every target the shortcut accepts, Foundation sends byte for byte (40,000 generated, half from all of visible ASCII)")
    func shortcutAgreesWithFoundation() throws {
        var generator = Generator(state: 0x5167_6E65_7421)
        let plain = Array("abcxyzABCXYZ0189-._~!$&'()*+,;=:@")
        let visible = (0x21...0x7E).compactMap { Unicode.Scalar($0).map(Character.init) }
        var accepted = 0
        for round in 0..<40_000 {
            let segment = round.isMultiple(of: 2) ? plain : visible
            let upstream = Self.upstreams[round % Self.upstreams.count]
            var suffix = ""
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                suffix += "/" + Self.text(segment, count: Int.random(in: 0...8, using: &generator), using: &generator)
            }
            if Bool.random(using: &generator) {
                suffix += "?" + Self.text(segment + Array("/?"), count: Int.random(in: 0...12, using: &generator), using: &generator)
            }
            guard GatewayForwarder.Target.sendsAsWritten(upstream, suffix) else { continue }
            accepted += 1
            let url = try #require(URL(string: upstream.url + suffix), "Foundation cannot parse \(suffix)")
            let sent = GatewayForwarder.Target.sentTarget(of: url)
            #expect(sent.utf8.elementsEqual((upstream.basePath + suffix).utf8), "\(upstream.url) \(suffix) is sent as \(sent)")
        }
        #expect(accepted > 5_000, "the generator should often produce plain text: \(accepted)")
        let odd = Self.upstreams[2]
        #expect(!GatewayForwarder.Target.sendsAsWritten(odd, "/x%41"), "an upstream URL the parser re-encodes is never trusted")
    }

    @Test("Anything else is left to Foundation's check: the shortcut refuses it")
    func shortcutRefusesTheRest() {
        let refused = [
            "", "a", "//a", "/a//b", "/a?b//c", "/a b", "/a\"b", "/a<b", "/a>b", "/a[b", "/a]b", "/a^b", "/a`b", "/a{b", "/a|b", "/a}b", "/a\\b",
            "/a#b", "/é", "/a%", "/a%4", "/a%zz", "/a%FF", "/a%20b", "/a%0A", "/a%7F", "/a?b c", "/a?b\u{0}",
        ]
        for suffix in refused { #expect(!GatewayPath.isPlain(suffix.utf8), "\(suffix.debugDescription)") }
        #expect(GatewayPath.isPlain("/wallets/wa-1/notes?limit=2&since=2026-12-05T10:00:00Z&x=a:b@c;d".utf8))
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
