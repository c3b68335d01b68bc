import Crypto
import Foundation
import SignetAPI
import SignetCore
import Synchronization

/// A passkey authenticator in software (ES256, attestation `none`), for tests: it answers creation
/// options and challenges as a browser with a platform authenticator would, through the Dfns
/// browser signer (the challenge handed over as its UTF-8 bytes) or a mobile one (base64url-decoded).
public final class SoftwareAuthenticator: Sendable {
    /// How the client hands the challenge to the authenticator.
    public enum ChallengeEncoding: Sendable { case browser, mobile }

    public let rpId: String
    public let origin: String
    public let credentialId: [UInt8]
    private let key = P256.Signing.PrivateKey()
    private let counter = Mutex<UInt32>(0)

    public init(rpId: String, origin: String) {
        self.rpId = rpId
        self.origin = origin
        self.credentialId = Identifier.randomBytes(32)
    }

    /// `PublicKeyCredential.id`.
    public var credId: String { Base64URL.encode(credentialId) }

    /// BE (backup eligible) in authenticator data flags.
    public static let backupEligible: UInt8 = 0x08
    /// BS (backed up).
    public static let backedUp: UInt8 = 0x10

    /// `navigator.credentials.create`, as the Dfns signer returns it.
    public func register(
        challenge: String,
        encoding: ChallengeEncoding = .browser,
        userVerified: Bool = true,
        origin: String? = nil,
        backupFlags: UInt8 = 0
    ) -> KeyCredentialInfo {
        let clientData = clientDataJSON(type: "webauthn.create", challenge: challenge, encoding: encoding, origin: origin)
        let x = Array(key.publicKey.x963Representation.dropFirst().prefix(32))
        let y = Array(key.publicKey.x963Representation.suffix(32))
        let coseKey = CBOREncoder.encode(
            .map([
                (key: .unsigned(1), value: .unsigned(2)), (key: .unsigned(3), value: CBOREncoder.int(-7)),
                (key: CBOREncoder.int(-1), value: .unsigned(1)), (key: CBOREncoder.int(-2), value: .bytes(x)),
                (key: CBOREncoder.int(-3), value: .bytes(y)),
            ])
        )
        let flags: UInt8 = 0x41 | (userVerified ? 0x04 : 0) | backupFlags
        let authData =
            rpIdHash + [flags, 0, 0, 0, 0] + Array(repeating: 0, count: 16) + [UInt8(credentialId.count >> 8), UInt8(credentialId.count & 0xff)]
            + credentialId + coseKey
        let attestation = CBOREncoder.encode(
            .map([
                (key: .text("fmt"), value: .text("none")), (key: .text("attStmt"), value: .map([])),
                (key: .text("authData"), value: .bytes(authData)),
            ])
        )
        return KeyCredentialInfo(credId: credId, clientData: Base64URL.encode(clientData), attestationData: Base64URL.encode(attestation))
    }

    /// `navigator.credentials.get`, as the Dfns signer returns it; the counter goes up by one unless `counter` is given.
    public func assert(
        challenge: String,
        userId: String? = nil,
        encoding: ChallengeEncoding = .browser,
        userVerified: Bool = true,
        counter fixed: UInt32? = nil,
        backupFlags: UInt8 = 0,
        rpIdOverride: String? = nil
    ) throws -> CredentialAssertion {
        let clientData = clientDataJSON(type: "webauthn.get", challenge: challenge, encoding: encoding, origin: nil)
        let count =
            fixed
            ?? counter.withLock { value in
                value += 1
                return value
            }
        let flags: UInt8 = 0x01 | (userVerified ? 0x04 : 0) | backupFlags
        let hash = rpIdOverride.map { Array(SHA256.hash(data: Array($0.utf8))) } ?? rpIdHash
        let authData = hash + [flags, UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
        let signature = try key.signature(for: authData + Array(SHA256.hash(data: clientData)))
        return CredentialAssertion(
            credId: credId,
            clientData: Base64URL.encode(clientData),
            signature: Base64URL.encode(signature.derRepresentation),
            authenticatorData: Base64URL.encode(authData),
            userHandle: userId.map { Base64URL.encode($0) }
        )
    }

    private var rpIdHash: [UInt8] { Array(SHA256.hash(data: Array(rpId.utf8))) }

    private func clientDataJSON(type: String, challenge: String, encoding: ChallengeEncoding, origin: String?) -> [UInt8] {
        let encoded = encoding == .browser ? Base64URL.encode(challenge) : challenge
        return Array(#"{"type":"\#(type)","challenge":"\#(encoded)","origin":"\#(origin ?? self.origin)","crossOrigin":false}"#.utf8)
    }
}
