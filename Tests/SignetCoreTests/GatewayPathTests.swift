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
