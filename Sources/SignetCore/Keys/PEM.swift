import Foundation
import SwiftASN1

/// Reading PEM documents as clients actually send them.
enum PEM {
    /// Parses exactly one PEM document. Tolerates CRLF line ends, surrounding whitespace and the
    /// literal `\n` escapes that JSON-in-shell workflows leave behind (the Dfns public-key pattern
    /// allows them too).
    static func document(_ text: String) -> PEMDocument? {
        // PEM is ASCII (RFC 7468); refusing anything else also keeps its labels from being matched
        // under String's equivalence (`KELVIN SIGN` for `K` in "PUBLIC KEY").
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let cleaned = normalized(text)
        guard cleaned.hasPrefix("-----BEGIN ") else { return nil }
        // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key; it carries nothing we need.
        guard let documents = try? PEMDocument.parseMultiple(pemString: cleaned) else { return nil }
        let keys = documents.filter { $0.discriminator != "EC PARAMETERS" }
        return keys.count == 1 ? keys[0] : nil
    }

    /// `text` (ASCII) with literal `\r\n` and `\n` escapes, CRLF and CR made line feeds, and
    /// surrounding ASCII whitespace (tab, line feed, vertical tab, form feed, carriage return,
    /// space) trimmed. A text without a backslash or a carriage return (the usual PEM) skips the
    /// replacements.
    static func normalized(_ text: String) -> String {
        assert(text.utf8.allSatisfy { $0 < 0x80 }, "PEM.normalized is for ASCII text (document(_:) checks it first)")
        var replaced = text
        if text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\r") }) {
            replaced = text.replacingOccurrences(of: "\\r\\n", with: "\n")
                .replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\r", with: "\n")
        }
        let bytes = Array(replaced.utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

/// Object identifiers Signet recognises, to accept the keys it supports and to name the ones it refuses.
enum KeyOID {
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 2, 1]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ed448: ASN1ObjectIdentifier = [1, 3, 101, 113]
    static let x25519: ASN1ObjectIdentifier = [1, 3, 101, 110]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    static let rsaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10_040, 4, 1]
    static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 3, 1, 7]
    static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let p521: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]
    static let secp256k1: ASN1ObjectIdentifier = [1, 3, 132, 0, 10]

    /// A readable name for an algorithm (and curve) Signet refuses.
    static func name(algorithm: ASN1ObjectIdentifier, curve: ASN1ObjectIdentifier?) -> String {
        switch algorithm {
        case ecPublicKey:
            switch curve {
            case p384: return "ECDSA on P-384"
            case p521: return "ECDSA on P-521"
            case secp256k1: return "ECDSA on secp256k1 (not supported yet)"
            case let other?: return "ECDSA on curve \(other)"
            case nil: return "ECDSA without a named curve"
            }
        case ed448: return "Ed448"
        case x25519: return "X25519 (an encryption key, not a signing key)"
        case rsaPSS: return "RSA-PSS"
        case dsa: return "DSA"
        default: return "an unknown algorithm (\(algorithm))"
        }
    }
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`
struct SubjectPublicKeyInfo {
    var algorithm: ASN1ObjectIdentifier
    /// The curve OID for EC keys, when the parameters are a named curve.
    var curve: ASN1ObjectIdentifier?
    var key: [UInt8]

    init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        (algorithm, curve, key) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let algorithmNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no algorithm") }
            let (algorithm, curve) = try DER.sequence(algorithmNode, identifier: .sequence) { inner in
                let algorithm = try ASN1ObjectIdentifier(derEncoded: &inner)
                var curve: ASN1ObjectIdentifier?
                if let parameters = inner.next(), parameters.identifier == ASN1ObjectIdentifier.defaultIdentifier {
                    curve = try ASN1ObjectIdentifier(derEncoded: parameters)
                }
                return (algorithm, curve)
            }
            let bits = try ASN1BitString(derEncoded: &nodes)
            guard bits.paddingBits == 0 else { throw ASN1Error.invalidASN1Object(reason: "padded key bits") }
            return (algorithm, curve, Array(bits.bytes))
        }
    }

    /// The SPKI DER for an Ed25519 public key: the fixed RFC 8410 prefix and the 32 key bytes.
    static func ed25519DER(_ raw: [UInt8]) -> [UInt8] {
        [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + raw
    }
}
