import Foundation
import SignetAPI
import SignetCore

/// A role ("permission" on the Dfns wire): a named set of operations.
public struct RoleRecord: StoreRow, Equatable {
    /// `pm-…`.
    public var id: String
    public var orgId: String
    public var name: String
    @JSONText public var operations: [String]
    /// Grants every operation, present and future (the managed full-admin role).
    public var grantsAll: Bool
    public var isImmutable: Bool
    public var isArchived: Bool
    @Milliseconds public var createdAt: Date
    @Milliseconds public var updatedAt: Date

    public init(
        id: String, orgId: String, name: String, operations: [String], grantsAll: Bool = false, isImmutable: Bool = false,
        isArchived: Bool = false, createdAt: Date, updatedAt: Date? = nil
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
    public var permissionSet: PermissionSet {
        grantsAll ? .all : PermissionSet(operations: operations)
    }

    public static let table = StoreTable.roles
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
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
public struct AssignmentRecord: StoreRow, Equatable {
    /// `as-…`.
    public var id: String
    public var orgId: String
    public var permissionId: String
    public var identityId: String
    public var isImmutable: Bool
    @Milliseconds public var createdAt: Date
    @Milliseconds public var updatedAt: Date

    public init(
        id: String, orgId: String, permissionId: String, identityId: String, isImmutable: Bool = false, createdAt: Date,
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

    public static let table = StoreTable.assignments
    public static let primaryKey = CodingKeys.id

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case permissionId = "permission_id"
        case identityId = "identity_id"
        case isImmutable = "is_immutable"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
