import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Between a policy's wire shape, its stored row and the definition ``PolicyOutcome`` evaluates.
enum PolicyCodec {
    /// The definition `request` describes, validated: a clear 400 for anything Signet would not
    /// enforce exactly as written.
    static func definition(_ request: CreatePolicyRequest, id: String, isActive: Bool = true) throws -> PolicyDefinition {
        guard ExactText.equals(request.rule.kind, "AlwaysTrigger") else {
            throw APIError.invalid("rule", "rule.kind must be AlwaysTrigger: the access activities have no other rule")
        }
        guard (request.rule.configuration ?? [:]).isEmpty else {
            throw APIError.invalid("rule", "AlwaysTrigger takes no configuration")
        }
        let definition = PolicyDefinition(
            id: id,
            activityKind: request.activityKind,
            action: try action(request.action),
            filter: try filter(request.filters),
            isActive: isActive
        )
        do { try definition.validate() } catch { throw APIError.invalid(field(of: error), error.description) }
        for group in request.action.approvalGroups ?? [] {
            if let name = group.name { _ = try Validate.name(name, field: "action.approvalGroups.name") }
            for userId in group.approvers.userId?.in ?? [] where !Identifier.isWellFormed(userId, prefix: .user) {
                throw APIError.invalid("action", "approvers.userId.in must list user ids (us-…); \(userId) is not one")
            }
        }
        return definition
    }

    /// The definition a stored policy holds; `nil` when it no longer decodes (the caller fails closed).
    static func definition(_ record: PolicyRecord) -> PolicyDefinition? {
        guard let wire = try? wire(record) else { return nil }
        return try? definition(
            CreatePolicyRequest(name: wire.name, activityKind: wire.activityKind, rule: wire.rule, action: wire.action, filters: wire.filters),
            id: record.id,
            isActive: record.isActive
        )
    }

    /// The row for a policy (new, or `existing` replaced) as `request` describes it.
    static func record(_ request: CreatePolicyRequest, id: String, orgId: String, createdAt: Date, updatedAt: Date) throws -> PolicyRecord {
        PolicyRecord(
            id: id,
            orgId: orgId,
            name: try Validate.name(request.name),
            activityKind: request.activityKind,
            rule: try json(request.rule),
            action: try json(request.action),
            filters: try request.filters.map(json),
            createdAt: createdAt,
            updatedAt: updatedAt
        )
    }

    /// The policy as the API shows it.
    static func wire(_ record: PolicyRecord) throws -> Policy {
        let decoder = JSONDecoder()
        return Policy(
            id: record.id,
            name: record.name,
            status: record.isActive ? "Active" : "Archived",
            activityKind: record.activityKind,
            rule: try decoder.decode(PolicyRuleBody.self, from: Data(record.rule.utf8)),
            action: try decoder.decode(PolicyActionBody.self, from: Data(record.action.utf8)),
            filters: try record.filters.map { try decoder.decode(PolicyFilters.self, from: Data($0.utf8)) },
            dateCreated: record.createdAt,
            dateUpdated: record.updatedAt
        )
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try SignetJSON.encoder().encode(value), as: UTF8.self)
    }

    private static func action(_ body: PolicyActionBody) throws -> PolicyAction {
        switch body.kind {
        case "RequestApproval":
            let groups = (body.approvalGroups ?? []).map { group in
                ApprovalGroup(
                    name: group.name,
                    quorum: group.quorum,
                    approverIds: group.approvers.userId?.in,
                    initiatorCanApprove: group.initiatorCanApprove ?? false
                )
            }
            return .requestApproval(groups: groups, autoRejectTimeout: body.autoRejectTimeout)
        case "Block", "NoAction":
            guard body.approvalGroups == nil, body.autoRejectTimeout == nil else {
                throw APIError.invalid("action", "\(body.kind) takes no approvalGroups or autoRejectTimeout")
            }
            return body.kind == "Block" ? .block : .noAction
        default:
            throw APIError.invalid("action", "action.kind must be RequestApproval or Block")
        }
    }

    private static func filter(_ filters: PolicyFilters?) throws -> PolicyFilter? {
        switch (filters?.permissionId, filters?.policyId) {
        case (nil, nil): return nil
        case (let ids?, nil): return .permissionIds(ids.in)
        case (nil, let ids?): return .policyIds(ids.in)
        case (.some, .some): throw APIError.invalid("filters", "filters may name permissionId or policyId, not both")
        }
    }

    private static func field(of refusal: PolicyRefusal) -> String {
        switch refusal {
        case .unknownActivityKind: "activityKind"
        case .filterKind, .emptyFilter: "filters"
        default: "action"
        }
    }
}
