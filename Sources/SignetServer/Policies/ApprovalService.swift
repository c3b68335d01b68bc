import Foundation
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// `/v2/policy-approvals`: held changes and the decisions on them. A decision that meets the last
/// quorum applies the change in the same transaction (``ChangeApplier``); one denial rejects it.
struct ApprovalService: Sendable {
    let store: any SignetStore
    let declaredOperations: DeclaredOperations
    let now: @Sendable () -> Date
    /// What sends an approved gateway request on: the gateway served, if any.
    let forwarding: @Sendable () -> (any HeldRequestForwarding)?
    /// What makes an approved PAT or service account when its initiator claims it.
    let issuers: TokenIssuers

    /// The filters of `GET /v2/policy-approvals`.
    struct Filter: Sendable {
        var status: String?
        var initiatorId: String?
        var approverId: String?

        init(_ request: Request) throws {
            let query = request.uri.queryParameters
            status = query["status"].map(String.init)
            initiatorId = query["initiatorId"].map(String.init)
            approverId = query["approverId"].map(String.init)
            for (field, id) in [("initiatorId", initiatorId), ("approverId", approverId)] {
                if let id, !Identifier.isWellFormed(id, prefix: .user) { throw APIError.invalid(field, "\(field) must be a user id (us-…)") }
            }
            if let status, !["Pending", "Approved", "Denied", "Expired"].contains(status) {
                throw APIError.invalid("status", "status must be Pending, Approved, Denied or Expired")
            }
        }
    }

