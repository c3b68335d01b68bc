import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
import SignetStore
import Testing

/// `signet migrate` copies one consistent snapshot of the source, even while something writes to it.
@Suite("Migration snapshot")
struct MigrationSnapshotTests {
    @Test("A copy taken while users and tokens are being written is consistent and passes its count check")
    func copyUnderWrites() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-snapshot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try await SQLStore.sqlite(path: directory + "/source.sqlite")
        let target = try await SQLStore.sqlite(path: directory + "/target.sqlite")
        let (org, _) = try await StoreTests.seed(source)
        let writing = NIOLockedValueBox(true)
        let writer = Task {
            var written = 0
            while writing.withLockedValue({ $0 }) {
                let user = UserRecord(
                    id: Identifier.make(.user),
                    orgId: org.id,
                    username: "u\(written)@example.com",
                    name: "u",
                    kind: .customerEmployee,
                    createdAt: StoreTests.now
                )
                let digest = "d\(written)"
                try await source.transaction { store in
                    try await store.insertUser(user)
                    try await store.insertToken(
                        AccessTokenRecord(
                            id: Identifier.make(.token),
                            orgId: org.id,
                            kind: .pat,
                            userId: user.id,
                            credentialUuid: nil,
                            name: "t",
                            tokenDigest: digest,
                            createdAt: StoreTests.now,
                            expiresAt: StoreTests.now.addingTimeInterval(60)
                        )
                    )
                }
                written += 1
            }
            return written
        }
        try await Task.sleep(for: .milliseconds(100))
        let copied: Result<[(table: String, rows: Int)], any Error>
        do {
            copied = .success(try await StoreCopier.copy(from: source, to: target))
        } catch {
            copied = .failure(error)
        }
        writing.withLockedValue { $0 = false }
        let written = try await writer.value
        try await source.shutdown()
        try await target.shutdown()
        let counts = try copied.get()
        #expect(written > 0)
        let users = try #require(counts.first { $0.table == "users" }).rows
        let tokens = try #require(counts.first { $0.table == "access_tokens" }).rows
        // Each write adds one user and one token together: a snapshot has exactly one more user (the seed).
        #expect(users == tokens + 1, "users \(users), tokens \(tokens)")
    }
}
