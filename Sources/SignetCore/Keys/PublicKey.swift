import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// A credential's public key, parsed and checked, able to verify the signatures the Dfns signers make.
///
/// Two spellings of the same key (SPKI and PKCS#1 for RSA, say) have the same ``canonicalDER`` and
/// ``fingerprint``, so "this key is already registered" cannot be dodged by re-encoding it.
public struct PublicKey: Sendable {
    /// The key's algorithm.
    public let algorithm: KeyAlgorithm
    /// The key as SubjectPublicKeyInfo DER, in one canonical form per key.
    public let canonicalDER: [UInt8]
    private let backing: Backing

    private enum Backing: Sendable {
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    /// The smallest and largest RSA moduli accepted. The upper bound keeps verification cost bounded.
    public static let rsaBits = 2048...8192

    /// Parses a PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    public init(pem: String) throws(KeyParsingError) {
        guard let document = PEM.document(pem) else { throw .notPEM }
        switch document.discriminator {
        case "PUBLIC KEY":
            try self.init(spki: document.derBytes)
        case "RSA PUBLIC KEY":
            // PKCS#1 RSAPublicKey only: SEQUENCE { modulus, publicExponent }. An SPKI inside this
            // label (which could carry RSA-PSS or another algorithm) is refused, not guessed at.
            guard Self.isPKCS1RSAPublicKey(document.derBytes) else {
                throw .malformed("an RSA PUBLIC KEY must be PKCS#1 (modulus and exponent); send other keys as PUBLIC KEY")
            }
            try self.init(rsaDER: document.derBytes)
        case let type where type.contains("PRIVATE KEY"):
            throw .privateKeyGiven
        case let type:
            throw .unexpectedPEMType(type)
        }
    }

    /// Parses SubjectPublicKeyInfo DER.
    public init(spki der: [UInt8]) throws(KeyParsingError) {
        let info: SubjectPublicKeyInfo
        do {
            info = try SubjectPublicKeyInfo(derEncoded: der)
        } catch {
            throw .malformed("not a valid SubjectPublicKeyInfo")
        }
        switch info.algorithm {
        case KeyOID.ecPublicKey where info.curve == KeyOID.p256:
            do {
                let key = try P256.Signing.PublicKey(derRepresentation: der)
                self.init(algorithm: .ecdsaP256, canonicalDER: Array(key.derRepresentation), backing: .p256(key))
            } catch {
                throw .malformed("not a valid P-256 point")
            }
        case KeyOID.ed25519:
            guard info.curve == nil, info.key.count == 32 else { throw .malformed("an Ed25519 key is 32 bytes") }
            guard Ed25519Encoding.isAcceptablePoint(info.key) else { throw .weakKey }
            do {
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: info.key)
                self.init(
                    algorithm: .ed25519,
                    canonicalDER: SubjectPublicKeyInfo.ed25519DER(info.key),
                    backing: .ed25519(key)
                )
            } catch {
                throw .malformed("not a valid Ed25519 key")
            }
        case KeyOID.rsaEncryption:
            try self.init(rsaDER: der)
        default:
            throw .unsupportedAlgorithm(KeyOID.name(algorithm: info.algorithm, curve: info.curve))
        }
    }

    /// Parses an RSA key from SPKI or PKCS#1 DER and checks its size.
    private init(rsaDER der: [UInt8]) throws(KeyParsingError) {
        let key: _RSA.Signing.PublicKey
        do {
            key = try _RSA.Signing.PublicKey(unsafeDERRepresentation: der)
        } catch {
            throw .malformed("not a valid RSA key, or one under 1024 bits")
        }
        guard Self.rsaBits.contains(key.keySizeInBits) else { throw .rsaKeySize(bits: key.keySizeInBits) }
        self.init(algorithm: .rsa, canonicalDER: Array(key.derRepresentation), backing: .rsa(key))
    }

    /// Whether `der` is exactly a PKCS#1 `RSAPublicKey`: a SEQUENCE of two INTEGERs and nothing else.
    private static func isPKCS1RSAPublicKey(_ der: [UInt8]) -> Bool {
        guard let node = try? DER.parse(der) else { return false }
        let isTwoIntegers = try? DER.sequence(node, identifier: .sequence) { nodes -> Bool in
            guard let modulus = nodes.next(), modulus.identifier == .integer, let exponent = nodes.next(),
                exponent.identifier == .integer
            else { return false }
            return nodes.next() == nil
        }
        return isTwoIntegers == true
    }

    private init(algorithm: KeyAlgorithm, canonicalDER: [UInt8], backing: Backing) {
        self.algorithm = algorithm
        self.canonicalDER = canonicalDER
        self.backing = backing
    }

    /// The key as SPKI PEM, the form Signet stores and returns.
    public var pemRepresentation: String {
        PEMDocument(type: "PUBLIC KEY", derBytes: canonicalDER).pemString
    }

    /// `SHA256:<base64>` of the canonical DER; equal for every encoding of the same key.
    public var fingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: canonicalDER)).base64EncodedString()
    }

    /// Verifies `signature` over `message` as the Dfns signers produce it: ECDSA with a DER
    /// signature, pure Ed25519 with 64 raw bytes, RSASSA-PKCS1-v1_5. `digest` applies to ECDSA and
    /// RSA; Ed25519 has no separate digest.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], digest: SignatureDigest = .sha256) -> Bool {
        switch backing {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch digest {
            case .sha256: return key.isValidSignature(parsed, for: SHA256.hash(data: message))
            case .sha384: return key.isValidSignature(parsed, for: SHA384.hash(data: message))
            case .sha512: return key.isValidSignature(parsed, for: SHA512.hash(data: message))
            }
        case .ed25519(let key):
            guard signature.count == 64, Ed25519Encoding.isAcceptablePoint(key.rawRepresentation),
                Ed25519Encoding.isAcceptableSignature(signature)
            else { return false }
            return key.isValidSignature(signature, for: message)
        case .rsa(let key):
            let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch digest {
            case .sha256: return key.isValidSignature(parsed, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
            case .sha384: return key.isValidSignature(parsed, for: SHA384.hash(data: message), padding: .insecurePKCS1v1_5)
            case .sha512: return key.isValidSignature(parsed, for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5)
            }
        }
    }
}
