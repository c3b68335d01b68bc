import Foundation
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// Approvals on several nodes: two approvers deciding at once on different nodes apply a held
/// assignment exactly once, and the assignee holds the role on every node.
@Suite("Approvals on several nodes", .enabled(if: TestDatabase.postgresURL != nil), .serialized)
struct PolicyNodeTests {
    /// A person with a key and `roleId`, logged in on `node`.
    static func person(_ email: String, roleId: String?, admin: SignetClient, cluster: Cluster, node: Int) async throws -> (String, SignetClient) {
        let key = try PrivateKey.generate(.ed25519)
        let user = try await admin.users.create(CreateUserRequest(email: email, publicKey: key.publicKey.pemRepresentation))
        if let roleId { _ = try await admin.permissions.assign(roleId, to: user.userId) }
        let challenge = try await SignetClient(baseURL: cluster.url(node), organizationID: cluster.orgId, authToken: nil)
            .auth.createLoginChallenge(username: email)
        let client = try await SignetClient.login(
            baseURL: cluster.url(node),
            organizationID: cluster.orgId,
            username: email,
            signer: KeySigner(credentialID: challenge.allowCredentials.key[0].id, privateKey: key)
        )
        return (user.userId, client)
    }

    @Test("Held on A; approvers on A and B decide at once; applied once; the assignee holds it on both nodes")
    func exactlyOnceAcrossNodes() async throws {
        let cluster = try await Cluster.start(nodes: 2)
        do {
            let admin = try await cluster.admin(at: 0)
            let deciders = try await admin.permissions.create(
                CreatePermissionRequest(name: "deciders", operations: ["Policies:Approvals:Approve", "Policies:Approvals:Read"])
            )
            let (_, onA) = try await Self.person("a@cluster.example", roleId: deciders.id, admin: admin, cluster: cluster, node: 0)
            let (_, onB) = try await Self.person("b@cluster.example", roleId: deciders.id, admin: admin, cluster: cluster, node: 1)
            let (assigneeId, assigneeOnB) = try await Self.person("x@cluster.example", roleId: nil, admin: admin, cluster: cluster, node: 1)
            let readers = try await admin.permissions.create(CreatePermissionRequest(name: "readers", operations: ["Auth:Users:Read"]))
            _ = try await admin.policies.create(
                CreatePolicyRequest(
                    name: "Anyone approves",
                    activityKind: "Permissions:Assign",
                    action: PolicyActionBody(kind: "RequestApproval", approvalGroups: [PolicyApprovalGroup(quorum: 1)])
                )
            )
            let readUsers = { @Sendable in _ = try await assigneeOnB.users.list() }
            await #expect(throws: (any Error).self) { try await readUsers() }

            var held: ChangeRequest?
            do {
                _ = try await admin.permissions.assign(readers.id, to: assigneeId)
            } catch let error as SignetClientError {
                held = error.pendingChange
            }
            let approvalId = try #require(held?.approvalId, "the assignment is held")
            async let first = Result { try await onA.approvals.decide(approvalId, value: "Approved") }
            async let second = Result { try await onB.approvals.decide(approvalId, value: "Approved") }
            let results = await [first, second]
            let applied = results.compactMap { try? $0.get() }
            #expect(applied.count == 1 && applied.first?.activity.changeRequest.status == "Applied", "\(results)")
            let refused = results.compactMap { result -> Int? in
                if case .failure(let error as SignetClientError) = result { return error.status }
                return nil
            }
            #expect(refused == [409], "\(results)")
            let holders = try await admin.permissions.listAssignments(readers.id).items.map(\.identityId)
            #expect(holders == [assigneeId])
            let granted = await GroupNodeTests.timeUntilAllowed(readUsers)
            MultiNodeTests.report("approved on A or B, the assignee allowed on B after", granted)
            #expect(granted != nil)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing call.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
