import Foundation
import SignetServer
import Testing

@Suite("Gateway configuration: refused at load, with the line")
struct GatewayConfigurationTests {
    static let good = """
        upstreams:
          wallets: { url: "http://127.0.0.1:9000/api/", timeout: 5 }
        operations: [Invoices:Create]
        routes:
          - { method: GET, path: /wallets, upstream: wallets, operation: Wallets:Read }
          - { method: post, path: /invoices, upstream: wallets, operation: Invoices:Create }
          - { method: DELETE, path: "/wallets/{id}", upstream: wallets, operation: Wallets:Update, signed: false }
        """

    @Test("A good file: upstream defaults, declared operations, signed by default for changes")
    func good() throws {
        let configuration = try GatewayConfiguration.parse(Self.good)
        #expect(configuration.upstreams["wallets"]?.url == "http://127.0.0.1:9000/api")
        #expect(configuration.upstreams["wallets"]?.timeout == 5 && configuration.upstreams["wallets"]?.maxBodyBytes == 1_048_576)
        #expect(configuration.operations == ["Invoices:Create"])
        #expect(configuration.routes.map(\.signed) == [false, true, false])
        #expect(configuration.routes[1].method == "POST")
        #expect(configuration.route(method: "GET", segments: ["wallets"])?.operation == "Wallets:Read")
        #expect(configuration.route(method: "GET", segments: ["invoices"]) == nil)
    }

    @Test("Each mistake is refused with its line")
    func refusals() {
        let cases: [(String, Int?, String)] = [
            (Self.good.replacingOccurrences(of: "Invoices:Create }", with: "Invoices:Send }"), 6, "unknown operation 'Invoices:Send'"),
            (Self.good + "\n  - { method: DELETE, path: \"/wallets/{walletId}\", upstream: wallets, operation: Wallets:Read }", 8, "overlaps"),
            (Self.good + "\n  - { method: GET, path: \"/{area}\", upstream: wallets, operation: Wallets:Read }", 8, "must start with a literal"),
            (Self.good + "\n  - { method: GET, path: /auth/pats, upstream: wallets, operation: Wallets:Read }", 8, "shadow"),
            (Self.good + "\n  - { method: GET, path: /v2/policies, upstream: wallets, operation: Wallets:Read }", 8, "shadow"),
            (Self.good + "\n  - { method: GET, path: \"/v2/{x}/y\", upstream: wallets, operation: Wallets:Read }", 8, "shadow"),
            (Self.good + "\n  - { method: GET, path: /keys, upstream: nowhere, operation: Wallets:Read }", 8, "unknown upstream"),
            (Self.good + "\n  - { method: GET, path: /keys, upstream: wallets, operation: Keys:Read, sign: true }", 8, "unknown key 'sign'"),
            (Self.good + "\n  - { method: TRACE, path: /keys, upstream: wallets, operation: Keys:Read }", 8, "method TRACE"),
            (Self.good + "\n  - { method: GET, path: /keys/../x, upstream: wallets, operation: Keys:Read }", 8, "dot segment"),
            (Self.good.replacingOccurrences(of: "http://127.0.0.1:9000/api/", with: "ftp://x"), 2, "url must be"),
            (Self.good.replacingOccurrences(of: "9000/api/", with: "9000/a pi/"), 2, "percent-encoded as sent"),
            (Self.good.replacingOccurrences(of: "9000/api/", with: "9000/a[pi]/"), 2, "percent-encoded as sent"),
            (Self.good.replacingOccurrences(of: "[Invoices:Create]", with: "[invoices]"), 3, "Area:Action"),
            ("routes: [", nil, "not valid YAML"),
        ]
        for (text, line, message) in cases {
            #expect(throws: GatewayConfiguration.Failure.self) { try GatewayConfiguration.parse(text) }
            do {
                _ = try GatewayConfiguration.parse(text)
            } catch {
                #expect(error.line == line, "\(message): \(error.description)")
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }
}
