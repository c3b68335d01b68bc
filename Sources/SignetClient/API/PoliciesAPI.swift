import Foundation
public import SignetAPI

/// `/v2/policies`: Dfns Policies v2 on the changes that govern access. Creating, changing or
/// archiving a policy may itself be held for approval: the call then throws a
/// ``SignetClientError`` of type ``SignetClientError/ErrorType/policyPending`` whose
/// ``SignetClientError/pendingChange`` is the change request.
public struct PoliciesAPI: Sendable {
    let transport: Transport

    /// The policies, all or only `Active` or `Archived` ones.
    public func list(status: String? = nil, limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<Policy> {
        try await transport.send(
            Endpoints.listPolicies,
            query: [("status", status), ("limit", limit.map(String.init)), ("paginationToken", paginationToken)]
        )
    }

    public func get(_ policyId: String) async throws -> Policy {
        try await transport.send(Endpoints.getPolicy, policyId)
    }

    public func create(_ request: CreatePolicyRequest) async throws -> Policy {
        try await transport.send(Endpoints.createPolicy, body: request)
    }

    /// Replaces the policy (it needs the policy's own approvals when it asks for any).
    public func update(_ policyId: String, _ request: CreatePolicyRequest) async throws -> Policy {
        try await transport.send(Endpoints.updatePolicy, policyId, body: request)
    }

    /// Archives the policy (it needs the policy's own approvals when it asks for any).
    public func archive(_ policyId: String) async throws -> Policy {
        try await transport.send(Endpoints.archivePolicy, policyId)
    }
}

/// `/v2/policy-approvals`: changes held by policies, and the decisions on them.
public struct ApprovalsAPI: Sendable {
    let transport: Transport

    /// The approvals, filtered by status (`Pending`, `Approved`, `Denied`, `Expired`), initiator,
    /// or a person who may decide (or has decided) on them.
    public func list(
        status: String? = nil,
        initiatorId: String? = nil,
        approverId: String? = nil,
        limit: Int? = nil,
        paginationToken: String? = nil
    ) async throws -> ListResponse<PolicyApproval> {
        try await transport.send(
            Endpoints.listApprovals,
            query: [
                ("status", status), ("initiatorId", initiatorId), ("approverId", approverId), ("limit", limit.map(String.init)),
                ("paginationToken", paginationToken),
            ]
        )
    }

    public func get(_ approvalId: String) async throws -> PolicyApproval {
        try await transport.send(Endpoints.getApproval, approvalId)
    }

    /// Approves or denies (`Approved`, `Denied`); the decision that meets the last quorum applies the change.
    public func decide(_ approvalId: String, value: String, reason: String? = nil) async throws -> PolicyApproval {
        try await transport.send(Endpoints.decideApproval, approvalId, body: CreateApprovalDecisionRequest(value: value, reason: reason))
    }

    /// Receives the PAT or service account an approved creation made, with its token (shown once):
    /// only its initiator, once (signed).
    public func claim(_ approvalId: String) async throws -> ClaimedToken {
        try await transport.send(Endpoints.claimApproval, approvalId)
    }
}
