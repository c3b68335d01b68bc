import Foundation
import SignetAPI
import SignetCore

/// An access token Signet minted: a login session, a PAT or a service account's token.
/// Only the token's SHA-256 is kept, never the token.
public struct AccessTokenRecord: StoreRow, Equatable {
    /// `to-…` for PATs and service accounts, `uj-…` for logins; the JWT's `jti`.
    public var id: String
    public var orgId: String
    public var kind: TokenKind
    /// The user the token acts for (for a service account, its own user).
    public var userId: String
    /// The credential minted with a PAT or service account; `nil` for logins.
    public var credentialUuid: String?
    public var name: String
    public var externalId: String?
    public var isActive: Bool
    public var isDeleted: Bool
    /// ``TokenDigest/of(_:)`` of the token.
    public var tokenDigest: String
    @Milliseconds public var createdAt: Date
    @Milliseconds public var updatedAt: Date
    @Milliseconds public var expiresAt: Date

    public init(
        id: String, orgId: String, kind: TokenKind, userId: String, credentialUuid: String?, name: String,
        externalId: String? = nil, isActive: Bool = true, isDeleted: Bool = false, tokenDigest: String, createdAt: Date,
        updatedAt: Date? = nil, expiresAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.kind = kind
        self.userId = userId
        self.credentialUuid = credentialUuid
        self.name = name
        self.externalId = externalId
        self.isActive = isActive
        self.isDeleted = isDeleted
        self.tokenDigest = tokenDigest
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
    }

    public static let table = StoreTable.accessTokens
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case kind
        case userId = "user_id"
        case credentialUuid = "credential_uuid"
        case name
        case externalId = "external_id"
        case isActive = "is_active"
        case isDeleted = "is_deleted"
        case tokenDigest = "token_digest"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case expiresAt = "expires_at"
    }
}
