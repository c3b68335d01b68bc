import Foundation

/// `GET /auth/permissions/explain?operation=X[&identityId=ID]` (Signet's addition): whether an
/// identity may perform an operation, and which roles of the user and of the token grant it.
public struct PermissionExplanation: Codable, Sendable, Equatable {
    /// One side of the decision: the user's roles, or a PAT's own roles.
    public struct Side: Codable, Sendable, Equatable {
        /// The user (`us-…`) or PAT (`to-…`).
        public var id: String
        /// Whether this side's roles grant the operation.
        public var allowed: Bool
        /// The roles of this side that grant it.
        public var grantedBy: [PermissionAssignmentInfo]

        public init(id: String, allowed: Bool, grantedBy: [PermissionAssignmentInfo]) {
            self.id = id
            self.allowed = allowed
            self.grantedBy = grantedBy
        }
    }

    public var operation: String
    /// The answer: the user's side, and the token's side for a PAT (user ∩ token).
    public var allowed: Bool
    /// The identity explained: the caller's token, or the `identityId` asked about.
    public var identityId: String
    public var user: Side
    /// A PAT's own roles; absent for people and service accounts, whose tokens have none.
    public var token: Side?
    /// Why not, in words, when not allowed.
    public var reason: String?

    public init(operation: String, allowed: Bool, identityId: String, user: Side, token: Side?, reason: String?) {
        self.operation = operation
        self.allowed = allowed
        self.identityId = identityId
        self.user = user
        self.token = token
        self.reason = reason
    }
}
