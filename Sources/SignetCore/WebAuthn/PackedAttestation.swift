import Foundation
import SwiftASN1
import X509

/// The `packed` attestation statement format (W3C WebAuthn §8.2): a signature over
/// `authenticatorData ‖ SHA-256(clientDataJSON)`, by an attestation certificate (`x5c`) or by the
/// credential key itself (self attestation).
///
/// Without a metadata service the certificate's chain is not trusted to any root: Signet checks
/// the signature and the W3C leaf requirements, and records which kind of attestation it was.
enum PackedAttestation {
    /// The AAGUID certificate extension (`id-fido-gen-ce-aaguid`).
    static let aaguidExtension: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 45_724, 1, 1, 4]

    /// What is recorded for a certificate-signed statement: exactly what was verified.
    static let certificateAttestation = "packed x5c (certificate not chained to a trusted root)"

    /// Verifies the statement; returns ``certificateAttestation`` or `"packed self"`.
    static func verify(
        _ statement: CBORValue,
        authenticatorData: AuthenticatorData,
        clientDataHash: [UInt8],
        credential: AuthenticatorData.AttestedCredential,
        now: Date
    ) throws(WebAuthnError) -> String {
        guard let alg = statement["alg"]?.intValue, let signature = statement["sig"]?.bytesValue else {
            throw .badAttestation("a packed statement needs alg and sig")
        }
        let signed = authenticatorData.raw + clientDataHash
        guard let chain = statement["x5c"] else {
            guard alg == credential.publicKey.algorithm else {
                throw .badAttestation("a self attestation's alg \(alg) is not the credential's \(credential.publicKey.algorithm)")
            }
            guard credential.publicKey.publicKey.isValidSignature(signature, for: signed) else {
                throw .badAttestation("the self-attestation signature does not verify with the credential key")
            }
            return "packed self"
        }
        guard case .array(let certificates) = chain, let leafBytes = certificates.first?.bytesValue,
            certificates.allSatisfy({ $0.bytesValue != nil })
        else { throw .badAttestation("x5c must be a non-empty array of certificates") }
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: leafBytes)
        } catch {
            throw .badAttestation("the attestation certificate is not valid DER X.509")
        }
        let key: PublicKey
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(leaf.publicKey)
            key = try PublicKey(spki: serializer.serializedBytes)
        } catch let error as KeyParsingError {
            throw .badAttestation("the attestation certificate's key is not accepted: \(error.description)")
        } catch {
            throw .badAttestation("the attestation certificate's key cannot be read")
        }
        guard COSEKey.algorithm(alg, matches: key) else {
            throw .badAttestation("alg \(alg) does not match the attestation certificate's key")
        }
        guard key.isValidSignature(signature, for: signed) else {
            throw .badAttestation("the signature does not verify with the attestation certificate")
        }
        try checkLeaf(leaf, aaguid: credential.aaguid)
        guard leaf.notValidBefore <= now, now <= leaf.notValidAfter else {
            throw .badAttestation("the attestation certificate is not valid now (valid from \(leaf.notValidBefore) to \(leaf.notValidAfter))")
        }
        return certificateAttestation
    }

    /// W3C WebAuthn §8.2.1: version 3; subject C, O, OU "Authenticator Attestation", CN; not a CA;
    /// an AAGUID extension, if present, not critical and equal to the attested AAGUID.
    static func checkLeaf(_ leaf: Certificate, aaguid: [UInt8]) throws(WebAuthnError) {
        guard leaf.version == .v3 else { throw .badAttestation("the attestation certificate is not X.509 version 3") }
        var subject: [ASN1ObjectIdentifier: String] = [:]
        for rdn in leaf.subject {
            for attribute in rdn { subject[attribute.type] = String(attribute.value) ?? "" }
        }
        let country: ASN1ObjectIdentifier = [2, 5, 4, 6]
        let organization: ASN1ObjectIdentifier = [2, 5, 4, 10]
        let unit: ASN1ObjectIdentifier = [2, 5, 4, 11]
        let commonName: ASN1ObjectIdentifier = [2, 5, 4, 3]
        guard subject[country]?.isEmpty == false, subject[organization]?.isEmpty == false, subject[commonName] != nil,
            subject[unit].map({ ExactText.equals($0, "Authenticator Attestation") }) == true
        else { throw .badAttestation("the attestation certificate's subject lacks C, O, OU=Authenticator Attestation or CN") }
        switch try? leaf.extensions.basicConstraints {
        case .isCertificateAuthority?: throw .badAttestation("the attestation certificate is a CA certificate")
        case .notCertificateAuthority?: break
        case nil:
            guard leaf.extensions[oid: .X509ExtensionID.basicConstraints] == nil else {
                throw .badAttestation("the attestation certificate's basic constraints are unreadable")
            }
        }
        if let extensionValue = leaf.extensions[oid: aaguidExtension] {
            guard !extensionValue.critical else { throw .badAttestation("the AAGUID extension must not be critical") }
            guard let inner = try? ASN1OctetString(derEncoded: extensionValue.value), Array(inner.bytes) == aaguid else {
                throw .badAttestation("the certificate's AAGUID is not the attested AAGUID")
            }
        }
    }
}

extension COSEKey {
    /// Whether a COSE algorithm is the one `key` verifies with.
    static func algorithm(_ alg: Int, matches key: PublicKey) -> Bool {
        switch (alg, key.algorithm) {
        case (-7, .ecdsaP256), (-8, .ed25519), (-257, .rsa): return true
        default: return false
        }
    }
}
