import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// Dfns Policies v2 on the access activities, end to end through the routes.
@Suite("Policies and approvals")
struct PolicyFlowTests {
    @Test(
        "A covered assignment answers 202, changes nothing until every group's quorum is met, then is applied once",
        arguments: TestDatabase.available
    )
    func quorum(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            let policy = try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Two of three, and the auditor",
                    activityKind: "Permissions:Assign",
                    action: PolicyFixtures.approval([(2, [0, 1, 2]), (1, [3])], ids: f.approverIds)
                )
            )
            #expect(policy.id.hasPrefix("pl-") && policy.status == "Active")

            let held = try await f.assignRole()
            #expect(held.status == .accepted, "\(held.body)")
            let change = try held.decode(ChangeRequest.self)
            #expect(change.status == "Pending" && change.kind == "Assignment" && change.operationKind == "Create")
            guard case .assignment(let requested) = change.body else { Issue.record("body: \(change.body)"); return }
            #expect(requested.identityId == f.targetId && requested.permissionId == f.role.id)
            let approvalId = try #require(change.approvalId)
            #expect(try await f.holders(of: f.role.id).isEmpty, "nothing changes while pending")

            let byInitiator = try await f.decide(approvalId, "Approved", as: f.admin)
            #expect(byInitiator.status == .forbidden, "the initiator, not named, may not approve: \(byInitiator.body)")
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .ok)
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[0]).status == .conflict, "each approver decides once")
            let two = try await f.decide(approvalId, "Approved", as: f.approvers[1])
            #expect(try two.decode(PolicyApproval.self).status == "Pending", "the auditor's group is not met yet")
            #expect(try await f.holders(of: f.role.id).isEmpty)

            let last = try await f.decide(approvalId, "Approved", as: f.approvers[3])
            let approved = try last.decode(PolicyApproval.self)
            #expect(approved.status == "Approved" && approved.activity.changeRequest.status == "Applied", "\(last.body)")
            #expect(approved.decisions.count == 3 && approved.policyEvaluations.map(\.policyId) == [policy.id])
            #expect(try await f.holders(of: f.role.id) == [f.targetId], "applied exactly once")
            #expect(try await f.decide(approvalId, "Approved", as: f.approvers[2]).status == .conflict, "no longer pending")

            // The target holds the role on the next request.
            let listed = try await api.send(.get, "/v2/policy-approvals?status=Approved", token: f.admin.token)
            #expect(try listed.decode(ListResponse<PolicyApproval>.self).items.map(\.id) == [approvalId])
            let mine = try await api.send(.get, "/v2/policy-approvals?approverId=\(f.approverIds[3])", token: f.admin.token)
            #expect(try mine.decode(ListResponse<PolicyApproval>.self).items.map(\.id) == [approvalId])
        }
    }

    @Test("One denial rejects; past the timeout an approval expires and takes no decision; Block refuses", arguments: TestDatabase.available)
    func denialExpiryBlock(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Role changes",
                    activityKind: "Permissions:Modify",
                    action: PolicyFixtures.approval([(2, nil)], ids: f.approverIds, timeout: 60),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let rename = try await api.signed(.put, "/permissions/\(f.role.id)", as: f.admin, body: #"{"name":"Renamed"}"#)
            #expect(rename.status == .accepted, "\(rename.body)")
            let denied = try #require(try rename.decode(ChangeRequest.self).approvalId)
            let waiting = try await api.send(.get, "/permissions/\(f.role.id)", token: f.admin.token).decode(Permission.self)
            #expect(waiting.pendingChangeRequest?.approvalId == denied, "GET /permissions/{id} shows the pending change (Dfns' pendingChangeRequest)")
            guard case .permission(let renamed)? = waiting.pendingChangeRequest?.body else { Issue.record("\(waiting)"); return }
            #expect(renamed.name == "Renamed" && waiting.name == "Readers")
            let refused = try await f.decide(denied, "Denied", as: f.approvers[2])
            #expect(try refused.decode(PolicyApproval.self).status == "Denied")
            #expect(try refused.decode(PolicyApproval.self).activity.changeRequest.status == "Rejected")
            let role = try await api.send(.get, "/permissions/\(f.role.id)", token: f.admin.token).decode(Permission.self)
            #expect(role.name == "Readers" && role.pendingChangeRequest == nil, "a denied change is no longer pending")

            let archive = try await api.signed(.put, "/permissions/\(f.role.id)/archive", as: f.admin, body: #"{"isArchived":true}"#)
            let expiring = try #require(try archive.decode(ChangeRequest.self).approvalId)
            #expect(try await f.decide(expiring, "Approved", as: f.approvers[0]).status == .ok)
            clock.advance(by: 3_601)
            #expect(try await f.approval(expiring).status == "Expired")
            #expect(try await api.send(.get, "/permissions/\(f.role.id)", token: f.admin.token).decode(Permission.self).pendingChangeRequest == nil)
            #expect(try await f.decide(expiring, "Approved", as: f.approvers[1]).status == .conflict)
            #expect(try await api.send(.get, "/permissions/\(f.role.id)", token: f.admin.token).decode(Permission.self).isArchived == false)

            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Never",
                    activityKind: "Permissions:Assign",
                    action: PolicyActionBody(kind: "Block"),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let blocked = try await f.assignRole()
            #expect(blocked.status == .forbidden && blocked.body.contains("PolicyBlocked"), "\(blocked.body)")
            #expect(try await f.holders(of: f.role.id).isEmpty)
        }
    }

    @Test("Concurrent last decisions: one applies the change, the other is refused", arguments: TestDatabase.available)
    func exactlyOnce(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(name: "Anyone", activityKind: "Permissions:Assign", action: PolicyFixtures.approval([(1, nil)], ids: f.approverIds))
            )
            let approvalId = try #require(try await f.assignRole().decode(ChangeRequest.self).approvalId)
            // "Anyone" admits every person but the initiator.
            let byInitiator = try await f.decide(approvalId, "Approved", as: f.admin)
            #expect(byInitiator.status == .forbidden && byInitiator.body.contains("initiator"), "\(byInitiator.body)")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for approver in f.approvers { group.addTask { try await f.decide(approvalId, "Approved", as: approver).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .conflict }.count == 3, "\(statuses)")
            #expect(try await f.holders(of: f.role.id) == [f.targetId])
            #expect(try await f.approval(approvalId).decisions.count == 1)
        }
    }
}
