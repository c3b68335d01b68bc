import Foundation
import SignetCore
import SignetStore

extension WriteScenario {
    /// The writes of policies and approvals.
    static let policyWrites: [(String, Write)] = [
        (
            "insertPolicy(_)",
            { store, f in
                try await store.insertPolicy(
                    PolicyRecord(
                        id: f.policyId,
                        orgId: f.orgId,
                        name: "p",
                        activityKind: "Permissions:Assign",
                        rule: #"{"kind":"AlwaysTrigger"}"#,
                        action: #"{"kind":"Block"}"#,
                        filters: nil,
                        createdAt: f.now
                    )
                )
            }
        ),
        (
            "updatePolicy(_)",
            { store, f in
                let policy = PolicyRecord(
                    id: f.policyId,
                    orgId: f.orgId,
                    name: "p2",
                    activityKind: "Permissions:Assign",
                    rule: #"{"kind":"AlwaysTrigger"}"#,
                    action: #"{"kind":"Block"}"#,
                    filters: nil,
                    isActive: false,
                    createdAt: f.now,
                    updatedAt: f.now.addingTimeInterval(1)
                )
                _ = try await store.updatePolicy(policy, basis: f.now.milliseconds)
            }
        ),
        (
            "insertApproval(_)",
            { store, f in
                try await store.insertApproval(
                    ApprovalRecord(id: f.approvalId, orgId: f.orgId, initiatorId: f.userId, activity: "{}", requirement: "{}", basis: nil, expiresAt: nil, createdAt: f.now)
                )
            }
        ),
        (
            "insertDecision(_)",
            { store, f in
                try await store.insertDecision(ApprovalDecisionRow(approvalId: f.approvalId, userId: f.userId, value: "Denied", reason: nil, createdAt: f.now))
            }
        ),
        ("resolveApproval(id)", { store, f in _ = try await store.resolveApproval(id: f.approvalId, status: "Approved", activity: "{}", at: f.now) }),
        ("recordForward(id)", { store, f in _ = try await store.recordForward(id: f.approvalId, activity: "{}", at: f.now) }),
    ]
}
