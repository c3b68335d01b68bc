public import Foundation

/// A list of ids a policy names (`{ "in": [...] }`).
public struct PolicyIdList: Codable, Sendable, Equatable {
    public var `in`: [String]

    public init(_ ids: [String]) { self.in = ids }
}

/// When a policy triggers: Signet knows `AlwaysTrigger` (with no configuration), the only rule of
/// the access activities.
public struct PolicyRuleBody: Codable, Sendable, Equatable {
    public var kind: String
    public var configuration: [String: String]?

    public init(kind: String = "AlwaysTrigger", configuration: [String: String]? = nil) {
        self.kind = kind
        self.configuration = configuration
    }
}

/// Who may approve in a group: the users named, or (without `userId`) any person of the organisation.
public struct PolicyApprovers: Codable, Sendable, Equatable {
    public var userId: PolicyIdList?

    public init(userId: PolicyIdList? = nil) { self.userId = userId }
}

/// One approval group of a `RequestApproval` action.
public struct PolicyApprovalGroup: Codable, Sendable, Equatable {
    public var name: String?
    /// How many distinct approvers of the group must approve.
    public var quorum: Int
    public var approvers: PolicyApprovers
    /// Whether the person who asked for the change counts towards this group (default `false`).
    public var initiatorCanApprove: Bool?

    public init(name: String? = nil, quorum: Int, approvers: PolicyApprovers = PolicyApprovers(), initiatorCanApprove: Bool? = nil) {
        self.name = name
        self.quorum = quorum
        self.approvers = approvers
        self.initiatorCanApprove = initiatorCanApprove
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        quorum = try container.decode(Int.self, forKey: .quorum)
        approvers = try container.decodeIfPresent(PolicyApprovers.self, forKey: .approvers) ?? PolicyApprovers()
        initiatorCanApprove = try container.decodeIfPresent(Bool.self, forKey: .initiatorCanApprove)
    }

    private enum CodingKeys: String, CodingKey {
        case name, quorum, approvers, initiatorCanApprove
    }
}

/// What a policy does: `RequestApproval` (with its groups and timeout) or `Block`.
public struct PolicyActionBody: Codable, Sendable, Equatable {
    public var kind: String
    public var approvalGroups: [PolicyApprovalGroup]?
    /// Minutes until a pending approval expires; `nil` for never.
    public var autoRejectTimeout: Int?

    public init(kind: String, approvalGroups: [PolicyApprovalGroup]? = nil, autoRejectTimeout: Int? = nil) {
        self.kind = kind
        self.approvalGroups = approvalGroups
        self.autoRejectTimeout = autoRejectTimeout
    }
}

/// Which activities of its kind a policy selects: permissions (`Permissions:*`) or policies (`Policies:Modify`).
public struct PolicyFilters: Codable, Sendable, Equatable {
    public var permissionId: PolicyIdList?
    public var policyId: PolicyIdList?

    public init(permissionId: PolicyIdList? = nil, policyId: PolicyIdList? = nil) {
        self.permissionId = permissionId
        self.policyId = policyId
    }
}

/// `POST /v2/policies` and `PUT /v2/policies/{policyId}` (an update replaces all of it; its status
/// changes only by archiving).
public struct CreatePolicyRequest: Codable, Sendable, Equatable, KnownFields {
    /// 1 to 100 characters.
    public var name: String
    /// `Permissions:Assign`, `Permissions:Modify` or `Policies:Modify`.
    public var activityKind: String
    public var rule: PolicyRuleBody
    public var action: PolicyActionBody
    public var filters: PolicyFilters?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, activityKind, rule, action, filters
    }

    public init(name: String, activityKind: String, rule: PolicyRuleBody = PolicyRuleBody(), action: PolicyActionBody, filters: PolicyFilters? = nil) {
        self.name = name
        self.activityKind = activityKind
        self.rule = rule
        self.action = action
        self.filters = filters
    }
}

/// A policy (Dfns Policies v2).
public struct Policy: Codable, Sendable, Equatable {
    /// `pl-…`.
    public var id: String
    public var name: String
    /// `Active` or `Archived`.
    public var status: String
    public var activityKind: String
    public var rule: PolicyRuleBody
    public var action: PolicyActionBody
    public var filters: PolicyFilters?
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        id: String,
        name: String,
        status: String,
        activityKind: String,
        rule: PolicyRuleBody,
        action: PolicyActionBody,
        filters: PolicyFilters?,
        dateCreated: Date,
        dateUpdated: Date
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.activityKind = activityKind
        self.rule = rule
        self.action = action
        self.filters = filters
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// `POST /v2/policy-approvals/{approvalId}/decisions`.
public struct CreateApprovalDecisionRequest: Codable, Sendable, Equatable, KnownFields {
    /// `Approved` or `Denied`.
    public var value: String
    /// Up to 1,000 characters, kept with the decision.
    public var reason: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case value, reason
    }

    public init(value: String, reason: String? = nil) {
        self.value = value
        self.reason = reason
    }
}
