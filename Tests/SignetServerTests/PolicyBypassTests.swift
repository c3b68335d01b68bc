import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// The other ways a covered role could change hands, each refused or held.
@Suite("Policy bypasses")
struct PolicyBypassTests {
    @Test(
        "A service account created with a covered role, and members joining or leaving a group holding one, are refused",
        arguments: TestDatabase.available
    )
    func sideDoors(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            let group = try await api.signed(.post, "/auth/user-groups", as: f.admin, body: #"{"name":"Holders"}"#).decode(UserGroup.self)
            try await api.assign(f.role.id, to: group.id, as: f.admin)
            let (member, _) = try await api.createUser(as: f.admin, email: "member@example.com")
            let members = try api.json(UserGroupMembersRequest(userIds: [member.userId]))
            #expect(try await api.signed(.post, "/auth/user-groups/\(group.id)/members", as: f.admin, body: members).status == .ok)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Readers",
                    activityKind: "Permissions:Assign",
                    action: PolicyFixtures.approval([(1, nil)], ids: f.approverIds),
                    filters: PolicyFilters(permissionId: PolicyIdList([f.role.id]))
                )
            )
            let key = try TestSigner.generate(.ed25519).publicKeyPEM
            let account = try api.json(CreateServiceAccountRequest(name: "bot", publicKey: key, permissionId: f.role.id))
            let refused = try await api.signed(.post, "/auth/service-accounts", as: f.admin, body: account)
            #expect(refused.status == .conflict && refused.body.contains("PolicyApprovalRequired"), "\(refused.body)")

            let (other, _) = try await api.createUser(as: f.admin, email: "other@example.com")
            let join = try await api.signed(
                .post,
                "/auth/user-groups/\(group.id)/members",
                as: f.admin,
                body: try api.json(UserGroupMembersRequest(userIds: [other.userId]))
            )
            #expect(join.status == .conflict, "\(join.body)")
            #expect(try await api.signed(.delete, "/auth/user-groups/\(group.id)/members", as: f.admin, body: members).status == .conflict)
            #expect(try await api.signed(.delete, "/auth/user-groups/\(group.id)", as: f.admin).status == .conflict)
            let listed = try await api.send(.get, "/auth/user-groups/\(group.id)/members", token: f.admin.token).decode(ListResponse<UserInfo>.self)
            #expect(listed.items.map(\.userId) == [member.userId])
        }
    }

    @Test("An approved assignment of a role widened since fails; a named approver cannot be deleted; approverId lists what one may decide")
    func basisApproversAndFilter() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(name: "Pair", activityKind: "Permissions:Assign", action: PolicyFixtures.approval([(1, [0, 1])], ids: f.approverIds))
            )
            let approvalId = try #require(try await f.assignRole().decode(ChangeRequest.self).approvalId)
            let mine = try await api.send(.get, "/v2/policy-approvals?approverId=\(f.approverIds[1])&status=Pending", token: f.admin.token)
            #expect(try mine.decode(ListResponse<PolicyApproval>.self).items.map(\.id) == [approvalId], "\(mine.body)")
            let notMine = try await api.send(.get, "/v2/policy-approvals?approverId=\(f.approverIds[2])", token: f.admin.token)
            #expect(try notMine.decode(ListResponse<PolicyApproval>.self).items.isEmpty)
            #expect(try await api.send(.get, "/v2/policy-approvals?approverId=%25", token: f.admin.token).status == .badRequest)

            let deleted = try await api.signed(.delete, "/auth/users/\(f.approverIds[1])", as: f.admin)
            #expect(deleted.status == .conflict && deleted.body.contains("NamedApprover"), "\(deleted.body)")

            var role = try #require(try await server.store.role(id: f.role.id))
            role.operations = ["Auth:Users:Read", "Auth:Users:Delete"]
            role.updatedAt = Date().addingTimeInterval(1)
            try await server.store.updateRole(role)
            let approved = try await f.decide(approvalId, "Approved", as: f.approvers[0]).decode(PolicyApproval.self)
            #expect(approved.activity.changeRequest.status == "Failed", "\(approved.activity.changeRequest)")
            #expect(try await f.holders(of: f.role.id).isEmpty)
        }
    }

    @Test("Deleting a person is refused when a group of anyone would be left with fewer people than its quorum")
    func anyoneGroupAtDeletion() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let f = try await PolicyFixtures.make(server, api)  // six active people: the administrator, four approvers, the target
            let policy = try await f.createPolicy(
                CreatePolicyRequest(name: "Four of anyone", activityKind: "Permissions:Modify", action: PolicyFixtures.approval([(4, nil)], ids: f.approverIds))
            )
            #expect(try await api.signed(.delete, "/auth/users/\(f.targetId)", as: f.admin).status == .ok, "five remain: four approve, one asks")
            let refused = try await api.signed(.delete, "/auth/users/\(f.approverIds[3])", as: f.admin)
            #expect(refused.status == .conflict && refused.body.contains("ApproversTooFew") && refused.body.contains(policy.id), "\(refused.body)")
        }
    }

    @Test("An approval met again by a reactivated approver is settled only by an approval before its expiry, never by a denial or after it")
    func settlingAMetApproval() async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        try await TestServer.with(.sqlite, configuration: configuration) { server, api in
            let f = try await PolicyFixtures.make(server, api)
            try await f.createPolicy(
                CreatePolicyRequest(
                    name: "Pair",
                    activityKind: "Permissions:Assign",
                    action: PolicyFixtures.approval([(2, [0, 1, 2])], ids: f.approverIds, timeout: 60)
                )
            )
            // Met by the recorded approvals once approver 0 is active again.
            func metAgain(_ email: String) async throws -> String {
                let (target, _) = try await api.createUser(as: f.admin, email: email)
                let approvalId = try #require(try await f.assignRole(to: target.userId).decode(ChangeRequest.self).approvalId)
                _ = try await f.decide(approvalId, "Approved", as: f.approvers[0])
                try await server.setUserActive(f.approverIds[0], false)
                #expect(try await f.decide(approvalId, "Approved", as: f.approvers[1]).decode(PolicyApproval.self).status == "Pending")
                try await server.setUserActive(f.approverIds[0], true)
                return approvalId
            }
            let denied = try await metAgain("t1@example.com")
            #expect(try await f.decide(denied, "Denied", as: f.approvers[2]).status == .conflict, "a denial does not apply it")
            #expect(try await f.approval(denied).activity.changeRequest.status == "Pending")

            let expired = try await metAgain("t2@example.com")
            clock.advance(by: 3_601)
            #expect(try await f.decide(expired, "Approved", as: f.approvers[2]).status == .conflict, "past its expiry nothing settles it")
            #expect(try await f.approval(expired).status == "Expired")
            #expect(try await f.holders(of: f.role.id).isEmpty)
        }
    }
}
