package import Foundation

/// Policies, approvals and their decisions.
package protocol PolicyRepository: Sendable {
    func insertPolicy(_ policy: PolicyRecord) async throws
    func policy(id: String) async throws -> PolicyRecord?
    /// An organisation's policies by id, all or only active (`true`) or archived (`false`) ones.
    func policies(orgId: String, isActive: Bool?, afterId: String?, limit: Int) async throws -> [PolicyRecord]
    /// The active policies of an organisation governing `activityKind`.
    func activePolicies(orgId: String, activityKind: String) async throws -> [PolicyRecord]
    /// Writes the policy's name, kind, rule, action, filters, status and update time, only when its
    /// `updated_at` is still `basis` (milliseconds): `false` when it changed meanwhile.
    func updatePolicy(_ policy: PolicyRecord, basis: Int64) async throws -> Bool

    func insertApproval(_ approval: ApprovalRecord) async throws
    func approval(id: String) async throws -> ApprovalRecord?
    /// An organisation's approvals by id, filtered by status (`Pending` ones past their expiry at
    /// `now` count as `Expired`), initiator and approver (a user a group names or admits as
    /// anyone, or who decided on it; a well-formed user id).
    func approvals(orgId: String, status: String?, initiatorId: String?, approverId: String?, now: Date, afterId: String?, limit: Int)
        async throws
        -> [ApprovalRecord]
    /// Moves a pending approval to `status` with its activity as it now stands; `false` when it
    /// was no longer pending (another node resolved it first).
    func resolveApproval(id: String, status: String, activity: String, at date: Date) async throws -> Bool
    /// Replaces an approved approval's activity (a held gateway request's answer, once forwarded);
    /// `false` when it is not approved.
    func recordForward(id: String, activity: String, at date: Date) async throws -> Bool
    /// Records a decision; ``StoreError/conflict(_:)`` when this user has decided already.
    func insertDecision(_ decision: ApprovalDecisionRow) async throws
    /// The decisions on an approval, oldest first.
    func decisions(approvalId: String) async throws -> [ApprovalDecisionRow]
    /// The decisions on each of `approvalIds`, oldest first, in one query.
    func decisions(approvalIds: [String]) async throws -> [ApprovalDecisionRow]
}
