package import Foundation
import SignetAPI
package import SignetCore

/// A role ("permission" on the Dfns wire): a named set of operations.
package struct RoleRecord: StoreRow, Equatable {
    /// `pm-…`.
    package var id: String
    package var orgId: String
    package var name: String
    @JSONText package var operations: [String]
    /// Grants every operation, present and future (the managed full-admin role).
    package var grantsAll: Bool
    package var isImmutable: Bool
    package var isArchived: Bool
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(
        id: String,
        orgId: String,
        name: String,
        operations: [String],
        grantsAll: Bool = false,
        isImmutable: Bool = false,
        isArchived: Bool = false,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.operations = operations
        self.grantsAll = grantsAll
        self.isImmutable = isImmutable
        self.isArchived = isArchived
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// What the role grants.
    package var permissionSet: PermissionSet {
        grantsAll ? .all : PermissionSet(operations: operations)
    }

    package static let table = StoreTable.roles
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case name
        case operations
        case grantsAll = "grants_all"
        case isImmutable = "is_immutable"
        case isArchived = "is_archived"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A role given to an identity (a user, a service account, or a PAT's token id).
package struct AssignmentRecord: StoreRow, Equatable {
    /// `as-…`.
    package var id: String
    package var orgId: String
    package var permissionId: String
    package var identityId: String
    package var isImmutable: Bool
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(
        id: String,
        orgId: String,
        permissionId: String,
        identityId: String,
        isImmutable: Bool = false,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.permissionId = permissionId
        self.identityId = identityId
        self.isImmutable = isImmutable
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    package static let table = StoreTable.assignments
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case permissionId = "permission_id"
        case identityId = "identity_id"
        case isImmutable = "is_immutable"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
