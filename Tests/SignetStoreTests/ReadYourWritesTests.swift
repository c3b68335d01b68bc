import Foundation
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Store: a committed write is visible to the next read")
struct ReadYourWritesTests {
    /// Under load, reads share a few connections. A read must never run inside another read's
    /// older snapshot: a challenge issued a moment ago must be found when its answer arrives.
    @Test("Every challenge inserted is read back at once, with many reads and writes in flight", arguments: TestDatabase.available)
    func readYourWrites(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await StoreTests.seed(store)
            let missing = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var missing = 0
                        for _ in 0..<150 {
                            let challenge = ChallengeRecord(
                                id: Identifier.make(.challenge),
                                orgId: org.id,
                                purpose: .login,
                                userId: user.id,
                                tokenId: nil,
                                challenge: "c",
                                allowedCredentialIds: [],
                                createdAt: Date(),
                                expiresAt: Date().addingTimeInterval(60)
                            )
                            try await store.insertChallenge(challenge)
                            if try await store.challenge(id: challenge.id) == nil { missing += 1 }
                            // Reads that keep the connections busy meanwhile.
                            _ = try await store.user(id: user.id)
                        }
                        return missing
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(missing == 0)
        }
    }
}
