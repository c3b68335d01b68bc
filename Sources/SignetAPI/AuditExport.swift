/// One record of the audit log as `GET /auth/audit/export` gives it (Signet's): the user action
/// with everything needed to check it offline (`signet audit verify`), in its organisation's chain.
public struct AuditRecord: Codable, Sendable, Equatable {
    /// The credential that signed it, as it was registered.
    public struct Credential: Codable, Sendable, Equatable {
        /// Its Dfns `credId`.
        public var credentialId: String
        /// `Key`, `Fido2`, `PasswordProtectedKey` or `RecoveryKey`.
        public var kind: String
        /// Its public key, PEM.
        public var publicKey: String

        /// Creates a credential entry.
        public init(credentialId: String, kind: String, publicKey: String) {
            self.credentialId = credentialId
            self.kind = kind
            self.publicKey = publicKey
        }
    }

    /// Its place in the organisation's chain, from 1.
    public var index: Int64
    /// `ua-…`.
    public var id: String
    public var orgId: String
    public var userId: String
    public var tokenId: String
    public var tokenKind: String
    public var credentialUuid: String
    /// The challenge it answered (`ch-…`), or `fast-auth:<nonce>` for a Fast Auth request.
    public var challengeId: String
    public var httpMethod: String
    public var httpPath: String
    /// Lower-case hex SHA-256 of the exact request body (the body itself is not exported: it can
    /// hold what only the change's own readers should see).
    public var payloadDigest: String
    /// The signed client data, base64url.
    public var clientData: String
    /// The signature, base64url.
    public var signature: String
    /// For a passkey, the authenticator data it signed, base64url; "" for keys.
    public var authenticatorData: String
    /// Where it could be spent: `signet`, `upstream:<name>` or `verifier`.
    public var audience: String
    /// When it was signed (its challenge answered), Unix milliseconds.
    public var signedAt: Int64
    /// When it was used, Unix milliseconds.
    public var usedAt: Int64
    /// The hash of the record before it (64 zeros for the first), lower-case hex.
    public var previousHash: String
    /// This record's hash (`AuditChain`), lower-case hex.
    public var hash: String
    /// The HTTP status its request ended with (noted afterwards; not covered by the hash).
    public var responseStatus: Int?
    /// The credential that signed it; absent only if its record is gone.
    public var credential: Credential?

    /// Creates a record.
    public init(
        index: Int64, id: String, orgId: String, userId: String, tokenId: String, tokenKind: String, credentialUuid: String,
        challengeId: String, httpMethod: String, httpPath: String, payloadDigest: String, clientData: String, signature: String,
        authenticatorData: String, audience: String, signedAt: Int64, usedAt: Int64, previousHash: String, hash: String,
        responseStatus: Int?, credential: Credential?
    ) {
        self.index = index
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
        self.signedAt = signedAt
        self.usedAt = usedAt
        self.previousHash = previousHash
        self.hash = hash
        self.responseStatus = responseStatus
        self.credential = credential
    }
}

/// `GET /auth/audit/export?paginationToken&limit`: records in chain order, oldest first.
public struct AuditExportPage: Codable, Sendable, Equatable {
    public var items: [AuditRecord]
    /// The token of the next page, absent on the last.
    public var nextPageToken: String?

    /// Creates a page.
    public init(items: [AuditRecord], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}
