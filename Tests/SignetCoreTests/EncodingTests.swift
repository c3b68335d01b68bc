import Foundation
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

    @Test("Base64url agrees with Foundation's base64 on random bytes and on random strings, padded or not")
    func base64urlAgreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...70, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let standard = Data(bytes).base64EncodedString()
            let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64URL.encode(bytes) == url.replacingOccurrences(of: "=", with: ""))
            #expect(Base64URL.decode(url) == bytes)
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .")
        for _ in 0..<5000 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
            #expect(Base64URL.decode(text) == Self.referenceDecode(text), "\(text)")
        }
    }

    /// The decoder as it was, over Foundation: what the hand-written one must agree with.
    static func referenceDecode(_ string: String) -> [UInt8]? {
        var body = Substring(string)
        while body.hasSuffix("=") { body = body.dropLast() }
        let padding = string.utf8.count - body.utf8.count
        let urlAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        guard padding <= 2, body.utf8.allSatisfy({ urlAlphabet.contains($0) }) else { return nil }
        let remainder = body.utf8.count % 4
        guard remainder != 1 else { return nil }
        if padding > 0 && (body.utf8.count + padding) % 4 != 0 { return nil }
        var standard = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if remainder > 0 { standard += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: standard).map { Array($0) }
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

    @Test("Identifiers and random bytes use every character and byte value, evenly, at the lengths asked for")
    func randomness() {
        // 5,000 identifiers: 130,000 characters, about 3,611 of each of the 36 (σ ≈ 59); bytes taken
        // modulo 36 without rejection would give four of them 1/7 more (4,062), beyond these bounds.
        var counts = [Character: Int]()
        for _ in 0..<5_000 {
            let id = Identifier.make(.token)
            for character in id.dropFirst(3) where character != "-" { counts[character, default: 0] += 1 }
        }
        #expect(counts.count == 36)
        #expect(counts.values.allSatisfy { (3_300...3_920).contains($0) }, "\(counts.sorted { $0.key < $1.key })")
        let ordered = Identifier.timeOrdered(.webhookEvent, at: Date(timeIntervalSince1970: 1_790_000_000))
        #expect(ordered.wholeMatch(of: /whe-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{16}/) != nil)
        for length in [0, 1, 7, 8, 9, 32, 33] { #expect(Identifier.randomBytes(length).count == length) }
        var byteCounts = [Int](repeating: 0, count: 256)
        for byte in Identifier.randomBytes(256 * 400) { byteCounts[Int(byte)] += 1 }
        #expect(byteCounts.allSatisfy { (280...520).contains($0) }, "every byte value, about 400 times each")
    }

    @Test("A derived identifier stays the same for its seed (login decoys rely on it)")
    func derivedIdentifiers() {
        let seed = Array("signet-derived-identifier-vector".utf8)
        #expect(Identifier.derived(.credential, from: seed) == "cr-8agl3-w9z3i-clpl3o7x99ic455t")
        #expect(Identifier.derived(.credential, from: seed) == Identifier.derived(.credential, from: seed))
        #expect(Identifier.derived(.credential, from: seed + [0]) != Identifier.derived(.credential, from: seed))
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
