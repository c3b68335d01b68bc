import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore

/// Where a write meets the policies: it goes ahead (no policy covers it), is refused (a `Block`
/// policy), or is held as a pending change request with an approval, answered with HTTP 202.
struct PolicyGate: Sendable {
    let store: any SignetStore
    let now: @Sendable () -> Date

    /// What the active policies of `orgId` say about `activity`.
    func outcome(of activity: PolicyActivity, orgId: String) async throws -> PolicyOutcome {
        PolicyOutcome.evaluate(activity, under: try await definitions(orgId: orgId, kind: activity.kind))
    }

    /// What the `Policies:Modify` policies (and `target`'s own groups) say about creating a policy
    /// (`target` nil) or changing or archiving `target`.
    func outcome(ofChangingPolicy target: PolicyRecord?, orgId: String) async throws -> PolicyOutcome {
        let current = try target.map { record in
            guard let definition = PolicyCodec.definition(record) else {
                throw APIError.conflict("policy \(record.id) cannot be read; restore it from a backup before changing it")
            }
            return definition
        }
        return PolicyOutcome.evaluatePolicyChange(of: current, under: try await definitions(orgId: orgId, kind: "Policies:Modify"))
    }

    /// Refuses `what` when a policy covers assigning or revoking any of `permissionIds`: for the
    /// changes Signet cannot hold for approval (a service account created with a role, members
    /// joining or leaving a group that holds it). Reads through `store` (a transaction's, when the
    /// caller holds locks).
    func requireNoneCovered(permissionIds: [String], orgId: String, what: String, store: any SignetStore) async throws {
        let policies = try await definitions(orgId: orgId, kind: "Permissions:Assign", store: store)
        for permissionId in permissionIds {
            switch PolicyOutcome.evaluate(PolicyActivity(kind: "Permissions:Assign", permissionId: permissionId), under: policies) {
            case .notCovered: continue
            case .blocked(let policyIds):
                throw APIError(
                    .forbidden,
                    "\(what) would assign or revoke permission \(permissionId), which policy \(policyIds.joined(separator: ", ")) blocks",
                    details: ["kind": "PolicyBlocked", "policyIds": policyIds.joined(separator: ",")]
                )
            case .approvalRequired(let requirement):
                throw APIError(
                    .conflict,
                    "\(what) would assign or revoke permission \(permissionId), which policy \(requirement.policyIds.joined(separator: ", ")) holds for approval; do it as an assignment (POST /permissions/{id}/assignments or its DELETE), which is held for the approvers",
                    details: ["kind": "PolicyApprovalRequired", "policyIds": requirement.policyIds.joined(separator: ",")]
                )
            }
        }
    }

    /// Refuses to delete a person an active policy names as an approver, or whose deletion would
    /// leave a group of "anyone" with fewer active people than its quorum (the initiator aside):
    /// deletion is for good, and could leave a quorum no one can ever reach (not even to change the
    /// policy).
    func requireNotNamedApprover(_ userId: String, orgId: String) async throws {
        let active = try await store.policies(orgId: orgId, isActive: true, afterId: nil, limit: 10_000)
        var others: Int?
        for record in active {
            guard let definition = PolicyCodec.definition(record), case .requestApproval(let groups, _) = definition.action else { continue }
            if groups.contains(where: { $0.approverIds?.contains { ExactText.equals($0, userId) } ?? false }) {
                throw APIError.conflict(
                    "\(userId) is an approver named in policy \(record.id); change that policy first, so its approvals stay reachable",
                    details: ["kind": "NamedApprover", "policyId": record.id]
                )
            }
            for group in groups where group.approverIds == nil {
                if others == nil { others = try await activePeople(orgId: orgId, besides: userId) }
                let remaining = others ?? 0
                guard remaining >= group.quorum + (group.initiatorCanApprove ? 0 : 1) else {
                    throw APIError.conflict(
                        "deleting \(userId) would leave \(remaining) active people, and policy \(record.id) needs \(group.quorum) approvals from anyone but the initiator; change that policy first",
                        details: ["kind": "ApproversTooFew", "policyId": record.id]
                    )
                }
            }
        }
        let pending = try await store.approvals(
            orgId: orgId,
            status: "Pending",
            initiatorId: nil,
            approverId: userId,
            now: now(),
            afterId: nil,
            limit: 1_000
        )
        if let named = pending.first(where: { $0.approvers.contains(" \(userId) ") }) {
            throw APIError.conflict(
                "\(userId) is an approver named on pending approval \(named.id); let it be decided or expire first",
                details: ["kind": "NamedApprover", "approvalId": named.id]
            )
        }
    }

    /// `nil` when `outcome` lets the change go ahead; otherwise refuses it (blocked, or approvals no
    /// one could give) or holds it and returns the pending change request.
    func hold(_ change: HeldChange, activityKind: String, outcome: PolicyOutcome, caller: Caller) async throws -> ChangeRequest? {
        try refuseBlocked(outcome, activityKind: activityKind)
        switch outcome {
        case .notCovered, .blocked: return nil
        case .approvalRequired(let requirement):
            try await requireReachable(requirement, initiatorId: caller.userId, orgId: caller.orgId)
            return try await insertApproval(change, activityKind: activityKind, requirement: requirement, caller: caller)
        }
    }

