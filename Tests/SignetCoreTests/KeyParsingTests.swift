import Foundation
import SignetTestFixtures
import Testing

@testable import SignetCore

@Suite("Public and private key parsing")
struct KeyParsingTests {
    @Test("Accepted public keys: P-256, Ed25519, RSA 2048 as SPKI and PKCS#1")
    func acceptedKeys() throws {
        #expect(try PublicKey(pem: KeyFixtures.p256Public).algorithm == .ecdsaP256)
        #expect(try PublicKey(pem: KeyFixtures.ed25519Public).algorithm == .ed25519)
        #expect(try PublicKey(pem: KeyFixtures.rsa2048Public).algorithm == .rsa)
        #expect(try PublicKey(pem: KeyFixtures.rsa2048PKCS1Public).algorithm == .rsa)
    }

    @Test("SPKI and PKCS#1 spellings of one RSA key have one fingerprint")
    func sameKeySameFingerprint() throws {
        let spki = try PublicKey(pem: KeyFixtures.rsa2048Public)
        let pkcs1 = try PublicKey(pem: KeyFixtures.rsa2048PKCS1Public)
        #expect(spki.fingerprint == pkcs1.fingerprint)
        #expect(spki.pemRepresentation == pkcs1.pemRepresentation)
        #expect(try PublicKey(pem: KeyFixtures.p256Public).fingerprint != spki.fingerprint)
    }

    @Test("Kept parsed keys: the same text gives the same key; a text equal only under String == is parsed on its own")
    func parsedKeys() throws {
        for pem in [KeyFixtures.p256Public, KeyFixtures.ed25519Public, KeyFixtures.rsa2048PKCS1Public] {
            let first = try PublicKey.parsed(pem: pem)
            #expect(try PublicKey.parsed(pem: pem).canonicalDER == first.canonicalDER)
            #expect(first.canonicalDER == (try PublicKey(pem: pem)).canonicalDER)
            // KELVIN SIGN is canonically equivalent to K: a String-keyed cache would hand back the key.
            let kelvin = pem.replacingOccurrences(of: "KEY", with: "\u{212A}EY")
            #expect(kelvin == pem && Array(kelvin.utf8) != Array(pem.utf8))
            #expect(throws: KeyParsingError.self) { try PublicKey.parsed(pem: kelvin) }
        }
        #expect(throws: KeyParsingError.self) { try PublicKey.parsed(pem: "not a key") }
        #expect(throws: KeyParsingError.self) { try PublicKey.parsed(pem: "not a key") }
    }

    @Test("Literal \\n escapes and CRLF line ends are tolerated")
    func tolerantPEM() throws {
        let escaped = KeyFixtures.ed25519Public.replacingOccurrences(of: "\n", with: "\\n")
        let crlf = KeyFixtures.ed25519Public.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        let expected = try PublicKey(pem: KeyFixtures.ed25519Public).fingerprint
        #expect(try PublicKey(pem: escaped).fingerprint == expected)
        #expect(try PublicKey(pem: crlf).fingerprint == expected)
    }

    @Test("PEM text is normalised as Foundation's replacements and trimming did, over generated spellings")
    func normalisation() throws {
        let key = KeyFixtures.p256Public
        let pieces = [
            "", " ", "\t", "\n", "\r\n", "\r", "\\n", "\\r\\n", "\\r", "\u{0B}", "\u{0C}", "\\", "x", "\u{1C}", "\u{1F}", "\u{00}", "\u{7F}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<3 { text += pieces.randomElement(using: &generator) ?? "" }
            text += key.replacingOccurrences(of: "\n", with: pieces.randomElement(using: &generator) == "x" ? "\r\n" : "\n")
            for _ in 0..<3 { text += pieces.randomElement(using: &generator) ?? "" }
            let foundation = text.replacingOccurrences(of: "\\r\\n", with: "\n").replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Array(PEM.normalized(text).utf8) == Array(foundation.utf8), "\(text.debugDescription)")
        }
        #expect(PEM.normalized(" \t\n ").isEmpty)
    }

    @Test("Refused keys say which keys are accepted")
    func refusedKeys() {
        let cases: [(String, KeyParsingError)] = [
            (KeyFixtures.rsa1024Public, .rsaKeySize(bits: 1024)),
            (KeyFixtures.p384Public, .unsupportedAlgorithm("ECDSA on P-384")),
            (KeyFixtures.secp256k1Public, .unsupportedAlgorithm("ECDSA on secp256k1 (not supported yet)")),
            (KeyFixtures.ed448Public, .unsupportedAlgorithm("Ed448")),
            (KeyFixtures.p256PrivatePKCS8, .privateKeyGiven),
            ("not a key", .notPEM),
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", .malformed("not a valid SubjectPublicKeyInfo")),
        ]
        for (pem, expected) in cases {
            #expect(throws: expected) { try PublicKey(pem: pem) }
            #expect(expected.description.contains("accepted keys are ECDSA P-256, Ed25519, and RSA"))
        }
    }

    @Test("openssl signatures verify (interoperability)")
    func opensslSignatures() throws {
        let message = Array(KeyFixtures.message.utf8)
        let cases = [
            (KeyFixtures.p256Public, KeyFixtures.p256Signature),
            (KeyFixtures.rsa2048Public, KeyFixtures.rsa2048Signature),
            (KeyFixtures.ed25519Public, KeyFixtures.ed25519Signature),
        ]
        for (pem, signature) in cases {
            let key = try PublicKey(pem: pem)
            let bytes = try #require(Base64URL.decode(signature))
            #expect(key.isValidSignature(bytes, for: message))
            #expect(!key.isValidSignature(bytes, for: message + [0x21]))
        }
    }

    @Test("Private keys in every form openssl writes sign what their public key verifies")
    func privateKeyForms() throws {
        let cases: [(String, String, KeyAlgorithm)] = [
            (KeyFixtures.p256PrivateSEC1WithParameters, KeyFixtures.p256Public, .ecdsaP256),
            (KeyFixtures.p256PrivatePKCS8, KeyFixtures.p256Public, .ecdsaP256),
            (KeyFixtures.ed25519Private, KeyFixtures.ed25519Public, .ed25519),
            (KeyFixtures.rsa2048PrivatePKCS8, KeyFixtures.rsa2048Public, .rsa),
            (KeyFixtures.rsa2048PrivatePKCS1, KeyFixtures.rsa2048Public, .rsa),
        ]
        for (privatePEM, publicPEM, algorithm) in cases {
            let privateKey = try PrivateKey(pem: privatePEM)
            #expect(privateKey.algorithm == algorithm)
            let publicKey = try PublicKey(pem: publicPEM)
            #expect(privateKey.publicKey.fingerprint == publicKey.fingerprint)
            let message = Array("challenge".utf8)
            #expect(publicKey.isValidSignature(try privateKey.signature(for: message), for: message))
        }
        #expect(throws: PrivateKey.ParseError.self) { try PrivateKey(pem: KeyFixtures.p384Private) }
        #expect(throws: PrivateKey.ParseError.self) { try PrivateKey(pem: KeyFixtures.p256Public) }
    }

    @Test("Generated keys round-trip through PEM", arguments: KeyAlgorithm.allCases)
    func generatedKeys(algorithm: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let reread = try PrivateKey(pem: key.pemRepresentation)
        #expect(reread.publicKey.fingerprint == key.publicKey.fingerprint)
        let publicKey = try PublicKey(pem: key.publicKey.pemRepresentation)
        let message = Array("m".utf8)
        #expect(publicKey.isValidSignature(try reread.signature(for: message), for: message))
    }
}
