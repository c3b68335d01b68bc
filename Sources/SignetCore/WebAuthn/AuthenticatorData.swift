/// The authenticator data of a WebAuthn response (W3C WebAuthn §6.1): what the authenticator
/// signed about itself, parsed strictly. Every signature covers these bytes exactly as received.
public struct AuthenticatorData: Sendable {
    /// The bytes as received.
    public let raw: [UInt8]
    /// SHA-256 of the relying party id the authenticator used.
    public let rpIdHash: [UInt8]
    public let flags: UInt8
    public let signCount: UInt32
    /// Present when the AT flag is set (registration).
    public let attestedCredential: AttestedCredential?
    /// The extension outputs, when the ED flag is set.
    public let extensions: CBORValue?

    /// A new credential's attested data.
    public struct AttestedCredential: Sendable {
        public let aaguid: [UInt8]
        public let credentialId: [UInt8]
        public let publicKey: COSEKey
    }

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }
    /// Backup eligible.
    public var backupEligible: Bool { flags & 0x08 != 0 }
    /// Backed up (synced passkey).
    public var backedUp: Bool { flags & 0x10 != 0 }

    /// The longest authenticator data accepted (a credential id is at most 1023 bytes, an RSA key
    /// about 1 KB, extensions small).
    public static let maximumSize = 16 * 1024

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        let part = "authenticatorData"
        guard bytes.count >= 37 else { throw .malformed(part: part, reason: "shorter than 37 bytes") }
        guard bytes.count <= Self.maximumSize else { throw .malformed(part: part, reason: "longer than \(Self.maximumSize) bytes") }
        raw = bytes
        rpIdHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var offset = 37
        if flags & 0x40 != 0 {
            guard bytes.count >= offset + 18 else { throw .malformed(part: part, reason: "the attested credential data is cut short") }
            let aaguid = Array(bytes[offset..<offset + 16])
            let idLength = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
            offset += 18
            guard idLength > 0, idLength <= 1023, bytes.count >= offset + idLength else {
                throw .malformed(part: part, reason: "the credential id length is out of range")
            }
            let credentialId = Array(bytes[offset..<offset + idLength])
            offset += idLength
            let key: CBORValue
            do {
                (key, offset) = try CBORDecoder.decodePrefix(bytes, from: offset)
            } catch {
                throw .cbor(part: "authenticatorData.credentialPublicKey", error)
            }
            attestedCredential = AttestedCredential(aaguid: aaguid, credentialId: credentialId, publicKey: try COSEKey(key))
        } else {
            attestedCredential = nil
        }
        if flags & 0x80 != 0 {
            do {
                let (value, end) = try CBORDecoder.decodePrefix(bytes, from: offset)
                guard case .map = value else { throw WebAuthnError.malformed(part: part, reason: "extensions are not a map") }
                extensions = value
                offset = end
            } catch let error as CBORError {
                throw .cbor(part: "authenticatorData.extensions", error)
            } catch let error as WebAuthnError {
                throw error
            } catch {
                throw .malformed(part: part, reason: "unreadable extensions")
            }
        } else {
            extensions = nil
        }
        guard offset == bytes.count else { throw .malformed(part: part, reason: "bytes follow the data its flags announce") }
    }
}
