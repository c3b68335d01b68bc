import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import Testing

/// An organisation with an administrator and four people who may decide on approvals
/// (`Policies:Evaluations:Vote` and `:Read`), logged in, and a role to assign.
struct PolicyFixtures: Sendable {
    let server: TestServer
    let api: APIClient
    let admin: Identity
    /// Four approvers' sessions, and their user ids.
    let approvers: [Identity]
    let approverIds: [String]
    /// A role the tests assign and change.
    let role: Permission
    /// A person who holds nothing yet.
    let targetId: String

    static func make(_ server: TestServer, _ api: APIClient) async throws -> PolicyFixtures {
        let admin = try await server.admin(api)
        let deciding = try await api.createRole(as: admin, name: "Deciders", operations: ["Policies:Evaluations:Vote", "Policies:Evaluations:Read"])
        var approvers: [Identity] = []
        var approverIds: [String] = []
        for index in 1...4 {
            let (user, signer) = try await api.createUser(as: admin, email: "approver\(index)@example.com")
            try await api.assign(deciding.id, to: user.userId, as: admin)
            approvers.append(try await api.session(user.username, orgId: server.orgId, signer: signer))
            approverIds.append(user.userId)
        }
        let role = try await api.createRole(as: admin, name: "Readers", operations: ["Auth:Users:Read"])
        let (target, _) = try await api.createUser(as: admin, email: "target@example.com")
        return PolicyFixtures(
            server: server,
            api: api,
            admin: admin,
            approvers: approvers,
            approverIds: approverIds,
            role: role,
            targetId: target.userId
        )
    }

    /// Creates a policy as the administrator (it must not be held).
    @discardableResult
    func createPolicy(_ request: CreatePolicyRequest) async throws -> Policy {
        let reply = try await api.signed(.post, "/v2/policies", as: admin, body: try api.json(request))
        #expect(reply.status == .ok, "create policy: \(reply.body)")
        return try reply.decode(Policy.self)
    }

    /// A `RequestApproval` action with these groups: (quorum, approver indexes or nil for anyone).
    static func approval(_ groups: [(Int, [Int]?)], ids: [String], timeout: Int? = nil, initiatorCanApprove: Bool = false) -> PolicyActionBody {
        PolicyActionBody(
            kind: "RequestApproval",
            approvalGroups: groups.map { quorum, indexes in
                PolicyApprovalGroup(
                    quorum: quorum,
                    approvers: PolicyApprovers(userId: indexes.map { PolicyIdList($0.map { ids[$0] }) }),
                    initiatorCanApprove: initiatorCanApprove
                )
            },
            autoRejectTimeout: timeout
        )
    }

    /// Decides as `identity`; returns the reply.
    func decide(_ approvalId: String, _ value: String, as identity: Identity) async throws -> Reply {
        try await api.signed(
            .post,
            "/v2/policy-approvals/\(approvalId)/decisions",
            as: identity,
            body: try api.json(CreateApprovalDecisionRequest(value: value, reason: "test"))
        )
    }

    /// The approval, as the administrator reads it.
    func approval(_ id: String) async throws -> PolicyApproval {
        try await api.send(.get, "/v2/policy-approvals/\(id)", token: admin.token).decode(PolicyApproval.self)
    }

    /// The identities holding `role`, as its assignments list them.
    func holders(of roleId: String) async throws -> [String] {
        let list = try await api.send(.get, "/permissions/\(roleId)/assignments", token: admin.token).decode(ListResponse<Assignment>.self)
        return list.items.map(\.identityId)
    }

    /// Assigns the role to the target as `identity`; returns the reply.
    func assignRole(_ roleId: String? = nil, to identityId: String? = nil, as identity: Identity? = nil) async throws -> Reply {
        try await api.signed(
            .post,
            "/permissions/\(roleId ?? role.id)/assignments",
            as: identity ?? admin,
            body: try api.json(CreateAssignmentRequest(identityId: identityId ?? targetId))
        )
    }
}
