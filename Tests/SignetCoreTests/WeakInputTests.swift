import Foundation
import Testing

@testable import SignetCore

/// Regression tests for inputs that were accepted although they must not be: weak Ed25519 keys and
/// signatures, canonically equivalent payloads, control and format characters, RSA-PSS in PKCS#1
/// clothing, tokens without a pinned algorithm and key id.
@Suite("Weak and deceptive input")
struct WeakInputTests {
    static let prime: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]

    /// The eight small-order points (both signs of x where x ≠ 0), and non-canonical spellings.
    static var weakPoints: [[UInt8]] {
        let zero = [UInt8](repeating: 0, count: 32)
        let one = [1] + [UInt8](repeating: 0, count: 31)
        let minusOne = [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        let order8a: [UInt8] = [
            0x26, 0xE8, 0x95, 0x8F, 0xC2, 0xB2, 0x27, 0xB0, 0x45, 0xC3, 0xF4, 0x89, 0xF2, 0xEF, 0x98, 0xF0,
            0xD5, 0xDF, 0xAC, 0x05, 0xD3, 0xC6, 0x33, 0x39, 0xB1, 0x38, 0x02, 0x88, 0x6D, 0x53, 0xFC, 0x05,
        ]
        var order8b = order8a
        // p − y of order8a: the other order-8 y.
        var borrow = 0
        for index in 0..<32 {
            let value = Int(prime[index]) - Int(order8a[index]) - borrow
            order8b[index] = UInt8((value + 256) % 256)
            borrow = value < 0 ? 1 : 0
        }
        var pPlusOne = prime
        pPlusOne[0] += 1
        let signed = { (point: [UInt8]) -> [UInt8] in
            var copy = point
            copy[31] |= 0x80
            return copy
        }
        let points = [zero, one, minusOne, order8a, order8b]
        return points + points.map(signed) + [prime, pPlusOne, [UInt8](repeating: 0xFF, count: 32)]
    }

    @Test("Small-order and non-canonical Ed25519 public keys are refused when parsed")
    func weakKeysRefused() {
        for point in Self.weakPoints {
            #expect(throws: KeyParsingError.weakKey) { try PublicKey(spki: SubjectPublicKeyInfo.ed25519DER(point)) }
        }
        // A real key still parses.
        #expect(throws: Never.self) { try PrivateKey.generate(.ed25519).publicKey }
    }

    @Test("The universal forgery (R = identity, S = 0) and a non-reduced S are refused at verification")
    func weakSignaturesRefused() throws {
        let identity = [1] + [UInt8](repeating: 0, count: 31)
        #expect(!Ed25519Encoding.isAcceptableSignature(identity + [UInt8](repeating: 0, count: 32)))
        for point in Self.weakPoints { #expect(!Ed25519Encoding.isAcceptablePoint(point)) }

        let key = try PrivateKey.generate(.ed25519)
        let message = Array("message".utf8)
        let signature = try key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        // S + L verifies under a lax verifier (it is the same scalar mod L): it must not here.
        let order: [UInt8] = [
            0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
        ]
        var malleable = signature
        var carry = 0
        for index in 0..<32 {
            let sum = Int(signature[32 + index]) + Int(order[index]) + carry
            malleable[32 + index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        #expect(!key.publicKey.isValidSignature(malleable, for: message))
    }

    @Test("JSON values are equal only when their Unicode scalars are (no canonical equivalence)")
    func exactJSONEquality() throws {
        let kelvin = try JSONValue(parsing: #"{"name":"sig-\u212A"}"#)
        let plain = try JSONValue(parsing: #"{"name":"sig-K"}"#)
        #expect(kelvin != plain)
        #expect(!SignedPayload.matches(signed: #"{"name":"sig-K"}"#, body: Array(#"{"name":"sig-\u212A"}"#.utf8)))
        #expect(try JSONValue(parsing: #"{"n":"caf\u00e9"}"#) != JSONValue(parsing: #"{"n":"cafe\u0301"}"#))
        #expect(try JSONValue(parsing: #"{"\u212A":1}"#) != JSONValue(parsing: #"{"K":1}"#))
        #expect(try JSONValue(parsing: #"{"a":[1,"x"],"b":null}"#) == JSONValue(parsing: #"{"b":null,"a":[1,"x"]}"#))
        #expect(!ExactText.equals("\u{212A}", "K") && ExactText.equals("K", "K"))
    }

    @Test("Exact equality of two Strings is equality of their bytes: equivalent spellings of one length differ, small and large strings alike")
    func exactStringEquality() {
        // Canonically equivalent (String == says equal), same UTF-8 length, different bytes.
        let (first, second) = ("a\u{301}\u{323}", "a\u{323}\u{301}")
        #expect(first == second && first.utf8.count == second.utf8.count)
        #expect(!ExactText.equals(first, second) && !ExactText.equals(first + String(repeating: "x", count: 40), second + String(repeating: "x", count: 40)))
        let pieces = ["a", "K", "\u{212A}", "é", "e\u{301}", "\u{301}", "\u{323}", "鍵", "", "0123456789abcdef"]
        var state: UInt64 = 5
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<20_000 {
            let left = (0..<(next() % 6)).map { _ in pieces[next() % pieces.count] }.joined()
            let right = next() % 3 == 0 ? left : (0..<(next() % 6)).map { _ in pieces[next() % pieces.count] }.joined()
            #expect(ExactText.equals(left, right) == Array(left.utf8).elementsEqual(Array(right.utf8)), "\(left.unicodeScalars.map(\.value)) \(right.unicodeScalars.map(\.value))")
            #expect(ExactText.equals(left, right) == ExactText.equals(left[...], right[...]))
        }
    }

    @Test("Names refuse control, format (bidi, zero-width) and separator characters, and long byte runs")
    func textRules() {
        for bad in ["a\u{0}b", "\u{1B}[2J", "x\u{7F}", "\u{202E}evil", "a\u{200B}b", "\u{2066}x", "\u{FEFF}x", "a\u{2028}b", "\u{E000}"] {
            #expect(TextRules.forbiddenScalar(in: bad) != nil, "\(bad.unicodeScalars.map(\.value))")
        }
        #expect(TextRules.forbiddenScalar(in: "Zoë's key ✓ 鍵") == nil)
        let heavy = "e" + String(repeating: "\u{301}", count: 9000)
        #expect(heavy.count == 1)
        #expect(throws: TextRules.Violation.tooLong(characters: 100, bytes: 400)) {
            try TextRules.check(heavy, maximumCharacters: 100, maximumBytes: 400)
        }
        #expect(TextRules.escaped("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
    }

    @Test("The ASCII shortcut refuses exactly the scalars the general category does")
    func asciiShortcutMatchesGeneralCategory() throws {
        for value in UInt32(0)...0x7F {
            let scalar = try #require(Unicode.Scalar(value))
            let category = scalar.properties.generalCategory
            let forbidden: [Unicode.GeneralCategory] = [.control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate]
            let byCategory = forbidden.contains(category)
            #expect(TextRules.isForbidden(scalar) == byCategory, "U+\(String(value, radix: 16))")
        }
    }

    @Test("An SPKI (RSA-PSS or any other) inside an RSA PUBLIC KEY label is refused")
    func rsaPublicKeyLabelIsPKCS1Only() throws {
        let spki = try PrivateKey.generate(.rsa).publicKey.canonicalDER
        let pem = PEMDocumentText.wrap(spki, label: "RSA PUBLIC KEY")
        #expect(throws: KeyParsingError.self) { try PublicKey(pem: pem) }
    }
}

/// PEM text for tests.
enum PEMDocumentText {
    static func wrap(_ der: [UInt8], label: String) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }
}