    /// The active people of `orgId` but `userId`: who could still approve for a group of "anyone"
    /// (an inactive `userId` counts in neither case, so its deletion changes nothing).
    private func activePeople(orgId: String, besides userId: String) async throws -> Int {
        let people = try await store.users(orgId: orgId, serviceAccounts: false, kind: nil, afterId: nil, limit: 100_000)
        let active = people.filter { $0.isActive && !$0.isDeleted && !$0.isServiceAccount }
        guard active.contains(where: { ExactText.equals($0.id, userId) }) else { return Int.max }
        return active.count - 1
    }

    /// The pending change request of `kind` on `entityId` (the newest), for Dfns'
    /// `pendingChangeRequest`; an approval past its expiry no longer counts.
    func pendingChange(kind: String, entityId: String, orgId: String) async throws -> ChangeRequest? {
        let pending = try await store.approvals(
            orgId: orgId,
            status: "Pending",
            initiatorId: nil,
            approverId: nil,
            now: now(),
            afterId: nil,
            limit: 1_000
        )
        return pending.reversed().lazy.compactMap { try? ApprovalService.activity($0).changeRequest }.first { change in
            ExactText.equals(change.kind, kind) && ExactText.equals(change.entityId, entityId)
        }
    }

    /// Refuses what a `Block` policy covers (403 `PolicyBlocked`).
    func refuseBlocked(_ outcome: PolicyOutcome, activityKind: String) throws {
        guard case .blocked(let policyIds) = outcome else { return }
        throw APIError(
            .forbidden,
            "\(activityKind) is blocked by policy \(policyIds.joined(separator: ", "))",
            details: ["kind": "PolicyBlocked", "policyIds": policyIds.joined(separator: ",")]
        )
    }

    private func insertApproval(
        _ change: HeldChange,
        activityKind: String,
        requirement: ApprovalRequirement,
        caller: Caller
    ) async throws -> ChangeRequest {
        let now = self.now()
        let approvalId = Identifier.make(.approval)
        let request = ChangeRequest(
            id: Identifier.make(.changeRequest),
            requester: ChangeRequester(userId: caller.userId, tokenId: caller.token.id),
            kind: change.kind,
            operationKind: change.operationKind,
            status: "Pending",
            entityId: change.entityId,
            dateCreated: now,
            approvalId: approvalId,
            body: change.body
        )
        let record = ApprovalRecord(
            id: approvalId,
            orgId: caller.orgId,
            initiatorId: caller.userId,
            activity: try PolicyCodec.json(ApprovalActivity(kind: activityKind, changeRequest: request)),
            requirement: try PolicyCodec.json(StoredRequirement(requirement)),
            approvers: Self.approvers(requirement),
            basis: change.basis,
            expiresAt: requirement.expiration(from: now),
            createdAt: now
        )
        // A signed request's audit record, written with this approval, says so from the start.
        DeferredSingleUse.current?.presume(.init(status: 202, outcome: Audited<ChangeRequest>.held(request)))
        try await store.insertApproval(record)
        return request
    }

    /// ` id id … ` of the approvers the groups name, with ` * ` when one admits anyone.
    static func approvers(_ requirement: ApprovalRequirement) -> String {
        let named = requirement.groups.map { $0.group.approverIds ?? ["*"] }.joined()
        return " " + Set(named).sorted().joined(separator: " ") + " "
    }

    /// Refuses to hold a change whose approval no one could give: a group with fewer active people
    /// it admits than its quorum (service accounts never approve).
    private func requireReachable(_ requirement: ApprovalRequirement, initiatorId: String, orgId: String) async throws {
        for entry in requirement.groups {
            let candidates: [UserRecord]
            if let ids = entry.group.approverIds {
                candidates = try await store.users(ids: ids)
            } else {
                candidates = try await store.users(orgId: orgId, serviceAccounts: false, kind: nil, afterId: nil, limit: 1_000)
            }
            let able = candidates.filter { user in
                user.orgId == orgId && user.isActive && !user.isDeleted && !user.isServiceAccount
                    && entry.group.admits(user.id, initiatorId: initiatorId)
            }
            guard able.count >= entry.group.quorum else {
                throw APIError(
                    .conflict,
                    "policy \(entry.policyId) needs \(entry.group.quorum) approvals in group \(entry.group.name ?? "(unnamed)"), and only \(able.count) active people can give them: this change could never be approved",
                    details: ["kind": "ApprovalUnreachable", "policyId": entry.policyId]
                )
            }
        }
    }

    /// The definitions of the active policies of `kind`; one that no longer decodes blocks.
    func definitions(orgId: String, kind: String, store: (any SignetStore)? = nil) async throws -> [PolicyDefinition] {
        try await (store ?? self.store).activePolicies(orgId: orgId, activityKind: kind).map { record in
            PolicyCodec.definition(record) ?? PolicyDefinition(id: record.id, activityKind: kind, action: .block)
        }
    }
}