    func list(_ filter: Filter, _ pagination: Pagination, caller: Caller) async throws -> ListResponse<PolicyApproval> {
        let now = self.now()
        let records = try await store.approvals(
            orgId: caller.orgId,
            status: filter.status,
            initiatorId: filter.initiatorId,
            approverId: filter.approverId,
            now: now,
            afterId: pagination.afterId,
            limit: pagination.fetchLimit
        )
        let page = pagination.page(records, id: \.id)
        let decisions = Dictionary(grouping: try await store.decisions(approvalIds: page.items.map(\.id)), by: \.approvalId)
        let items = try page.items.map { try Self.present($0, decisions: decisions[$0.id] ?? [], now: now) }
        return ListResponse(items: items, nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> PolicyApproval {
        let record = try await approval(id, orgId: caller.orgId, store: store)
        return try Self.present(record, decisions: try await store.decisions(approvalId: record.id), now: now())
    }

    /// Records the caller's decision and, when it settles the approval, resolves it (and applies
    /// the change once approved), all in one transaction under the approval's lock.
    func decide(_ id: String, _ request: CreateApprovalDecisionRequest, caller: Caller) async throws -> PolicyApproval {
        guard let value = ApprovalDecision.Value(rawValue: request.value) else {
            throw APIError.invalid("value", "value must be Approved or Denied")
        }
        if let reason = request.reason { try Validate.text(reason, field: "reason", maximumCharacters: 1_000, maximumBytes: 4_000) }
        guard !caller.user.isServiceAccount else {
            throw APIError.forbidden("service accounts do not decide on approvals: a person must")
        }
        let now = self.now()
        // Under the gateway's declared operations, so a reload cannot drop an operation a role
        // applied here names (as for every role write).
        let decided = try await declaredOperations.changing {
            try await store.transaction { store in
                try await decide(id, value: value, reason: request.reason, caller: caller, store: store, now: now)
            }
        }
        return try await forwardIfApproved(decided)
    }

    /// Sends an approved gateway request on, after the transaction that approved it committed (so
    /// only the node whose transaction moved it out of `Pending` does, once), and keeps the
    /// upstream's answer on the approval. A node that dies meanwhile leaves it `Forwarding`: it is
    /// never sent again (at most once).
    private func forwardIfApproved(_ approval: PolicyApproval) async throws -> PolicyApproval {
        guard approval.status == "Approved", approval.activity.changeRequest.status == "Forwarding",
            case .gatewayRequest(var held) = approval.activity.changeRequest.body,
            let record = try await store.approval(id: approval.id)
        else { return approval }
        var result = approval
        let approvers = approval.decisions.filter { $0.value == "Approved" }.map(\.userId)
        let outcome: HeldForwardOutcome =
            if let forwarding = forwarding() {
                await forwarding.forward(held, approval: record, requester: approval.activity.changeRequest.requester, approvers: approvers)
            } else {
                .failed("no gateway is served now")
            }
        switch outcome {
        case .answered(let response):
            held.response = response
            result.activity.changeRequest.body = .gatewayRequest(held)
            result.activity.changeRequest.status = "Applied"
        case .failed(let reason):
            result.activity.changeRequest.status = "Failed"
            result.activity.changeRequest.failureReason = reason
        }
        let now = self.now()
        result.dateUpdated = now
        _ = try await store.recordForward(id: approval.id, activity: try PolicyCodec.json(result.activity), at: now)
        return result
    }

    private func decide(
        _ id: String,
        value: ApprovalDecision.Value,
        reason: String?,
        caller: Caller,
        store: any SignetStore,
        now: Date
    ) async throws -> PolicyApproval {
        try await store.lock("approval:\(id)")
        let record = try await approval(id, orgId: caller.orgId, store: store)
        var decisions = try await store.decisions(approvalId: record.id)
        let tally = try Self.tally(record)
        let active = try await activeUserIds(decisions.map(\.userId) + [caller.userId], store: store)
        // Met already by the decisions recorded (an approver deactivated, then reactivated, before
        // the expiry): an active approver's approval settles it now, without a new decision.
        if value == .approved, tally.admits(caller.userId), active.contains(caller.userId), record.status == ApprovalStatus.pending.rawValue,
            tally.status(of: decisions.map(Self.decision), activeUserIds: active, now: now) == .approved
        {
            return try Self.present(try await resolve(record, as: .approved, store: store, now: now), decisions: decisions, now: now)
        }
        do throws(ApprovalRefusal) {
            try tally.check(
                value,
                by: caller.userId,
                on: decisions.map(Self.decision),
                activeUserIds: active,
                now: now,
                current: ApprovalStatus(rawValue: record.status) ?? .pending
            )
        } catch let refusal {
            throw Self.refusal(refusal)
        }
        let decision = ApprovalDecisionRow(approvalId: record.id, userId: caller.userId, value: value.rawValue, reason: reason, createdAt: now)
        try await store.insertDecision(decision)
        decisions.append(decision)
        let status = tally.status(of: decisions.map(Self.decision), activeUserIds: active, now: now)
        guard status != .pending else { return try Self.present(record, decisions: decisions, now: now) }
        return try Self.present(try await resolve(record, as: status, store: store, now: now), decisions: decisions, now: now)
    }

    /// Moves the approval out of `Pending` (compare-and-set: exactly once) and applies its change
    /// when approved.
    private func resolve(_ record: ApprovalRecord, as status: ApprovalStatus, store: any SignetStore, now: Date) async throws -> ApprovalRecord {
        var activity = try Self.activity(record)
        if status == .approved, case .gatewayRequest = activity.changeRequest.body, forwarding() == nil {
            // Rolls the decision back: the approval stays pending for a node that can forward it.
            throw APIError(
                .conflict,
                "this approval's request goes to the gateway, which this server does not serve: decide on a node started with --gateway",
                details: ["kind": "GatewayNotServed"]
            )
        }
        switch status {
        case .approved:
            let applied = try await ChangeApplier.apply(
                activity.changeRequest,
                approval: record,
                store: store,
                declared: declaredOperations.current,
                now: now
            )
            if let failure = applied {
                activity.changeRequest.status = "Failed"
                activity.changeRequest.failureReason = failure
            } else if case .gatewayRequest = activity.changeRequest.body {
                activity.changeRequest.status = "Forwarding"
            } else if case .token = activity.changeRequest.body {
                activity.changeRequest.status = "Claimable"
            } else {
                activity.changeRequest.status = "Applied"
            }
        default: activity.changeRequest.status = "Rejected"
        }
        activity.changeRequest.dateResolved = now
        var resolved = record
        resolved.status = status.rawValue
        resolved.activity = try PolicyCodec.json(activity)
        resolved.updatedAt = now
        resolved.resolvedAt = now
        guard try await store.resolveApproval(id: record.id, status: status.rawValue, activity: resolved.activity, at: now) else {
            throw APIError.conflict("approval \(record.id) was resolved meanwhile")
        }
        return resolved
    }

    func approval(_ id: String, orgId: String, store: any SignetStore) async throws -> ApprovalRecord {
        guard Identifier.isWellFormed(id, prefix: .approval), let record = try await store.approval(id: id), record.orgId == orgId else {
            throw APIError.notFound("approval \(id) not found")
        }
        return record
    }

    /// The active people among `userIds` (service accounts never count).
    private func activeUserIds(_ userIds: [String], store: any SignetStore) async throws -> Set<String> {
        Set(try await store.users(ids: userIds).filter { $0.isActive && !$0.isDeleted && !$0.isServiceAccount }.map(\.id))
    }

    static func tally(_ record: ApprovalRecord) throws -> ApprovalTally {
        let stored = try JSONDecoder().decode(StoredRequirement.self, from: Data(record.requirement.utf8))
        return ApprovalTally(requirement: stored.requirement, initiatorId: record.initiatorId, expiresAt: record.expiresAt)
    }

    static func activity(_ record: ApprovalRecord) throws -> ApprovalActivity {
        try SignetRequestContext.decoder.decode(ApprovalActivity.self, from: Data(record.activity.utf8))
    }

    static func decision(_ row: ApprovalDecisionRow) -> ApprovalDecision {
        ApprovalDecision(userId: row.userId, value: ApprovalDecision.Value(rawValue: row.value) ?? .denied, date: row.createdAt)
    }

    private static func refusal(_ refusal: ApprovalRefusal) -> APIError {
        switch refusal {
        case .notPending, .alreadyDecided: APIError(.conflict, refusal.description, details: ["kind": "DecisionRefused"])
        case .initiatorCannotApprove, .notAnApprover, .inactive: APIError(.forbidden, refusal.description, details: ["kind": "DecisionRefused"])
        }
    }

    /// The approval as the API shows it; a pending one past its expiry shows as `Expired`.
    static func present(_ record: ApprovalRecord, decisions: [ApprovalDecisionRow], now: Date) throws -> PolicyApproval {
        var activity = try activity(record)
        var status = record.status
        if status == "Pending", let expiresAt = record.expiresAt, now >= expiresAt {
            status = "Expired"
            activity.changeRequest.status = "Rejected"
        }
        let stored = try JSONDecoder().decode(StoredRequirement.self, from: Data(record.requirement.utf8))
        return PolicyApproval(
            id: record.id,
            initiatorId: record.initiatorId,
            activity: activity,
            status: status,
            expirationDate: record.expiresAt,
            dateCreated: record.createdAt,
            dateUpdated: record.updatedAt,
            dateResolved: record.resolvedAt ?? (status == "Expired" ? record.expiresAt : nil),
            policyEvaluations: stored.policyIds.map { PolicyEvaluationResult(policyId: $0, triggered: true, reason: "AlwaysTrigger") },
            decisions: decisions.map { PolicyApprovalDecision(userId: $0.userId, date: $0.createdAt, value: $0.value, reason: $0.reason) }
        )
    }
}
