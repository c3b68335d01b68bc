package import Foundation

/// A policy. Its rule, action and filters are kept as the JSON of their wire shapes
/// (`PolicyRuleBody`, `PolicyActionBody`, `PolicyFilters`), validated before they are written.
package struct PolicyRecord: StoreRow, Equatable {
    /// `pl-…`.
    package var id: String
    package var orgId: String
    package var name: String
    package var activityKind: String
    package var rule: String
    package var action: String
    package var filters: String?
    /// `false` once archived.
    package var isActive: Bool
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(
        id: String,
        orgId: String,
        name: String,
        activityKind: String,
        rule: String,
        action: String,
        filters: String?,
        isActive: Bool = true,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.activityKind = activityKind
        self.rule = rule
        self.action = action
        self.filters = filters
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    package static let table = StoreTable.policies
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case name
        case activityKind = "activity_kind"
        case rule
        case action
        case filters
        case isActive = "is_active"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// An approval: the held change (`activity`, the JSON of the wire `ApprovalActivity`), the groups
/// it needs (`requirement`, fixed when it was asked for, so a later policy change cannot move the
/// goalposts), and where it stands. `status` changes once, from `Pending`, in the transaction
/// that decides it.
package struct ApprovalRecord: StoreRow, Equatable {
    /// `ap-…`.
    package var id: String
    package var orgId: String
    package var initiatorId: String
    package var status: String
    package var activity: String
    package var requirement: String
    /// Who may decide, for `approverId` filters: ` us-… us-… ` (each id between spaces), with ` * `
    /// when a group admits anyone.
    package var approvers: String
    /// The changed entity's `updated_at` (milliseconds) when the change was asked for: applying
    /// it is refused when the entity changed since.
    package var basis: Int64?
    @OptionalMilliseconds package var expiresAt: Date?
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date
    @OptionalMilliseconds package var resolvedAt: Date?

    package init(
        id: String,
        orgId: String,
        initiatorId: String,
        status: String = "Pending",
        activity: String,
        requirement: String,
        approvers: String = " ",
        basis: Int64?,
        expiresAt: Date?,
        createdAt: Date,
        updatedAt: Date? = nil,
        resolvedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.initiatorId = initiatorId
        self.status = status
        self.activity = activity
        self.requirement = requirement
        self.approvers = approvers
        self.basis = basis
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.resolvedAt = resolvedAt
    }

    package static let table = StoreTable.policyApprovals
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case initiatorId = "initiator_id"
        case status
        case activity
        case requirement
        case approvers
        case basis
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case resolvedAt = "resolved_at"
    }
}

/// One approver's decision on an approval: at most one per approver (the primary key).
package struct ApprovalDecisionRow: StoreRow, Equatable {
    package var approvalId: String
    package var userId: String
    /// `Approved` or `Denied`.
    package var value: String
    package var reason: String?
    @Milliseconds package var createdAt: Date

    package init(approvalId: String, userId: String, value: String, reason: String?, createdAt: Date) {
        self.approvalId = approvalId
        self.userId = userId
        self.value = value
        self.reason = reason
        self.createdAt = createdAt
    }

    package static let table = StoreTable.policyDecisions
    package static let primaryKey = CodingKeys.approvalId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case approvalId = "approval_id"
        case userId = "user_id"
        case value
        case reason
        case createdAt = "created_at"
    }
}
