import SignetCore
import SignetTestFixtures
import Testing

@Suite("Relying party configuration and COSE keys")
struct RelyingPartyTests {
    @Test("An rp id must be the host of every web origin or a parent domain of it; origins are bare https (http for localhost)")
    func configuration() throws {
        let party = try RelyingParty(id: "Example.com", name: "Signet", origins: ["https://app.example.com", "https://example.com:8443"])
        #expect(party.id == "example.com")
        #expect(party.allows(origin: "https://app.example.com"))
        #expect(!party.allows(origin: "https://evil.example.com"))
        #expect(!party.allows(origin: "https://app.example.com/"))
        _ = try RelyingParty(id: "localhost", name: "Signet", origins: ["http://localhost:8080", "android:apk-key-hash:abc"])
        let refused: [(String, [String])] = [
            ("example.com", ["https://example.org"]),  // not a parent domain
            ("app.example.com", ["https://example.com"]),  // a child of the origin's host
            ("ample.com", ["https://example.com"]),  // a suffix, but not at a label boundary
            ("example.com", ["http://example.com"]),  // http off localhost
            ("example.com", ["https://example.com/login"]),  // a path
            ("com", ["https://example.com"]),  // a single label
            ("https://example.com", ["https://example.com"]),  // a scheme in the id
            ("example.com", []),
        ]
        for (id, origins) in refused {
            #expect(throws: RelyingParty.ConfigurationError.self, "\(id) \(origins)") { try RelyingParty(id: id, name: "Signet", origins: origins) }
        }
    }

    @Test("COSE keys: unsupported types and algorithms, points off the curve and weak Ed25519 keys are refused")
    func coseKeys() {
        func key(_ entries: [(Int, CBORValue)]) -> CBORValue { .map(entries.map { (key: CBOREncoder.int($0.0), value: $0.1) }) }
        let x = CBORValue.bytes(Array(repeating: 1, count: 32))
        let refused: [CBORValue] = [
            key([(1, .unsigned(2)), (3, CBOREncoder.int(-35)), (-1, .unsigned(2)), (-2, x), (-3, x)]),  // ES384
            key([(1, .unsigned(2)), (3, CBOREncoder.int(-7)), (-1, .unsigned(1)), (-2, x), (-3, x)]),  // not on P-256
            // The identity point: every signature "by" it can be forged.
            key([(1, .unsigned(1)), (3, CBOREncoder.int(-8)), (-1, .unsigned(6)), (-2, .bytes([1] + Array(repeating: 0, count: 31)))]),
            key([(1, .unsigned(1)), (3, CBOREncoder.int(-8)), (-1, .unsigned(7)), (-2, x)]),  // Ed448
            // RSA with a 1024-bit modulus.
            key([(1, .unsigned(3)), (3, CBOREncoder.int(-257)), (-1, .bytes(Array(repeating: 0xff, count: 128))), (-2, .bytes([1, 0, 1]))]),
            key([(3, CBOREncoder.int(-7))]),
            .array([]),
        ]
        for value in refused {
            #expect(throws: WebAuthnError.self) { try COSEKey(value) }
        }
    }
}
