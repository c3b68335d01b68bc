import Foundation
import SignetAPI
import SignetCore

/// Signs challenges the way the Dfns key signers do.
struct TestSigner: Sendable {
    /// Which SDK's clientData to imitate.
    enum Style: Sendable {
        /// `{"type","challenge","origin","crossOrigin"}`, as Python's `KeySigner`.
        case python
        /// `{"type","challenge"}`, as TypeScript's `AsymmetricKeySigner`.
        case typescript
    }

    let credentialId: String
    let key: PrivateKey

    /// A fresh keypair of `algorithm`; `credentialId` is filled in once the server has assigned one.
    static func generate(_ algorithm: KeyAlgorithm = .ecdsaP256, credentialId: String = "") throws -> TestSigner {
        TestSigner(credentialId: credentialId, key: try PrivateKey.generate(algorithm))
    }

    func with(credentialId: String) -> TestSigner { TestSigner(credentialId: credentialId, key: key) }

    var publicKeyPEM: String { key.publicKey.pemRepresentation }

    func sign(_ challenge: UserActionChallenge, style: Style = .python, type: String = KeyAssertion.getType) throws -> Factor {
        let clientData: [UInt8]
        switch style {
        case .python:
            clientData = Array(
                #"{"type":"\#(type)","challenge":"\#(challenge.challenge)","origin":"https://app.dfns.io","crossOrigin":false}"#
                    .utf8
            )
        case .typescript:
            clientData = KeyAssertion.clientData(type: type, challenge: challenge.challenge)
        }
        return Factor(
            kind: .key,
            credentialAssertion: CredentialAssertion(
                credId: credentialId,
                clientData: Base64URL.encode(clientData),
                signature: Base64URL.encode(try key.signature(for: clientData))
            )
        )
    }
}

/// Someone who can call the API: a bearer token and the key that signs for it.
struct Identity: Sendable {
    let token: String
    let signer: TestSigner
}
