import Crypto
import Foundation

/// A new Key credential proving possession of its private key (Dfns "attestation").
///
/// The client builds `clientData = {"type":"key.create","challenge":…}` and signs, with the new
/// private key, the JSON text `{"clientDataHash":"<hex SHA-256 of clientData>","publicKey":"<PEM>"}`.
/// It sends `attestationData = base64url({"publicKey":PEM,"signature":hex,"algorithm"?})`. The
/// server checks the challenge, rebuilds the signed text and verifies it with the new key.
public enum KeyAttestation {
    /// Why an attestation was refused; the messages are safe to return.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case clientDataNotBase64URL
        case clientDataNotJSON
        case wrongType(String?)
        case challengeMismatch
        case attestationNotReadable
        case key(KeyParsingError)
        case signatureNotHex
        case unsupportedAlgorithmHint(String)
        case badSignature

        public var description: String {
            switch self {
            case .clientDataNotBase64URL: return "credentialInfo.clientData is not valid base64url"
            case .clientDataNotJSON: return "credentialInfo.clientData is not a JSON object"
            case .wrongType(let type): return "clientData.type is \(type.map { "'\($0)'" } ?? "missing"), expected '\(KeyAssertion.createType)'"
            case .challengeMismatch: return "clientData.challenge is not the challenge that was issued"
            case .attestationNotReadable:
                return "credentialInfo.attestationData must be base64url of {\"publicKey\", \"signature\" (hex), \"algorithm\"?}"
            case .key(let error): return error.description
            case .signatureNotHex: return "attestationData.signature must be hex"
            case .unsupportedAlgorithmHint(let hint): return "algorithm '\(hint)' is not supported; omit it or use SHA256, SHA384 or SHA512"
            case .badSignature: return "the attestation signature does not verify with the new public key"
            }
        }
    }

    /// Verifies an attestation; returns the new credential's public key.
    public static func verify(
        clientData encodedClientData: String,
        attestationData: String,
        expectedChallenge: String
    )
        throws(Failure) -> PublicKey
    {
        guard let clientData = Base64URL.decode(encodedClientData) else { throw .clientDataNotBase64URL }
        guard let json = try? JSONValue(parsing: clientData), json.objectKeys != nil else { throw .clientDataNotJSON }
        guard json["type"]?.stringValue == KeyAssertion.createType else { throw .wrongType(json["type"]?.stringValue) }
        guard let challenge = json["challenge"]?.stringValue, ConstantTime.equals(challenge, expectedChallenge) else {
            throw .challengeMismatch
        }
        guard let attestationBytes = Base64URL.decode(attestationData),
            let attestation = try? JSONValue(parsing: attestationBytes),
            let pem = attestation["publicKey"]?.stringValue, let signatureHex = attestation["signature"]?.stringValue
        else { throw .attestationNotReadable }
        let publicKey: PublicKey
        do {
            publicKey = try PublicKey(pem: pem)
        } catch {
            throw .key(error)
        }
        guard let signature = Hex.decode(signatureHex) else { throw .signatureNotHex }
        let hint = attestation["algorithm"]?.stringValue
        guard let digest = SignatureDigest(hint: hint) else { throw .unsupportedAlgorithmHint(hint ?? "") }
        let signed = signedText(clientData: clientData, publicKeyPEM: pem)
        guard publicKey.isValidSignature(signature, for: signed, digest: digest) else { throw .badSignature }
        return publicKey
    }

    /// The exact text the new key signs, as `JSON.stringify` writes it.
    public static func signedText(clientData: [UInt8], publicKeyPEM: String) -> [UInt8] {
        let hash = Hex.sha256(clientData)
        return Array(#"{"clientDataHash":"\#(hash)","publicKey":\#(jsonString(publicKeyPEM))}"#.utf8)
    }

    /// Builds `clientData` and `attestationData` for a new key (the client side: SDK, command line, tests).
    public static func make(challenge: String, key: PrivateKey) throws -> (clientData: String, attestationData: String) {
        let clientData = KeyAssertion.clientData(type: KeyAssertion.createType, challenge: challenge)
        let pem = key.publicKey.pemRepresentation
        let signature = try key.signature(for: signedText(clientData: clientData, publicKeyPEM: pem))
        let hex = Hex.encode(signature)
        let attestation = #"{"publicKey":\#(jsonString(pem)),"signature":"\#(hex)"}"#
        return (Base64URL.encode(clientData), Base64URL.encode(attestation))
    }

    /// A JSON string literal as `JSON.stringify` writes it (no escaping of `/` or non-ASCII).
    static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case let control where control.value < 0x20: result += String(format: "\\u%04x", control.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
