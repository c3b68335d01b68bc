import Testing

@testable import SignetCore

@Suite("Base64url, identifiers and constant-time comparison")
struct EncodingTests {
    @Test("Base64url round-trips every length and refuses the standard alphabet and bad lengths")
    func base64url() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 250) % 256) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
        }
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("-_8=") == [0xFB, 0xFF])
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("abcde") == nil)
        #expect(Base64URL.decode("ab c") == nil)
        #expect(Base64URL.decode("a===") == nil)
    }

    @Test("Identifiers have the Dfns shape and do not repeat")
    func identifiers() {
        let ids = (0..<1000).map { _ in Identifier.make(.token) }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            #expect(id.wholeMatch(of: /to-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{16}/) != nil)
            #expect(Identifier.isWellFormed(id, prefix: .token))
            #expect(!Identifier.isWellFormed(id, prefix: .user))
        }
        #expect(!Identifier.isWellFormed("to-../..-x", prefix: .token))
    }

    @Test("Hex encodes lower-case, decodes either case, refuses odd lengths and non-hex")
    func hex() {
        #expect(Hex.encode([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(Hex.decode("000fA5Ff") == [0x00, 0x0F, 0xA5, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.sha256("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("Constant-time equality")
    func constantTime() {
        #expect(ConstantTime.equals("secret", "secret"))
        #expect(!ConstantTime.equals("secret", "secreT"))
        #expect(!ConstantTime.equals("secret", "secrets"))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}
