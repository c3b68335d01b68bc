import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetStore

extension MatrixFixtures {
    /// A policy that governs nothing the other rows do: it blocks changes to a permission that does
    /// not exist.
    static func harmlessPolicy(_ name: String) -> CreatePolicyRequest {
        CreatePolicyRequest(
            name: name,
            activityKind: "Permissions:Modify",
            action: PolicyActionBody(kind: "Block"),
            filters: PolicyFilters(permissionId: PolicyIdList([Identifier.make(.permission)]))
        )
    }

    /// The bodies of the policy routes.
    func policyBody(for route: String, unique: String) throws -> String? {
        switch route {
        case "POST /v2/policies", "PUT /v2/policies/{policy}": try api.json(Self.harmlessPolicy("matrix-\(unique)"))
        case "POST /v2/policy-approvals/{approval}/decisions": try api.json(CreateApprovalDecisionRequest(value: "Denied"))
        default: nil
        }
    }

    /// Replaces `{policy}` with a fresh harmless policy, and `{approval}` with a fresh approval
    /// asked for by another person, which anyone may decide.
    func fillPolicies(_ template: String) async throws -> String {
        var path = template
        if path.contains("{policy}") {
            let reply = try await api.signed(.post, "/v2/policies", as: admin, body: try api.json(Self.harmlessPolicy("fixture")))
            path = path.replacingOccurrences(of: "{policy}", with: try reply.decode(Policy.self).id)
        }
        if path.contains("{approval}") {
            path = path.replacingOccurrences(of: "{approval}", with: try await insertApproval())
        }
        return path
    }

    private func insertApproval() async throws -> String {
        let now = Date()
        let approvalId = Identifier.make(.approval)
        let assignment = Assignment(
            id: Identifier.make(.assignment),
            permissionId: Identifier.make(.permission),
            identityId: restrictedUserId,
            isImmutable: false,
            dateCreated: now,
            dateUpdated: now
        )
        let change = ChangeRequest(
            id: Identifier.make(.changeRequest),
            requester: ChangeRequester(userId: restrictedUserId, tokenId: nil),
            kind: "Assignment",
            operationKind: "Create",
            status: "Pending",
            entityId: assignment.id,
            dateCreated: now,
            approvalId: approvalId,
            body: .assignment(assignment)
        )
        let activity = try api.json(ApprovalActivity(kind: "Permissions:Assign", changeRequest: change))
        let requirement = #"{"groups":[{"policyId":"pl-0","quorum":1,"initiatorCanApprove":false}],"policyIds":["pl-0"]}"#
        try await server.store.insertApproval(
            ApprovalRecord(
                id: approvalId,
                orgId: server.orgId,
                initiatorId: restrictedUserId,
                activity: activity,
                requirement: requirement,
                basis: nil,
                expiresAt: nil,
                createdAt: now
            )
        )
        return approvalId
    }
}
