public import Foundation

/// `GET /auth/whoami` (a Signet extension; Dfns has no equivalent): the caller as the server sees it.
public struct WhoAmI: Codable, Sendable, Equatable {
    public var orgId: String
    /// The user the token acts for (for a service account, the account itself).
    public var userId: String
    public var username: String
    public var userKind: UserKind
    public var isServiceAccount: Bool
    /// The presented token's id (`to-…` or `uj-…`) and kind.
    public var tokenId: String
    public var tokenKind: TokenKind
    public var tokenExpiresAt: Date
    /// The effective permissions of this request: the user's, intersected with a PAT's own.
    public var permissions: [String]
    /// `true` when every operation, present and future, is granted.
    public var allOperations: Bool

    public init(
        orgId: String,
        userId: String,
        username: String,
        userKind: UserKind,
        isServiceAccount: Bool,
        tokenId: String,
        tokenKind: TokenKind,
        tokenExpiresAt: Date,
        permissions: [String],
        allOperations: Bool
    ) {
        self.orgId = orgId
        self.userId = userId
        self.username = username
        self.userKind = userKind
        self.isServiceAccount = isServiceAccount
        self.tokenId = tokenId
        self.tokenKind = tokenKind
        self.tokenExpiresAt = tokenExpiresAt
        self.permissions = permissions
        self.allOperations = allOperations
    }
}
