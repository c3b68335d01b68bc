import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// A private key that signs user-action challenges exactly as the Dfns key signers do.
///
/// Reads the PEM forms openssl writes: PKCS#8 (`PRIVATE KEY`) for all three algorithms, SEC1
/// (`EC PRIVATE KEY`) for P-256 and PKCS#1 (`RSA PRIVATE KEY`) for RSA. Used by the Swift SDK, the
/// command line and the tests; the server never holds a credential's private key.
public struct PrivateKey: Sendable {
    /// The key's algorithm.
    public let algorithm: KeyAlgorithm
    private let backing: Backing

    private enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    /// Why a private key could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the user.
        public let description: String
    }

    /// Generates a new key. RSA keys are 3072 bits, the size Dfns now recommends.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        switch algorithm {
        case .ecdsaP256: return PrivateKey(algorithm: .ecdsaP256, backing: .p256(P256.Signing.PrivateKey()))
        case .ed25519: return PrivateKey(algorithm: .ed25519, backing: .ed25519(Curve25519.Signing.PrivateKey()))
        case .rsa:
            return PrivateKey(algorithm: .rsa, backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits3072)))
        }
    }

    private init(algorithm: KeyAlgorithm, backing: Backing) {
        self.algorithm = algorithm
        self.backing = backing
    }

    /// Parses a PEM private key.
    public init(pem: String) throws(ParseError) {
        guard let document = PEM.document(pem) else {
            throw ParseError(description: "not a PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)")
        }
        switch document.discriminator {
        case "EC PRIVATE KEY":
            guard let key = try? P256.Signing.PrivateKey(derRepresentation: document.derBytes) else {
                throw ParseError(description: "EC PRIVATE KEY is not a P-256 key; only P-256 is supported")
            }
            self.init(algorithm: .ecdsaP256, backing: .p256(key))
        case "RSA PRIVATE KEY":
            try self.init(rsaDER: document.derBytes)
        case "PRIVATE KEY":
            try self.init(pkcs8: document.derBytes)
        case "ENCRYPTED PRIVATE KEY":
            throw ParseError(description: "the private key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)")
        case let other:
            throw ParseError(description: "PEM '\(other)' is not a private key")
        }
    }

    private init(rsaDER der: [UInt8]) throws(ParseError) {
        guard let key = try? _RSA.Signing.PrivateKey(derRepresentation: der) else {
            throw ParseError(description: "not a valid RSA private key of at least 2048 bits")
        }
        self.init(algorithm: .rsa, backing: .rsa(key))
    }

    private init(pkcs8 der: [UInt8]) throws(ParseError) {
        let algorithm: ASN1ObjectIdentifier
        let curve: ASN1ObjectIdentifier?
        let privateKey: [UInt8]
        do {
            (algorithm, curve, privateKey) = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                guard let algorithmNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no algorithm") }
                let (algorithm, curve) = try DER.sequence(algorithmNode, identifier: .sequence) { inner in
                    let oid = try ASN1ObjectIdentifier(derEncoded: &inner)
                    var curve: ASN1ObjectIdentifier?
                    if let parameters = inner.next(), parameters.identifier == ASN1ObjectIdentifier.defaultIdentifier {
                        curve = try ASN1ObjectIdentifier(derEncoded: parameters)
                    }
                    return (oid, curve)
                }
                let octets = try ASN1OctetString(derEncoded: &nodes)
                while nodes.next() != nil {}  // optional attributes and public key
                return (algorithm, curve, Array(octets.bytes))
            }
        } catch {
            throw ParseError(description: "not a valid PKCS#8 private key")
        }
        switch algorithm {
        case KeyOID.ed25519:
            // The PKCS#8 privateKey of Ed25519 is itself an OCTET STRING of the 32-byte seed (RFC 8410).
            guard let seed = try? ASN1OctetString(derEncoded: privateKey), seed.bytes.count == 32,
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed.bytes))
            else { throw ParseError(description: "not a valid Ed25519 private key") }
            self.init(algorithm: .ed25519, backing: .ed25519(key))
        case KeyOID.ecPublicKey where curve == KeyOID.p256:
            guard let key = try? P256.Signing.PrivateKey(derRepresentation: der) else {
                throw ParseError(description: "not a valid P-256 private key")
            }
            self.init(algorithm: .ecdsaP256, backing: .p256(key))
        case KeyOID.rsaEncryption:
            try self.init(rsaDER: der)
        default:
            throw ParseError(
                description: "\(KeyOID.name(algorithm: algorithm, curve: curve)) is not supported; use P-256, Ed25519 or RSA"
            )
        }
    }

    /// The private key as PEM that openssl reads: PKCS#8 for P-256 and Ed25519, PKCS#1 for RSA.
    public var pemRepresentation: String {
        switch backing {
        case .p256(let key): return key.pemRepresentation
        case .ed25519(let key):
            let prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
            return PEMDocument(type: "PRIVATE KEY", derBytes: prefix + Array(key.rawRepresentation)).pemString
        case .rsa(let key): return key.pemRepresentation
        }
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        let der: [UInt8]
        switch backing {
        case .p256(let key): der = Array(key.publicKey.derRepresentation)
        case .ed25519(let key): der = SubjectPublicKeyInfo.ed25519DER(Array(key.publicKey.rawRepresentation))
        case .rsa(let key): der = Array(key.publicKey.derRepresentation)
        }
        // The DER comes from a key swift-crypto just produced, so parsing it back cannot fail.
        guard let parsed = try? PublicKey(spki: der) else { preconditionFailure("swift-crypto produced an unreadable public key") }
        return parsed
    }

    /// Signs `message`: ECDSA P-256 with SHA-256 (DER), Ed25519 (64 raw bytes), or RSASSA-PKCS1-v1_5 with SHA-256.
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        switch backing {
        case .p256(let key): return Array(try key.signature(for: message).derRepresentation)
        case .ed25519(let key): return Array(try key.signature(for: message))
        case .rsa(let key): return Array(try key.signature(for: message, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}
