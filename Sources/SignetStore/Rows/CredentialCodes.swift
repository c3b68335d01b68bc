package import Foundation

/// A one-time code with which a person adds a credential from another device
/// (`POST /auth/credentials/code`), kept only as its digest until used or expired.
package struct CredentialCodeRow: StoreRow, Equatable {
    /// SHA-256 of the code (``SignetCore/TokenDigest``): the code itself is never stored.
    package var digest: String
    package var orgId: String
    package var userId: String
    /// The login session that asked for it: the code works only while that session does.
    package var tokenId: String
    @Milliseconds package var expiresAt: Date
    @OptionalMilliseconds package var usedAt: Date?
    @Milliseconds package var createdAt: Date

    package init(digest: String, orgId: String, userId: String, tokenId: String, expiresAt: Date, usedAt: Date? = nil, createdAt: Date) {
        self.digest = digest
        self.orgId = orgId
        self.userId = userId
        self.tokenId = tokenId
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.createdAt = createdAt
    }

    package static let table = StoreTable.credentialCodes
    package static let primaryKey = CodingKeys.digest

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case digest
        case orgId = "org_id"
        case userId = "user_id"
        case tokenId = "token_id"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case createdAt = "created_at"
    }
}
