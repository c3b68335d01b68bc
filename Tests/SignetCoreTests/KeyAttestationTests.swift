import Foundation
import Testing

@testable import SignetCore

@Suite("Key credential attestation")
struct KeyAttestationTests {
    @Test("An attestation made for a challenge verifies and yields the new key", arguments: KeyAlgorithm.allCases)
    func roundTrip(algorithm: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let (clientData, attestation) = try KeyAttestation.make(challenge: "abc", key: key)
        let verified = try KeyAttestation.verify(clientData: clientData, attestationData: attestation, expectedChallenge: "abc")
        #expect(verified.fingerprint == key.publicKey.fingerprint)
        #expect(throws: KeyAttestation.Failure.challengeMismatch) {
            try KeyAttestation.verify(clientData: clientData, attestationData: attestation, expectedChallenge: "abd")
        }
    }

    @Test("The signed text is JSON.stringify's: PEM newlines escaped, slashes not")
    func signedText() {
        let text = String(decoding: KeyAttestation.signedText(clientData: Array("x".utf8), publicKeyPEM: "a/b\n\"c\""), as: UTF8.self)
        #expect(text == #"{"clientDataHash":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881","publicKey":"a/b\n\"c\""}"#)
    }

    @Test("A key that presents one public key but signs with another is refused; so are key.get and garbage")
    func refusals() throws {
        let key = try PrivateKey.generate(.ed25519)
        let other = try PrivateKey.generate(.ed25519)
        let (clientData, _) = try KeyAttestation.make(challenge: "c", key: key)
        let signature = try other.signature(
            for: KeyAttestation.signedText(clientData: Base64URL.decode(clientData)!, publicKeyPEM: key.publicKey.pemRepresentation)
        )
        let hex = signature.map { String(format: "%02x", $0) }.joined()
        let swapped = Base64URL.encode(#"{"publicKey":\#(KeyAttestation.jsonString(key.publicKey.pemRepresentation)),"signature":"\#(hex)"}"#)
        #expect(throws: KeyAttestation.Failure.badSignature) {
            try KeyAttestation.verify(clientData: clientData, attestationData: swapped, expectedChallenge: "c")
        }
        let getData = Base64URL.encode(KeyAssertion.clientData(challenge: "c"))
        #expect(throws: KeyAttestation.Failure.wrongType("key.get")) {
            try KeyAttestation.verify(clientData: getData, attestationData: swapped, expectedChallenge: "c")
        }
        #expect(throws: KeyAttestation.Failure.attestationNotReadable) {
            try KeyAttestation.verify(clientData: clientData, attestationData: "e30", expectedChallenge: "c")
        }
        let notHex = Base64URL.encode(#"{"publicKey":\#(KeyAttestation.jsonString(key.publicKey.pemRepresentation)),"signature":"zz"}"#)
        #expect(throws: KeyAttestation.Failure.signatureNotHex) {
            try KeyAttestation.verify(clientData: clientData, attestationData: notHex, expectedChallenge: "c")
        }
    }
}
