import SignetTestFixtures
import Testing

@testable import SignetCore

@Suite("Key assertions over clientData")
struct KeyAssertionTests {
    let privateKey = try! PrivateKey(pem: KeyFixtures.p256PrivatePKCS8)
    let challenge = "eyJpZCI6ImNoLTEifQ"

    func assertion(_ clientData: String) throws -> (String, String) {
        let bytes = Array(clientData.utf8)
        return (Base64URL.encode(bytes), Base64URL.encode(try privateKey.signature(for: bytes)))
    }

    @Test("The Python, TypeScript and Go clientData shapes are all accepted")
    func sdkShapes() throws {
        let shapes = [
            #"{"type":"key.get","challenge":"\#(challenge)","origin":"https://app.dfns.io","crossOrigin":false}"#,
            #"{"type":"key.get","challenge":"\#(challenge)"}"#,
            #"{"challenge":"\#(challenge)","crossOrigin":false,"type":"key.get"}"#,
        ]
        for shape in shapes {
            let (clientData, signature) = try assertion(shape)
            let verified = try KeyAssertion.verify(
                clientData: clientData,
                signature: signature,
                algorithmHint: nil,
                publicKey: privateKey.publicKey,
                expectedChallenge: challenge
            )
            #expect(verified == Array(shape.utf8))
        }
    }

    @Test("Wrong type, wrong challenge, tampered bytes and bad encodings are refused")
    func refusals() throws {
        let key = privateKey.publicKey
        func verify(_ clientData: String, _ signature: String, hint: String? = nil) throws {
            try KeyAssertion.verify(clientData: clientData, signature: signature, algorithmHint: hint, publicKey: key, expectedChallenge: challenge)
        }
        let (createData, createSignature) = try assertion(#"{"type":"key.create","challenge":"\#(challenge)"}"#)
        #expect(throws: KeyAssertion.Failure.wrongType("key.create")) { try verify(createData, createSignature) }
        let (otherData, otherSignature) = try assertion(#"{"type":"key.get","challenge":"other"}"#)
        #expect(throws: KeyAssertion.Failure.challengeMismatch) { try verify(otherData, otherSignature) }
        // The signature covers the exact bytes: a re-serialised clientData (a space added) fails.
        let (_, signature) = try assertion(#"{"type":"key.get","challenge":"\#(challenge)"}"#)
        let tampered = Base64URL.encode(#"{"type":"key.get", "challenge":"\#(challenge)"}"#)
        #expect(throws: KeyAssertion.Failure.badSignature) { try verify(tampered, signature) }
        #expect(throws: KeyAssertion.Failure.clientDataNotBase64URL) { try verify("a+b/", signature) }
        #expect(throws: KeyAssertion.Failure.unsupportedAlgorithmHint("MD5")) { try verify(createData, signature, hint: "MD5") }
        let (notJSON, notJSONSignature) = try assertion("key.get")
        #expect(throws: KeyAssertion.Failure.clientDataNotJSON) { try verify(notJSON, notJSONSignature) }
    }
}
