import Foundation
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// User groups on several nodes: a member's permissions on node B follow the group's changes made
/// through node A (joining, leaving, the group's deletion) within the revocation bound.
@Suite("User groups on several nodes", .enabled(if: TestDatabase.postgresURL != nil), .serialized)
struct GroupNodeTests {
    /// Runs `probe` until it succeeds; how long that took, or nil after 30 seconds.
    static func timeUntilAllowed(_ probe: @Sendable () async throws -> Void) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(30) {
            if (try? await probe()) != nil { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    @Test("Joining on A grants on B; leaving and the group's deletion on A refuse on B")
    func membershipReachesEveryNode() async throws {
        let cluster = try await Cluster.start(nodes: 2)
        do {
            let adminA = try await cluster.admin(at: 0)
            let userKey = try PrivateKey.generate(.ed25519)
            let user = try await adminA.users.create(
                CreateUserRequest(email: "member@cluster.example", publicKey: userKey.publicKey.pemRepresentation)
            )
            let challenge = try await SignetClient(baseURL: cluster.url(1), organizationID: cluster.orgId, authToken: nil)
                .auth.createLoginChallenge(username: "member@cluster.example")
            let memberOnB = try await SignetClient.login(
                baseURL: cluster.url(1),
                organizationID: cluster.orgId,
                username: "member@cluster.example",
                signer: KeySigner(credentialID: challenge.allowCredentials.key[0].id, privateKey: userKey)
            )
            let readUsers = { @Sendable in _ = try await memberOnB.users.list() }
            await #expect(throws: (any Error).self) { try await readUsers() }  // refused, and B's cache is warm

            let role = try await adminA.permissions.create(CreatePermissionRequest(name: "readers", operations: ["Auth:Users:Read"]))
            let group = try await adminA.userGroups.create(CreateUserGroupRequest(name: "Readers"))
            _ = try await adminA.permissions.assign(role.id, to: group.id)
            try await adminA.userGroups.addMembers(group.id, userIds: [user.userId])
            let granted = await Self.timeUntilAllowed(readUsers)
            MultiNodeTests.report("member added on A, allowed on B after", granted)
            #expect(granted != nil)

            try await adminA.userGroups.removeMembers(group.id, userIds: [user.userId])
            let left = await MultiNodeTests.timeUntilRefused(readUsers)
            MultiNodeTests.report("member removed on A, refused on B after", left)
            #expect(left != nil)

            try await adminA.userGroups.addMembers(group.id, userIds: [user.userId])
            #expect(await Self.timeUntilAllowed(readUsers) != nil)
            try await adminA.userGroups.delete(group.id)
            let deleted = await MultiNodeTests.timeUntilRefused(readUsers)
            MultiNodeTests.report("group deleted on A, member refused on B after", deleted)
            #expect(deleted != nil)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}
