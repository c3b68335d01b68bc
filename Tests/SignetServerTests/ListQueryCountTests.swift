import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Every list route reads a fixed number of times whatever the number of items: the catalogue's
/// lists are measured here or in ``QueryCountTests`` (which also checks their items).
@Suite("Query counts of every list")
struct ListQueryCountTests {
    /// The lists ``QueryCountTests`` measures, with their contents.
    static let measuredWithContents: Set<String> = ["listPats", "listUsers", "listServiceAccounts", "listAuditLogs"]
    /// The lists measured here.
    static let measuredHere = [
        "listUserPats", "listCredentials", "listRoles", "listAssignments", "listUserGroups", "listUserGroupMembers", "listWebhooks",
        "listWebhookEvents", "listTokens", "listPolicies", "listApprovals",
    ]
    /// The group whose members `listUserGroupMembers` lists.
    static let groupId = Identifier.make(.userGroup)
    /// The webhook whose events `listWebhookEvents` lists.
    static let webhookId = Identifier.make(.webhook)

    @Test("Every list route of the catalogue has a query-count test")
    func everyListIsMeasured() {
        let lists = Set(Endpoints.all.filter { $0.responseType.hasPrefix("ListResponse<") }.map(\.name))
        #expect(lists == Self.measuredWithContents.union(Self.measuredHere))
    }

    /// The route a measured list is read from.
    static func path(of list: String, userId: String, roleId: String) -> String {
        switch list {
        case "listUserPats": "/auth/users/\(userId)/pats"
        case "listCredentials": "/auth/credentials"
        case "listRoles": "/permissions?limit=100"
        case "listUserGroups": "/auth/user-groups?limit=100"
        case "listUserGroupMembers": "/auth/user-groups/\(groupId)/members?limit=100"
        case "listWebhooks": "/webhooks?limit=100"
        case "listTokens": "/auth/tokens?limit=100"
        case "listWebhookEvents": "/webhooks/\(webhookId)/events?limit=100"
        case "listPolicies": "/v2/policies?limit=100"
        case "listApprovals": "/v2/policy-approvals?limit=100"
        default: "/permissions/\(roleId)/assignments?limit=100"
        }
    }

