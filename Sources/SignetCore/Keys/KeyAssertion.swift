/// Checking a Key credential's answer to a challenge, and building one (the client side).
///
/// The signer signs the exact bytes of `clientData`, a JSON object such as
/// `{"type":"key.get","challenge":"…","origin":"…","crossOrigin":false}`, and sends both base64url
/// encoded. The server verifies the signature over those decoded bytes first, and only then reads
/// them as JSON, requiring the expected `type` and the issued `challenge`. `origin` and
/// `crossOrigin` are ignored for Key credentials, as every Dfns SDK fills them differently.
public enum KeyAssertion {
    /// The `type` a signer puts in `clientData` to answer a login or user-action challenge.
    public static let getType = "key.get"
    /// The `type` in `clientData` when a new Key credential attests to its key.
    public static let createType = "key.create"

    /// Why an assertion was refused. The messages are safe to return to the caller.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case clientDataNotBase64URL
        case signatureNotBase64URL
        case unsupportedAlgorithmHint(String)
        case badSignature
        case clientDataNotJSON
        case wrongType(String?)
        case challengeMismatch

        public var description: String {
            switch self {
            case .clientDataNotBase64URL: return "clientData is not valid base64url"
            case .signatureNotBase64URL: return "signature is not valid base64url"
            case .unsupportedAlgorithmHint(let hint):
                return "algorithm '\(hint)' is not supported; omit it or use SHA256, SHA384 or SHA512"
            case .badSignature: return "the signature does not verify with the credential's public key"
            case .clientDataNotJSON: return "clientData is not a JSON object"
            case .wrongType(let type): return "clientData.type is \(type.map { "'\($0)'" } ?? "missing"), expected '\(KeyAssertion.getType)'"
            case .challengeMismatch: return "clientData.challenge is not the challenge that was issued"
            }
        }
    }

    /// Verifies a base64url `signature` over base64url `clientData` with `publicKey`, then checks
    /// that `clientData` is JSON with `type == expectedType` and `challenge == expectedChallenge`.
    /// Returns the decoded `clientData` bytes (kept as evidence in the audit log).
    @discardableResult
    public static func verify(
        clientData encodedClientData: String,
        signature encodedSignature: String,
        algorithmHint: String?,
        publicKey: PublicKey,
        expectedType: String = getType,
        expectedChallenge: String
    ) throws(Failure) -> [UInt8] {
        guard let clientData = Base64URL.decode(encodedClientData) else { throw .clientDataNotBase64URL }
        guard let signature = Base64URL.decode(encodedSignature) else { throw .signatureNotBase64URL }
        guard let digest = SignatureDigest(hint: algorithmHint) else { throw .unsupportedAlgorithmHint(algorithmHint ?? "") }
        guard publicKey.isValidSignature(signature, for: clientData, digest: digest) else { throw .badSignature }
        guard let json = try? JSONValue(parsing: clientData), json.objectKeys != nil else { throw .clientDataNotJSON }
        guard let type = json["type"]?.stringValue, ExactText.equals(type, expectedType) else { throw .wrongType(json["type"]?.stringValue) }
        guard let challenge = json["challenge"]?.stringValue,
            ConstantTime.equals(challenge, expectedChallenge)
        else { throw .challengeMismatch }
        return clientData
    }

    /// The `clientData` bytes a key signer signs, in the form of the TypeScript key signer:
    /// `{"type":"key.get","challenge":"…"}`. The challenge is a base64url string, so it needs no escaping.
    public static func clientData(type: String = getType, challenge: String) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)"}"#.utf8)
    }
}
