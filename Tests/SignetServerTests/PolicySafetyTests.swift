import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// The rules that keep policies from being bypassed, and their refusals.
@Suite("Policy safety rules")
struct PolicySafetyTests {
    @Test("Archiving or weakening a policy needs its own approvals, and Policies:Modify policies cover policy changes", arguments: TestDatabase.available)
    func policiesGovernThemselves(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            let policy = try await f.createPolicy(
                CreatePolicyRequest(name: "Assignments", activityKind: "Permissions:Assign", action: PolicyFixtures.approval([(1, [0])], ids: f.approverIds))
            )
            let archive = try await api.signed(.delete, "/v2/policies/\(policy.id)", as: f.admin)
            #expect(archive.status == .accepted, "\(archive.body)")
            let change = try archive.decode(ChangeRequest.self)
            #expect(change.kind == "Policy" && change.operationKind == "Delete" && change.entityId == policy.id)
            #expect(try await api.send(.get, "/v2/policies/\(policy.id)", token: f.admin.token).decode(Policy.self).status == "Active")
            let approved = try await f.decide(try #require(change.approvalId), "Approved", as: f.approvers[0])
            #expect(try approved.decode(PolicyApproval.self).activity.changeRequest.status == "Applied", "\(approved.body)")
            #expect(try await api.send(.get, "/v2/policies/\(policy.id)", token: f.admin.token).decode(Policy.self).status == "Archived")
            #expect(try await f.assignRole().status == .ok, "an archived policy covers nothing")

            // A Policies:Modify policy holds the creation of any policy.
            try await f.createPolicy(
                CreatePolicyRequest(name: "Governance", activityKind: "Policies:Modify", action: PolicyFixtures.approval([(2, nil)], ids: f.approverIds))
            )
            let create = try await api.signed(
                .post,
                "/v2/policies",
                as: f.admin,
                body: try api.json(CreatePolicyRequest(name: "Later", activityKind: "Permissions:Modify", action: PolicyActionBody(kind: "Block")))
            )
            #expect(create.status == .accepted, "\(create.body)")
            let held = try create.decode(ChangeRequest.self)
            let approvalId = try #require(held.approvalId)
            _ = try await f.decide(approvalId, "Approved", as: f.approvers[1])
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[2]).decode(PolicyApproval.self).status == "Approved")
            let created = try await api.send(.get, "/v2/policies/\(held.entityId)", token: f.admin.token)
            #expect(try created.decode(Policy.self).name == "Later", "\(created.body)")
            let active = try await api.send(.get, "/v2/policies?status=Active", token: f.admin.token).decode(ListResponse<Policy>.self)
            #expect(Set(active.items.map(\.name)) == ["Governance", "Later"])
        }
    }

    @Test("Approvals no one could give are refused before anything is held; service accounts never decide", arguments: TestDatabase.available)
    func unreachableAndServiceAccounts(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            // Made before the policy: afterwards, creating it with a role is refused (PolicyBypassTests).
            let voter = try await api.createRole(as: f.admin, operations: ["Policies:Evaluations:Vote"])
            let (_, account) = try await api.createServiceAccount(as: f.admin, permissionId: voter.id)
            try await f.createPolicy(
                CreatePolicyRequest(name: "Pair", activityKind: "Permissions:Assign", action: PolicyFixtures.approval([(2, [0, 1])], ids: f.approverIds))
            )
            try await server.setUserActive(f.approverIds[1], false)
            let refused = try await f.assignRole()
            #expect(refused.status == .conflict && refused.body.contains("ApprovalUnreachable"), "\(refused.body)")
            let pending = try await api.send(.get, "/v2/policy-approvals", token: f.admin.token).decode(ListResponse<PolicyApproval>.self)
            #expect(pending.items.isEmpty)

            try await server.setUserActive(f.approverIds[1], true)
            let approvalId = try #require(try await f.assignRole().decode(ChangeRequest.self).approvalId)
            let bySA = try await f.decide(approvalId, "Approved", as: account)
            #expect(bySA.status == .forbidden && bySA.body.contains("service accounts"), "\(bySA.body)")
            // A deactivated approver's approval no longer counts.
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .ok)
            try await server.setUserActive(f.approverIds[0], false)
            let second = try await f.decide(approvalId, "Approved", as: f.approvers[1])
            #expect(try second.decode(PolicyApproval.self).status == "Pending", "\(second.body)")
            #expect(try await f.holders(of: f.role.id).isEmpty)
            // Reactivated, their approval counts again: an approval by an admitted approver (here
            // they themselves, again) settles it; someone no group admits cannot.
            try await server.setUserActive(f.approverIds[0], true)
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[2]).status == .conflict)
            #expect(try await f.holders(of: f.role.id).isEmpty)
            let settled = try await f.decide(approvalId, "Approved", as: f.approvers[0])
            #expect(try settled.decode(PolicyApproval.self).status == "Approved", "\(settled.body)")
            #expect(try settled.decode(PolicyApproval.self).decisions.count == 2, "the settling request's own decision is not recorded")
            #expect(try await f.holders(of: f.role.id) == [f.targetId])
        }
    }

    @Test("A change whose entity changed since, or whose initiator lost the permission, fails instead of applying", arguments: TestDatabase.available)
    func staleAndRevokedInitiator(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Readers role",
                    activityKind: "Permissions:Modify",
                    action: PolicyFixtures.approval([(1, [0])], ids: f.approverIds),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let rename = try await api.signed(.put, "/permissions/\(f.role.id)", as: f.admin, body: #"{"name":"Renamed"}"#)
            let approvalId = try #require(try rename.decode(ChangeRequest.self).approvalId)
            var role = try #require(try await server.store.role(id: f.role.id))
            role.operations = ["Auth:Users:Read", "Auth:Pats:Create"]
            role.updatedAt = Date().addingTimeInterval(1)
            try await server.store.updateRole(role)
            let stale = try await f.decide(approvalId, "Approved", as: f.approvers[0]).decode(PolicyApproval.self)
            #expect(stale.status == "Approved" && stale.activity.changeRequest.status == "Failed")
            #expect(stale.activity.changeRequest.failureReason?.contains("changed since") == true)
            #expect(try await server.store.role(id: f.role.id)?.name == "Readers")

            // A delegate who may assign asks; their permission is taken away before the approval.
            let granting = try await api.createRole(as: f.admin, operations: ["Permissions:Assign", "Permissions:Read", "Auth:Users:Read", "Auth:Pats:Create"])
            let (delegate, signer) = try await api.createUser(as: f.admin, email: "delegate@example.com")
            let grant = try await api.assign(granting.id, to: delegate.userId, as: f.admin)
            let session = try await api.session(delegate.username, orgId: server.orgId, signer: signer)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Assign readers",
                    activityKind: "Permissions:Assign",
                    action: PolicyFixtures.approval([(1, [0])], ids: f.approverIds),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let asked = try await f.assignRole(as: session)
            #expect(asked.status == .accepted, "\(asked.body)")
            let second = try #require(try asked.decode(ChangeRequest.self).approvalId)
            #expect(try await api.signed(.delete, "/permissions/\(granting.id)/assignments/\(grant.id)", as: f.admin).status == .noContent)
            let revoked = try await f.decide(second, "Approved", as: f.approvers[0]).decode(PolicyApproval.self)
            #expect(revoked.activity.changeRequest.status == "Failed" && revoked.activity.changeRequest.failureReason?.contains("no longer holds") == true)
            #expect(try await f.holders(of: f.role.id).isEmpty)
        }
    }

    @Test("Bad policies and decisions are 400s naming the field; unknown ids are 404")
    func badInput() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            let bodies = [
                #"{"name":"x","activityKind":"Wallets:Sign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"Block"}}"#,
                #"{"name":"x","activityKind":"Policies:Modify","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"Block"}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"TransactionAmountLimit"},"action":{"kind":"Block"}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"RequestApproval","approvalGroups":[]}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"RequestApproval","approvalGroups":[{"quorum":2,"approvers":{"userId":{"in":["\#(f.approverIds[0])"]}}}]}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"RequestApproval","approvalGroups":[{"quorum":1,"approvers":{"userId":{"in":["us-aaaaa-aaaaa-aaaaaaaaaaaaaaaa"]}}}]}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"Block"},"filters":{"policyId":{"in":["pl-1"]}}}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"Block"},"extra":1}"#,
                #"{"name":"x","activityKind":"Permissions:Assign","rule":{"kind":"AlwaysTrigger"},"action":{"kind":"RequestApproval","approvalGroups":[{"quorum":1}],"autoRejectTimeout":0}}"#,
            ]
            for body in bodies {
                let reply = try await api.signed(.post, "/v2/policies", as: f.admin, body: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.body)")
            }
            #expect(try await api.send(.get, "/v2/policies?status=Open", token: f.admin.token).status == .badRequest)
            #expect(try await api.send(.get, "/v2/policy-approvals?status=Open", token: f.admin.token).status == .badRequest)
            for path in ["/v2/policies/pl-aaaaa-aaaaa-aaaaaaaaaaaaaaaa", "/v2/policies/nope", "/v2/policy-approvals/ap-aaaaa-aaaaa-aaaaaaaaaaaaaaaa"] {
                #expect(try await api.send(.get, path, token: f.admin.token).status == .notFound, "\(path)")
            }
            let maybe = try await f.decide("ap-aaaaa-aaaaa-aaaaaaaaaaaaaaaa", "Maybe", as: f.approvers[0])
            #expect(maybe.status == .badRequest, "\(maybe.body)")
        }
    }
}