    @Test("A cold list reads as often for 22 items as for 2", arguments: TestDatabase.available, Self.measuredHere)
    func fixedReads(database: TestDatabase.Kind, list: String) async throws {
        var configuration = ServerConfiguration.quietForReadCounts()
        configuration.webhooks.dispatches = false  // the events listed stay as recorded
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let role = try await server.addRole("Listed", operations: ["Auth:Users:Read"])
            let webhook = WebhookRecord(
                id: Self.webhookId,
                orgId: server.orgId,
                url: "https://hooks.example.com/",
                events: ["*"],
                status: "Enabled",
                description: nil,
                secret: "s",
                createdAt: Date()
            )
            try await server.store.insertWebhook(webhook)
            let adminId = server.organization.userId
            let path = Self.path(of: list, userId: adminId, roleId: role.id)
            try await server.store.insertUserGroup(
                UserGroupRecord(id: Self.groupId, orgId: server.orgId, name: "Measured", description: nil, createdAt: Date())
            )
            func add(_ range: Range<Int>) async throws {
                for index in range { try await Self.add(list, index: index, server: server, api: api, admin: admin, role: role) }
            }
            // The fewest reads of three requests: background readers (the key poller, the janitor)
            // can land inside one request's window, never inside all three.
            func measure() async throws -> (reads: Int, items: Int) {
                var fewest = Int.max
                var items = 0
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    let reply = try await api.send(.get, path, token: admin.token)
                    fewest = min(fewest, server.store.reads.value - before)
                    #expect(reply.status == .ok, "\(path): \(reply.body)")
                    let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
                    items = (object?["items"] as? [Any])?.count ?? -1
                }
                return (fewest, items)
            }
            try await add(0..<2)
            let few = try await measure()
            try await add(2..<22)
            let many = try await measure()
            #expect(many.items - few.items == 20, "\(list): \(few.items) then \(many.items) items")
            #expect(many.reads == few.reads, "\(list): \(few.reads) reads for \(few.items) items, \(many.reads) for \(many.items)")
        }
    }

    /// Adds one item to the measured list.
    static func add(_ list: String, index: Int, server: TestServer, api: APIClient, admin: Identity, role: RoleRecord) async throws {
        switch list {
        case "listUserPats": _ = try await api.createPat(as: admin, name: "pat-\(index)")
        case "listCredentials":
            let key = try PrivateKey.generate(.ed25519).publicKey
            try await server.store.insertCredential(
                CredentialRecord(
                    uuid: Identifier.make(.credential),
                    orgId: server.orgId,
                    credentialId: "key-\(index)",
                    identityId: server.organization.userId,
                    name: "key \(index)",
                    publicKeyPEM: key.pemRepresentation,
                    fingerprint: key.fingerprint,
                    algorithm: key.algorithm,
                    createdAt: Date()
                )
            )
        case "listRoles": _ = try await server.addRole("role-\(index)", operations: ["Auth:Users:Read"])
        case "listUserGroups":
            try await server.store.insertUserGroup(
                UserGroupRecord(id: Identifier.make(.userGroup), orgId: server.orgId, name: "g-\(index)", description: nil, createdAt: Date())
            )
        case "listUserGroupMembers":
            let user = UserRecord(
                id: Identifier.make(.user),
                orgId: server.orgId,
                username: "m\(index)@example.com",
                name: "m\(index)",
                kind: .customerEmployee,
                createdAt: Date()
            )
            try await server.store.insertUser(user)
            try await server.store.addUserGroupMembers(groupId: groupId, userIds: [user.id], at: Date())
        case "listWebhooks":
            let webhook = WebhookRecord(
                id: Identifier.make(.webhook),
                orgId: server.orgId,
                url: "https://hooks.example.com/\(index)",
                events: ["*"],
                status: "Disabled",
                description: nil,
                secret: "s",
                createdAt: Date()
            )
            try await server.store.insertWebhook(webhook)
        case "listWebhookEvents": _ = try await server.store.recordEvent(orgId: server.orgId, kind: "user.invited", data: "{}", at: Date())
        case "listTokens":
            // PATs of the administrator and service accounts: tokens of several users, with roles and keys.
            if index.isMultiple(of: 2) {
                _ = try await api.createPat(as: admin, name: "inventory-\(index)", permissionId: role.id)
            } else {
                _ = try await api.createServiceAccount(as: admin, name: "inventory-\(index)", permissionId: role.id)
            }
        case "listPolicies", "listApprovals": try await addPolicyItem(list, index: index, server: server)
        default: try await server.assign(role, to: Identifier.make(.user))
        }
    }

    /// A policy, or an approval with one decision.
    static func addPolicyItem(_ list: String, index: Int, server: TestServer) async throws {
        let now = Date()
        guard list == "listApprovals" else {
            let policy = PolicyRecord(
                id: Identifier.make(.policy),
                orgId: server.orgId,
                name: "p-\(index)",
                activityKind: "Permissions:Modify",
                rule: #"{"kind":"AlwaysTrigger"}"#,
                action: #"{"kind":"Block"}"#,
                filters: #"{"permissionId":{"in":["pm-0"]}}"#,
                createdAt: now
            )
            return try await server.store.insertPolicy(policy)
        }
        let userId = server.organization.userId
        let assignment = Assignment(id: Identifier.make(.assignment), permissionId: "pm-0", identityId: userId, isImmutable: false, dateCreated: now, dateUpdated: now)
        let approvalId = Identifier.make(.approval)
        let change = ChangeRequest(
            id: Identifier.make(.changeRequest),
            requester: ChangeRequester(userId: userId, tokenId: nil),
            kind: "Assignment",
            operationKind: "Create",
            status: "Pending",
            entityId: assignment.id,
            dateCreated: now,
            approvalId: approvalId,
            body: .assignment(assignment)
        )
        let activity = String(decoding: try SignetJSON.encoder().encode(ApprovalActivity(kind: "Permissions:Assign", changeRequest: change)), as: UTF8.self)
        let requirement = #"{"groups":[{"policyId":"pl-0","quorum":1,"initiatorCanApprove":false}],"policyIds":["pl-0"]}"#
        try await server.store.insertApproval(
            ApprovalRecord(id: approvalId, orgId: server.orgId, initiatorId: userId, activity: activity, requirement: requirement, basis: nil, expiresAt: nil, createdAt: now)
        )
        try await server.store.insertDecision(ApprovalDecisionRow(approvalId: approvalId, userId: userId, value: "Approved", reason: nil, createdAt: now))
    }
}
