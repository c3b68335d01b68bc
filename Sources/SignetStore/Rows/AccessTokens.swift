package import Foundation
package import SignetAPI
import SignetCore

/// An access token Signet minted: a login session, a PAT or a service account's token.
/// Only the token's SHA-256 is kept, never the token.
package struct AccessTokenRecord: StoreRow, Equatable {
    /// `to-…` for PATs and service accounts, `uj-…` for logins; the JWT's `jti`.
    package var id: String
    package var orgId: String
    package var kind: TokenKind
    /// The user the token acts for (for a service account, its own user).
    package var userId: String
    /// The credential minted with a PAT or service account; `nil` for logins.
    package var credentialUuid: String?
    package var name: String { didSet { nameKey = Self.key(for: name) } }
    /// What makes two names the same: their canonical composition (NFC), so "é" typed either way is
    /// one name. A live PAT's is unique per user (an index), whatever two requests race.
    package private(set) var nameKey: String
    package var externalId: String?
    package var isActive: Bool
    package var isDeleted: Bool
    /// ``TokenDigest/of(_:)`` of the token.
    package var tokenDigest: String
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date
    @Milliseconds package var expiresAt: Date

    package init(
        id: String,
        orgId: String,
        kind: TokenKind,
        userId: String,
        credentialUuid: String?,
        name: String,
        externalId: String? = nil,
        isActive: Bool = true,
        isDeleted: Bool = false,
        tokenDigest: String,
        createdAt: Date,
        updatedAt: Date? = nil,
        expiresAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.kind = kind
        self.userId = userId
        self.credentialUuid = credentialUuid
        self.name = name
        self.nameKey = Self.key(for: name)
        self.externalId = externalId
        self.isActive = isActive
        self.isDeleted = isDeleted
        self.tokenDigest = tokenDigest
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
    }

    /// The uniqueness key of a token name (``nameKey``).
    package static func key(for name: String) -> String { name.precomposedStringWithCanonicalMapping }

    package static let table = StoreTable.accessTokens
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case kind
        case userId = "user_id"
        case credentialUuid = "credential_uuid"
        case name
        case nameKey = "name_key"
        case externalId = "external_id"
        case isActive = "is_active"
        case isDeleted = "is_deleted"
        case tokenDigest = "token_digest"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case expiresAt = "expires_at"
    }
}
