import Crypto

/// The audit log as a hash chain: each record of an organisation carries the SHA-256 of the record
/// before it, so a record edited, removed or moved after the fact breaks the chain at that point.
///
/// A record's hash covers what was signed and accepted: who (user, token, credential), what
/// (method, path, the SHA-256 of the exact body), the evidence (client data, signature,
/// authenticator data), where it may be spent, when it was signed and used, its place in the chain
/// and the previous hash. The body itself is not needed to check the chain, so an export need not
/// carry it. The response status, noted after the change ran, is not covered.
public enum AuditChain {
    /// The `previous` of an organisation's first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// Tells this hashing apart from any other use of SHA-256 over the same bytes.
    static let domain = "signet-audit-chain/1"

    /// The digest a record's hash covers for its body: lower-case hex SHA-256 of its bytes.
    public static func payloadDigest(_ payload: String) -> String { Hex.sha256(payload.utf8) }

    /// The fields a record's hash covers, in the order they are hashed.
    public struct Entry: Codable, Sendable, Equatable {
        /// `ua-…`.
        public var id: String
        public var orgId: String
        public var userId: String
        public var tokenId: String
        public var tokenKind: String
        public var credentialUuid: String
        public var challengeId: String
        public var httpMethod: String
        public var httpPath: String
        /// Lower-case hex SHA-256 of the exact body received (``payloadDigest(_:)``).
        public var payloadDigest: String
        /// The signed client data, base64url.
        public var clientData: String
        /// The signature, base64url.
        public var signature: String
        /// For a passkey, the authenticator data it signed, base64url; "" for keys.
        public var authenticatorData: String
        public var audience: String
        /// Unix milliseconds.
        public var createdAt: Int64
        /// Unix milliseconds.
        public var usedAt: Int64
        /// Its place in its organisation's chain, from 1.
        public var index: Int64
        /// The hash of the record before it (``genesis`` for the first), lower-case hex.
        public var previous: String

        /// Creates an entry.
        public init(
            id: String, orgId: String, userId: String, tokenId: String, tokenKind: String, credentialUuid: String,
            challengeId: String, httpMethod: String, httpPath: String, payloadDigest: String, clientData: String,
            signature: String, authenticatorData: String, audience: String, createdAt: Int64, usedAt: Int64,
            index: Int64, previous: String
        ) {
            self.id = id
            self.orgId = orgId
            self.userId = userId
            self.tokenId = tokenId
            self.tokenKind = tokenKind
            self.credentialUuid = credentialUuid
            self.challengeId = challengeId
            self.httpMethod = httpMethod
            self.httpPath = httpPath
            self.payloadDigest = payloadDigest
            self.clientData = clientData
            self.signature = signature
            self.authenticatorData = authenticatorData
            self.audience = audience
            self.createdAt = createdAt
            self.usedAt = usedAt
            self.index = index
            self.previous = previous
        }

        /// The record's hash, lower-case hex: SHA-256 over the domain and every field, each as an
        /// 8-byte big-endian length and its UTF-8 bytes (numbers as decimal text), so no two
        /// different records hash the same bytes.
        public var hash: String {
            var hasher = SHA256()
            let fields = [
                AuditChain.domain, id, orgId, userId, tokenId, tokenKind, credentialUuid, challengeId, httpMethod, httpPath,
                payloadDigest, clientData, signature, authenticatorData, audience, String(createdAt), String(usedAt), String(index),
                previous,
            ]
            for field in fields {
                let bytes = Array(field.utf8)
                withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
                hasher.update(data: bytes)
            }
            return Hex.encode(hasher.finalize())
        }
    }
}
