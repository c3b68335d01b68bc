import Foundation
public import SignetAPI
public import SignetCore

/// Signs user-action and login challenges. Implement it to keep keys in an HSM, a cloud KMS or the
/// Secure Enclave; ``KeySigner`` signs with a PEM private key.
public protocol Signer: Sendable {
    /// Answers `challenge` with a signature by one of the credentials it lists.
    func sign(_ challenge: UserActionChallenge) async throws -> Factor
}

/// A signer that can also sign a Fast Auth request (one request, no challenge from the server): it
/// signs the clientData bytes the client built. Key credentials can; passkeys cannot.
public protocol FastAuthSigner: Signer {
    /// The credential id the server knows the key by.
    var credentialID: String { get }
    /// The signature over `clientData`, and the `algorithm` member to send (`nil` for Ed25519).
    func signFastAuth(_ clientData: [UInt8]) async throws -> (signature: [UInt8], algorithm: String?)
}

/// Signs with a Key credential's private key, exactly as the Dfns key signers do.
public struct KeySigner: FastAuthSigner {
    /// Why a key signer refused to sign.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The challenge does not list this signer's credential, so the server would refuse the signature.
        case credentialNotAllowed(credentialID: String, allowed: [String])

        public var description: String {
            switch self {
            case .credentialNotAllowed(let id, let allowed):
                return "credential \(id) is not among those the challenge allows (\(allowed.joined(separator: ", "))); "
                    + "check the credential id, or whether it was deactivated"
            }
        }
    }

    /// The credential's `credId`.
    public let credentialID: String
    private let privateKey: PrivateKey

    /// A signer for a P-256, Ed25519 or RSA key in any PEM form openssl writes
    /// (PKCS#8, SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`).
    public init(credentialID: String, privateKeyPEM: String) throws {
        self.credentialID = credentialID
        self.privateKey = try PrivateKey(pem: privateKeyPEM)
    }

    /// A signer for a key already in memory.
    public init(credentialID: String, privateKey: PrivateKey) {
        self.credentialID = credentialID
        self.privateKey = privateKey
    }

    /// The algorithm of the key.
    public var algorithm: KeyAlgorithm { privateKey.algorithm }

    public func signFastAuth(_ clientData: [UInt8]) async throws -> (signature: [UInt8], algorithm: String?) {
        (try privateKey.signature(for: clientData), privateKey.algorithm == .ed25519 ? nil : "SHA256")
    }

    public func sign(_ challenge: UserActionChallenge) async throws -> Factor {
        let allowed = challenge.allowCredentials.key.map(\.id)
        guard allowed.contains(credentialID) else { throw Failure.credentialNotAllowed(credentialID: credentialID, allowed: allowed) }
        let clientData = KeyAssertion.clientData(challenge: challenge.challenge)
        return Factor(
            kind: .key,
            credentialAssertion: CredentialAssertion(
                credId: credentialID,
                clientData: Base64URL.encode(clientData),
                signature: Base64URL.encode(try privateKey.signature(for: clientData))
            )
        )
    }
}
