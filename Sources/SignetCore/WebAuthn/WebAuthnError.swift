/// Why a WebAuthn registration or assertion was refused. Each case names the part that failed, so
/// the 400 or 403 it becomes tells the client what to fix.
public enum WebAuthnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is not base64url, or decodes to something other than what it must be.
    case malformed(part: String, reason: String)
    /// The CBOR of a part could not be read.
    case cbor(part: String, CBORError)
    /// `clientData.type` is not the one the step requires.
    case wrongType(expected: String)
    /// `clientData.challenge` is not the issued challenge in either accepted form.
    case wrongChallenge
    /// `clientData.origin` is not an origin configured for the relying party.
    case originNotAllowed(String)
    /// `clientData.crossOrigin` is true.
    case crossOrigin
    /// `authenticatorData.rpIdHash` is not SHA-256 of the relying party id.
    case wrongRelyingParty
    /// A required flag (user present, user verified, attested data) is not set.
    case missingFlag(String)
    /// The credential id in the attested data differs from the one sent.
    case credentialIdMismatch
    /// The credential's algorithm was not offered.
    case algorithmNotOffered(Int)
    /// The COSE key is not one Signet accepts.
    case unsupportedKey(String)
    /// The attestation statement's format is not one Signet verifies.
    case unsupportedAttestation(String)
    /// The attestation statement does not verify.
    case badAttestation(String)
    /// The signature does not verify with the credential's key.
    case badSignature
    /// The authenticator's counter did not increase: the credential may have been cloned.
    case counterNotIncreased(stored: UInt32, received: UInt32)
    /// `userHandle` is not the user's handle.
    case wrongUserHandle
    /// The backup flags contradict WebAuthn (BS without BE) or the credential's stored BE.
    case backupFlags(String)

    public var description: String {
        switch self {
        case .malformed(let part, let reason): return "\(part) is not valid: \(reason)"
        case .cbor(let part, let error): return "\(part) is not valid CBOR: \(error.description)"
        case .wrongType(let expected): return "clientData.type must be \(expected)"
        case .wrongChallenge: return "clientData.challenge is not the challenge issued for this request"
        case .originNotAllowed(let origin): return "clientData.origin \(origin) is not an origin of this relying party"
        case .crossOrigin: return "clientData.crossOrigin is true; cross-origin ceremonies are not accepted"
        case .wrongRelyingParty: return "authenticatorData.rpIdHash is not that of this relying party"
        case .missingFlag(let flag): return "authenticatorData flag \(flag) is not set"
        case .credentialIdMismatch: return "the attested credential id is not credId"
        case .algorithmNotOffered(let alg): return "the credential's algorithm \(alg) was not offered (ES256 -7, EdDSA -8, RS256 -257)"
        case .unsupportedKey(let reason): return "the credential public key is not accepted: \(reason)"
        case .unsupportedAttestation(let format): return "attestation format '\(format)' is not supported (none and packed are)"
        case .badAttestation(let reason): return "the attestation statement does not verify: \(reason)"
        case .badSignature: return "the signature does not verify with the credential's key"
        case .counterNotIncreased(let stored, let received):
            return "the authenticator's signature counter went from \(stored) to \(received): the credential may have been cloned"
        case .wrongUserHandle: return "userHandle is not this user's"
        case .backupFlags(let reason): return "authenticatorData backup flags are not valid: \(reason)"
        }
    }
}
