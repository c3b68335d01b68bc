import Crypto
public import Foundation

/// A passkey registration that passed every check of W3C WebAuthn §7.1: what to store.
public struct VerifiedRegistration: Sendable {
    public let credentialId: [UInt8]
    public let publicKey: COSEKey
    public let aaguid: [UInt8]
    public let signCount: UInt32
    public let userVerified: Bool
    public let backupEligible: Bool
    public let backedUp: Bool
    /// `none`, `packed self` or `packed x5c (certificate not chained to a trusted root)`.
    public let attestation: String
    /// The origin the ceremony ran on.
    public let origin: String
}

/// An assertion that passed every check of W3C WebAuthn §7.2: what to store.
public struct VerifiedAssertion: Sendable, Equatable {
    /// The authenticator's new signature counter.
    public let signCount: UInt32
    /// BS: whether the credential is backed up now (it may change between assertions; BE may not).
    public let backedUp: Bool
}

/// The WebAuthn ceremonies (W3C WebAuthn Level 2 §7.1 and §7.2) applied to the Dfns fields.
public enum WebAuthn {
    /// The largest attestation object accepted.
    public static let maximumAttestationSize = 32 * 1024

    /// Verifies a registration (`navigator.credentials.create`).
    /// - Parameters:
    ///   - credentialId: `credentialInfo.credId`, base64url-decoded.
    ///   - requireUserVerification: whether UV must be set (Signet asks for `required`).
    public static func verifyRegistration(
        clientData clientDataBytes: [UInt8],
        attestationObject: [UInt8],
        credentialId: [UInt8],
        issuedChallenge: String,
        relyingParty: RelyingParty,
        offeredAlgorithms: [Int] = COSEKey.supportedAlgorithms,
        requireUserVerification: Bool = true,
        now: Date = Date()
    ) throws(WebAuthnError) -> VerifiedRegistration {
        let clientData = try CollectedClientData(clientDataBytes)
        try clientData.check(type: "webauthn.create", issuedChallenge: issuedChallenge, relyingParty: relyingParty)
        guard attestationObject.count <= maximumAttestationSize else {
            throw .malformed(part: "attestationData", reason: "longer than \(maximumAttestationSize) bytes")
        }
        let object: CBORValue
        do {
            object = try CBORDecoder.decode(attestationObject)
        } catch {
            throw .cbor(part: "attestationData", error)
        }
        guard let format = object["fmt"]?.textValue, let statement = object["attStmt"], case .map = statement,
            let authDataBytes = object["authData"]?.bytesValue
        else { throw .malformed(part: "attestationData", reason: "fmt, attStmt and authData are required") }
        let authenticatorData = try AuthenticatorData(authDataBytes)
        guard ConstantTime.equals(authenticatorData.rpIdHash, relyingParty.idHash) else { throw .wrongRelyingParty }
        guard authenticatorData.userPresent else { throw .missingFlag("UP (user present)") }
        guard authenticatorData.userVerified || !requireUserVerification else { throw .missingFlag("UV (user verified)") }
        try checkBackupFlags(authenticatorData, storedBackupEligible: nil)
        guard let credential = authenticatorData.attestedCredential else { throw .missingFlag("AT (attested credential data)") }
        guard ConstantTime.equals(credential.credentialId, credentialId) else { throw .credentialIdMismatch }
        guard offeredAlgorithms.contains(credential.publicKey.algorithm) else {
            throw .algorithmNotOffered(credential.publicKey.algorithm)
        }
        let clientDataHash = Array(SHA256.hash(data: clientData.raw))
        let attestation: String
        switch format {
        case "none":
            guard case .map(let entries) = statement, entries.isEmpty else {
                throw .badAttestation("a 'none' attestation must have an empty statement")
            }
            attestation = "none"
        case "packed":
            attestation = try PackedAttestation.verify(
                statement,
                authenticatorData: authenticatorData,
                clientDataHash: clientDataHash,
                credential: credential,
                now: now
            )
        default:
            throw .unsupportedAttestation(format)
        }
        return VerifiedRegistration(
            credentialId: credential.credentialId,
            publicKey: credential.publicKey,
            aaguid: credential.aaguid,
            signCount: authenticatorData.signCount,
            userVerified: authenticatorData.userVerified,
            backupEligible: authenticatorData.backupEligible,
            backedUp: authenticatorData.backedUp,
            attestation: attestation,
            origin: clientData.origin
        )
    }

    /// Verifies an assertion (`navigator.credentials.get`) by a registered credential; returns the
    /// authenticator's new signature counter and backup state, to store.
    /// - Parameters:
    ///   - storedSignCount: the counter stored for the credential.
    ///   - storedBackupEligible: the BE flag stored at registration, which never changes for a credential.
    ///   - userHandle: the assertion's `userHandle`, decoded, if sent; `expectedUserHandle` the user's.
    public static func verifyAssertion(
        clientData clientDataBytes: [UInt8],
        authenticatorData authenticatorDataBytes: [UInt8],
        signature: [UInt8],
        publicKey: PublicKey,
        issuedChallenge: String,
        relyingParty: RelyingParty,
        storedSignCount: UInt32,
        userHandle: [UInt8]?,
        expectedUserHandle: [UInt8],
        storedBackupEligible: Bool? = nil,
        requireUserVerification: Bool = true
    ) throws(WebAuthnError) -> VerifiedAssertion {
        let clientData = try CollectedClientData(clientDataBytes)
        try clientData.check(type: "webauthn.get", issuedChallenge: issuedChallenge, relyingParty: relyingParty)
        let authenticatorData = try AuthenticatorData(authenticatorDataBytes)
        guard authenticatorData.attestedCredential == nil else {
            throw .malformed(part: "authenticatorData", reason: "an assertion carries no attested credential data")
        }
        guard ConstantTime.equals(authenticatorData.rpIdHash, relyingParty.idHash) else { throw .wrongRelyingParty }
        guard authenticatorData.userPresent else { throw .missingFlag("UP (user present)") }
        guard authenticatorData.userVerified || !requireUserVerification else { throw .missingFlag("UV (user verified)") }
        if let userHandle, !ConstantTime.equals(userHandle, expectedUserHandle) { throw .wrongUserHandle }
        try checkBackupFlags(authenticatorData, storedBackupEligible: storedBackupEligible)
        let signed = authenticatorData.raw + Array(SHA256.hash(data: clientData.raw))
        guard publicKey.isValidSignature(signature, for: signed) else { throw .badSignature }
        let received = authenticatorData.signCount
        if received != 0 || storedSignCount != 0, received <= storedSignCount {
            throw .counterNotIncreased(stored: storedSignCount, received: received)
        }
        return VerifiedAssertion(signCount: received, backedUp: authenticatorData.backedUp)
    }

    /// WebAuthn Level 3 §6.1: BS (backed up) may be set only with BE (backup eligible), and BE is
    /// fixed when the credential is made.
    static func checkBackupFlags(_ data: AuthenticatorData, storedBackupEligible: Bool?) throws(WebAuthnError) {
        guard !data.backedUp || data.backupEligible else { throw .backupFlags("BS (backed up) is set without BE (backup eligible)") }
        if let stored = storedBackupEligible, stored != data.backupEligible {
            throw .backupFlags("BE (backup eligible) was \(stored) at registration and is \(data.backupEligible) now; it never changes")
        }
    }
}
