package import Foundation
package import SignetAPI
package import SignetCore

/// What an administrator's token inventory is filtered by (every field optional).
package struct TokenInventoryFilter: Sendable, Equatable {
    /// The tokens acting as this user (`us-…`).
    package var userId: String?
    /// `Pat` or `ServiceAccount`; both when `nil`.
    package var kind: TokenKind?
    package enum State: String, Sendable, CaseIterable {
        /// Active and not expired.
        case active
        /// Deactivated (expired or not).
        case inactive
        /// Past its expiry.
        case expired
    }
    package var state: State?
    /// Not expired yet, and expiring at or before this date.
    package var expiringBefore: Date?
    /// Not used since this date: last used before it, or never used.
    package var unusedSince: Date?
    /// Never used at all.
    package var neverUsed = false

    package init() {}
}

/// Every PAT and service-account token of an organisation, for administrators.
package protocol TokenInventoryRepository: Sendable {
    /// The organisation's undeleted PATs and service-account tokens matching `filter` at `date`, by id.
    func inventoryTokens(
        orgId: String,
        filter: TokenInventoryFilter,
        at date: Date,
        afterId: String?,
        limit: Int
    ) async throws
        -> [AccessTokenRecord]
    /// What each identity may do (its roles and its groups' roles, archived ones aside), in one read.
    func permissions(identityIds: [String]) async throws -> [String: PermissionSet]
}
