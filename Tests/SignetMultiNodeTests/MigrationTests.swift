import Foundation
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

@Suite("signet migrate: one machine to PostgreSQL", .enabled(if: TestDatabase.postgresURL != nil))
struct MigrationTests {
    @Test("Everything is copied, counts match, and tokens issued before still authenticate and sign")
    func migrate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-migrate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sqlite = directory + "/single.sqlite"
        let node = try await Cluster.initialise(database: sqlite, nodes: 1)
        let target = try await TestDatabase.createPostgres()
        do {
            // On one machine: a login session, a PAT, a service account, some history.
            try await node.startNode(0)
            let admin = try await node.admin(at: 0)
            let key = try PrivateKey.generate(.rsa)
            let pat = try await admin.personalAccessTokens.create(
                CreatePersonalAccessTokenRequest(name: "ci", publicKey: key.publicKey.pemRepresentation)
            )
            let patSigner = KeySigner(credentialID: pat.credId, privateKey: key)
            let asPat = try SignetClient(baseURL: node.url(0), organizationID: node.orgId, authToken: pat.accessToken, signer: patSigner)
            _ = try await asPat.personalAccessTokens.update(pat.tokenId, UpdatePersonalAccessTokenRequest(name: "ci-2"))
            _ = try await admin.serviceAccounts.create(
                CreateServiceAccountRequest(name: "bot", publicKey: try PrivateKey.generate(.ed25519).publicKey.pemRepresentation)
            )
            let history = try await admin.auditLogs.list().count
            await node.stopNode(0)

            let output = try Cluster.run(["migrate", "--from", "sqlite:" + sqlite, "--to", target, "--json"])
            let counts = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Int])
            #expect(counts["users"] == 2 && counts["access_tokens"] == 3 && counts["user_actions"] == history)
            // A second migration into the same database is refused.
            #expect(throws: ClusterError.self) { try Cluster.run(["migrate", "--from", "sqlite:" + sqlite, "--to", target]) }

            // On PostgreSQL: the same tokens authenticate, the PAT's key still signs.
            try await node.startNode(0, database: target)
            let adminAfter = try SignetClient(
                baseURL: node.url(0),
                organizationID: node.orgId,
                authToken: admin.authToken,
                signer: KeySigner(credentialID: node.adminCredentialId, privateKey: node.adminKey)
            )
            #expect(try await adminAfter.auth.whoami().tokenKind == .login)
            let patAfter = try SignetClient(baseURL: node.url(0), organizationID: node.orgId, authToken: pat.accessToken, signer: patSigner)
            #expect(try await patAfter.personalAccessTokens.update(pat.tokenId, UpdatePersonalAccessTokenRequest(name: "ci-3")).name == "ci-3")
            #expect(try await adminAfter.serviceAccounts.list().map(\.userInfo.name) == ["bot"])
            #expect(try await adminAfter.auditLogs.list().count == history + 1)
        } catch {
            await node.shutdown()
            try? await TestDatabase.dropPostgres(target)
            throw error
        }
        await node.shutdown()
        try? await TestDatabase.dropPostgres(target)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
