import SignetCore
import Testing

@Suite("Gateway paths: what may reach an upstream")
struct GatewayPathTests {
    @Test("Request paths that could be read two ways are refused")
    func refusals() throws {
        for path in [
            "/wallets/../auth/pats", "/wallets/./x", "/wallets/%2e%2e/auth", "/wallets/%2E%2e", "/wallets/.%2E", "/wallets/a%2Fb",
            "/wallets/a%2fb", "/wallets/a%5Cb", "/wallets\\x", "/wallets//x", "/wallets/a%00", "/wallets/a%zz", "/wallets/a%4", "/wa llets",
            "/wallets/\u{7F}", "wallets", "",
        ] {
            #expect(throws: GatewayPath.Refusal.self, "\(path)") { try GatewayPath.segments(of: path) }
        }
        #expect(try GatewayPath.segments(of: "/wallets/wa-1/tags") == ["wallets", "wa-1", "tags"])
        #expect(try GatewayPath.segments(of: "/wallets/a%20b") == ["wallets", "a%20b"])
        #expect(try GatewayPath.segments(of: "/") == [])
    }

    @Test("Every percent-encoded byte in a segment: printable ASCII passes, anything else is refused")
    func everyEscapedByte() throws {
        for byte in 0...255 {
            let escape = "%" + String(byte, radix: 16, uppercase: byte % 2 == 0).leftPadded(2)
            let path = "/wallets/a\(escape)b"
            let passes = (0x20..<0x7F).contains(byte) && byte != 0x2F && byte != 0x5C && byte != 0x25
            if passes {
                #expect(try GatewayPath.segments(of: path) == ["wallets", Substring("a\(escape)b")], "\(path)")
            } else {
                #expect(throws: GatewayPath.Refusal.self, "\(path)") { try GatewayPath.segments(of: path) }
            }
            let queryPasses = (0x20..<0x7F).contains(byte)  // slashes may stand in a query
            #expect(((try? GatewayPath.checkQuery("x=a\(escape)b")) != nil) == queryPasses, "query \(escape)")
        }
    }

    @Test("Overlong UTF-8, raw non-ASCII, # and encoded controls are refused in paths and queries")
    func encodings() throws {
        for bad in [
            "/wallets/%C0%80", "/wallets/%c0%ae", "/wallets/%C0%AE%C0%AE", "/wallets/%E0%80%AF", "/wallets/%F0%80%80%AF", "/wallets/%ED%A0%80",
            "/wallets/%FF", "/wallets/\u{E9}", "/wallets/#", "/wallets/#/notes", "/wallets/%0d%0a", "/wallets/%09", "/wallets/%1b", "/wallets/%7f",
            "/wallets/..;/admin", "/wallets/.;/x", "/wallets/a;b", "/wallets/%252e%252e", "/wallets/%EF%BC%8E%EF%BC%8E", "/wallets/caf%C3%A9",
        ] {
            #expect(throws: GatewayPath.Refusal.self, "\(bad)") { try GatewayPath.segments(of: bad) }
        }
        for bad in ["a=%FF", "a=%c0%ae", "a=%0d%0a", "a=%09", "%1b=1", "a=%7F", "a=b#c", "a=\u{E9}", "a=%zz", "a=b c", "a=\u{7F}"] {
            #expect(throws: GatewayPath.Refusal.self, "\(bad)") { try GatewayPath.checkQuery(bad) }
        }
        #expect(try GatewayPath.segments(of: "/wallets/a%3Bb") == ["wallets", "a%3Bb"])
        try GatewayPath.checkQuery("name=caf%C3%A9&limit=10&admin&next=a%25b")
    }

    @Test("Patterns match whole segments, literals byte for byte; overlaps are found")
    func patterns() throws {
        let one = try GatewayPathPattern("/wallets/{walletId}")
        #expect(one.matches(["wallets", "wa-1"]) && !one.matches(["wallets"]) && !one.matches(["wallets", "wa-1", "tags"]))
        #expect(!one.matches(["Wallets", "wa-1"]) && !one.matches(["wallet\u{73}\u{301}", "x"]))
        #expect(one.firstLiteral == "wallets")
        let (tags, area, bare, keys) = (
            try GatewayPathPattern("/wallets/tags"), try GatewayPathPattern("/{area}/x"), try GatewayPathPattern("/wallets"),
            try GatewayPathPattern("/keys/{id}")
        )
        #expect(one.overlaps(tags) && one.overlaps(area))
        #expect(!one.overlaps(bare) && !one.overlaps(keys))
        for bad in ["/wallets/{wallet-id}", "/wallets/x{id}", "/wallets/{}", "/wallets/a%20b", "/wallets/../x", "/wallets?x=1"] {
            #expect(throws: GatewayPath.Refusal.self, "\(bad)") { try GatewayPathPattern(bad) }
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
