/// The key algorithms Signet accepts for credentials.
public enum KeyAlgorithm: String, Sendable, Codable, CaseIterable {
    /// ECDSA on NIST P-256 (secp256r1) with SHA-256; signatures are ASN.1 DER.
    case ecdsaP256 = "ECDSA-P256"
    /// Pure Ed25519; signatures are the raw 64 bytes.
    case ed25519 = "Ed25519"
    /// RSA of 2048 to 8192 bits, RSASSA-PKCS1-v1_5 with SHA-256; signatures are modulus-length bytes.
    case rsa = "RSA"
}

/// The digest a signature was computed with, from the optional `credentialAssertion.algorithm`
/// hint (Node digest names). Absent means SHA-256, the Dfns default.
public enum SignatureDigest: Sendable, Equatable {
    case sha256
    case sha384
    case sha512

    /// Reads the Dfns `algorithm` hint; `nil` means the hint names no digest Signet supports.
    public init?(hint: String?) {
        switch hint?.uppercased() {
        case nil, "SHA256", "SHA-256", "RSA-SHA256": self = .sha256
        case "SHA384", "SHA-384", "RSA-SHA384": self = .sha384
        case "SHA512", "SHA-512", "RSA-SHA512": self = .sha512
        default: return nil
        }
    }
}

/// Why a public key was refused. Every message says which keys are accepted.
public enum KeyParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a PEM document at all.
    case notPEM
    /// A PEM document that holds a private key: the caller must send the public half.
    case privateKeyGiven
    /// A PEM document of a type other than a public key (a certificate, say).
    case unexpectedPEMType(String)
    /// A public key whose DER could not be read.
    case malformed(String)
    /// A well-formed key of an algorithm or curve Signet does not accept.
    case unsupportedAlgorithm(String)
    /// An RSA key outside the accepted size range.
    case rsaKeySize(bits: Int)
    /// An Ed25519 key of small order or in a non-canonical encoding: signatures "by" it can be forged.
    case weakKey

    static let accepted =
        "accepted keys are ECDSA P-256, Ed25519, and RSA of 2048 to 8192 bits, as PEM "
        + "(-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"

    public var description: String {
        switch self {
        case .notPEM:
            return "publicKey is not a PEM document; \(Self.accepted)"
        case .privateKeyGiven:
            return "publicKey holds a PRIVATE key; never send a private key, send its public key instead; \(Self.accepted)"
        case .unexpectedPEMType(let type):
            return "publicKey is a PEM '\(type)', not a public key; \(Self.accepted)"
        case .malformed(let detail):
            return "publicKey could not be read (\(detail)); \(Self.accepted)"
        case .unsupportedAlgorithm(let name):
            return "publicKey is \(name), which is not accepted; \(Self.accepted)"
        case .rsaKeySize(let bits):
            return "publicKey is an RSA key of \(bits) bits; \(Self.accepted)"
        case .weakKey:
            return "publicKey is a weak Ed25519 key (a point of small order, or a non-canonical encoding) "
                + "whose signatures anyone can forge; generate a new key with openssl genpkey -algorithm ed25519"
        }
    }
}
