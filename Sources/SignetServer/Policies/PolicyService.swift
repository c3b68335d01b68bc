import Foundation
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// The answer of a write a policy may hold: done, or held for approval (HTTP 202 with the pending
/// change request, which the Dfns SDKs surface as "policy pending").
enum Governed<Value: Encodable & Sendable>: Sendable {
    case done(Value)
    case held(ChangeRequest)
}

/// `/v2/policies`: creating, changing and archiving policies. Each of these is itself a
/// `Policies:Modify` activity, and changing or archiving a policy that asks for approvals needs its
/// own approvals as well (``PolicyOutcome/evaluatePolicyChange(of:under:)``).
struct PolicyService: Sendable {
    let store: any SignetStore
    let gate: PolicyGate
    let now: @Sendable () -> Date
    /// The operations of the gateway's routes in force (none without a gateway): the activity kinds
    /// a policy may name beyond Dfns' access activities.
    let routeOperations: @Sendable () -> Set<String>

    func list(status: String?, _ pagination: Pagination, caller: Caller) async throws -> ListResponse<Policy> {
        let isActive: Bool?
        switch status {
        case nil: isActive = nil
        case "Active": isActive = true
        case "Archived": isActive = false
        default: throw APIError.invalid("status", "status must be Active or Archived")
        }
        let records = try await store.policies(orgId: caller.orgId, isActive: isActive, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(records, id: \.id)
        return ListResponse(items: try page.items.map(PolicyCodec.wire), nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> Policy {
        try PolicyCodec.wire(try await policy(id, caller: caller))
    }

    func create(_ request: CreatePolicyRequest, caller: Caller) async throws -> Governed<Policy> {
        let id = Identifier.make(.policy)
        try requireServed(try PolicyCodec.definition(request, id: id))
        try await requireApprovers(request, orgId: caller.orgId)
        let now = self.now()
        let record = try PolicyCodec.record(request, id: id, orgId: caller.orgId, createdAt: now, updatedAt: now)
        let wire = try PolicyCodec.wire(record)
        let change = HeldChange(kind: "Policy", operationKind: "Create", entityId: id, body: .policy(wire), basis: nil)
        let outcome = try await gate.outcome(ofChangingPolicy: nil, orgId: caller.orgId)
        if let held = try await gate.hold(change, activityKind: "Policies:Modify", outcome: outcome, caller: caller) { return .held(held) }
        try await store.insertPolicy(record)
        return .done(wire)
    }

    /// Replaces an active policy's name, kind, rule, action and filters.
    func update(_ id: String, _ request: CreatePolicyRequest, caller: Caller) async throws -> Governed<Policy> {
        let current = try await policy(id, caller: caller)
        guard current.isActive else { throw APIError.conflict("policy \(id) is archived; create a new one instead") }
        try requireServed(try PolicyCodec.definition(request, id: id))
        try await requireApprovers(request, orgId: caller.orgId)
        var record = try PolicyCodec.record(request, id: id, orgId: caller.orgId, createdAt: current.createdAt, updatedAt: now())
        record.isActive = true
        return try await change(current, to: record, operationKind: "Update", caller: caller)
    }

    /// Archives a policy (it covers nothing from then on); archiving an archived one changes nothing.
    func archive(_ id: String, caller: Caller) async throws -> Governed<Policy> {
        let current = try await policy(id, caller: caller)
        guard current.isActive else { return .done(try PolicyCodec.wire(current)) }
        var record = current
        record.isActive = false
        record.updatedAt = now()
        return try await change(current, to: record, operationKind: "Delete", caller: caller)
    }

    private func change(_ current: PolicyRecord, to record: PolicyRecord, operationKind: String, caller: Caller) async throws -> Governed<Policy> {
        let wire = try PolicyCodec.wire(record)
        let basis = current.updatedAt.milliseconds
        let change = HeldChange(kind: "Policy", operationKind: operationKind, entityId: current.id, body: .policy(wire), basis: basis)
        let outcome = try await gate.outcome(ofChangingPolicy: current, orgId: caller.orgId)
        if let held = try await gate.hold(change, activityKind: "Policies:Modify", outcome: outcome, caller: caller) { return .held(held) }
        guard try await store.updatePolicy(record, basis: basis) else {
            throw APIError.conflict("policy \(current.id) changed meanwhile; read it again and retry")
        }
        return .done(wire)
    }

    /// A policy on a gateway operation names one a route of the gateway in force serves.
    private func requireServed(_ definition: PolicyDefinition) throws {
        guard !definition.isAccessActivity else { return }
        guard routeOperations().contains(where: { ExactText.equals($0, definition.activityKind) }) else {
            throw APIError.invalid(
                "activityKind",
                "activityKind \(definition.activityKind) is neither one Signet governs (\(PolicyDefinition.accessActivityKinds.union(PolicyDefinition.tokenActivityKinds).sorted().joined(separator: ", "))) nor the operation of a gateway route"
            )
        }
    }

    /// Every approver a policy names must be a person of the organisation.
    private func requireApprovers(_ request: CreatePolicyRequest, orgId: String) async throws {
        let ids = (request.action.approvalGroups ?? []).flatMap { $0.approvers.userId?.in ?? [] }
        guard !ids.isEmpty else { return }
        let people = Set(try await store.users(ids: ids).filter { $0.orgId == orgId && !$0.isDeleted && !$0.isServiceAccount }.map(\.id))
        if let unknown = ids.first(where: { !people.contains($0) }) {
            throw APIError.invalid("action", "approver \(unknown) is not a person of this organisation (service accounts never approve)")
        }
    }

    private func policy(_ id: String, caller: Caller) async throws -> PolicyRecord {
        guard Identifier.isWellFormed(id, prefix: .policy), let record = try await store.policy(id: id), record.orgId == caller.orgId else {
            throw APIError.notFound("policy \(id) not found")
        }
        return record
    }
}
