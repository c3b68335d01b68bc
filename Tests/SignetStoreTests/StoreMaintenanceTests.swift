import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

/// The store's maintenance: purging, the full administrators, announcements, migrations, locks
/// and the copy into PostgreSQL.
extension StoreTests {
    /// A user-action challenge with every field set.
    static func challenge(orgId: String, userId: String, tokenId: String) -> ChallengeRecord {
        ChallengeRecord(
            id: Identifier.make(.challenge),
            orgId: orgId,
            purpose: .userAction,
            userId: userId,
            tokenId: tokenId,
            challenge: "c",
            allowedCredentialIds: ["x", "y"],
            httpMethod: "PUT",
            httpPath: "/p",
            payload: "{}",
            createdAt: Self.now,
            expiresAt: Self.now.addingTimeInterval(60)
        )
    }

    /// A user action with every field set.
    static func action(orgId: String, userId: String, tokenId: String, credentialUuid: String, challengeId: String) -> UserActionRecord {
        UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: orgId,
            userId: userId,
            tokenId: tokenId,
            tokenKind: .pat,
            credentialUuid: credentialUuid,
            challengeId: challengeId,
            httpMethod: "PUT",
            httpPath: "/p",
            payload: "",
            clientData: "cd",
            signature: "sig",
            createdAt: Self.now,
            expiresAt: Self.now.addingTimeInterval(60)
        )
    }

    @Test("Purging deletes expired challenges and unused user actions, never the audit trail", arguments: TestDatabase.available)
    func purge(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            let old = Date().addingTimeInterval(-7200)
            let challenge = ChallengeRecord(
                id: Identifier.make(.challenge),
                orgId: org.id,
                purpose: .login,
                userId: user.id,
                tokenId: nil,
                challenge: "c",
                allowedCredentialIds: [],
                createdAt: old,
                expiresAt: old.addingTimeInterval(300)
            )
            try await store.insertChallenge(challenge)
            func action(used: Bool, expiresAt: Date) -> UserActionRecord {
                UserActionRecord(
                    id: Identifier.make(.userAction),
                    orgId: org.id,
                    userId: user.id,
                    tokenId: "to-x",
                    tokenKind: .login,
                    credentialUuid: "cr-x",
                    challengeId: challenge.id,
                    httpMethod: "PUT",
                    httpPath: "/p",
                    payload: "",
                    clientData: "",
                    signature: "",
                    createdAt: old,
                    expiresAt: expiresAt,
                    usedAt: used ? old : nil
                )
            }
            let audited = action(used: true, expiresAt: old.addingTimeInterval(300))
            let abandoned = action(used: false, expiresAt: old.addingTimeInterval(300))
            let fresh = action(used: false, expiresAt: Date().addingTimeInterval(300))
            for record in [audited, abandoned, fresh] { try await store.insertUserAction(record) }
            #expect(try await store.purgeExpired(before: Date().addingTimeInterval(-3600)) == 2)
            #expect(try await store.challenge(id: challenge.id) == nil)
            #expect(try await store.userAction(id: abandoned.id) == nil)
            #expect(try await store.userAction(id: audited.id) != nil)
            #expect(try await store.userAction(id: fresh.id) != nil)
        }
    }

    @Test("Full administrators: active, live people holding a non-archived grants-all role", arguments: TestDatabase.available)
    func fullAdministrators(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (org, user) = try await Self.seed(store)
            var full = RoleRecord(id: Identifier.make(.permission), orgId: org.id, name: "Full", operations: [], grantsAll: true, createdAt: Self.now)
            try await store.insertRole(full)
            let robot = UserRecord(
                id: Identifier.make(.user),
                orgId: org.id,
                username: "bot",
                name: "bot",
                kind: .customerEmployee,
                isServiceAccount: true,
                createdAt: Self.now
            )
            try await store.insertUser(robot)
            for identity in [user.id, robot.id] {
                try await store.insertAssignment(
                    AssignmentRecord(
                        id: Identifier.make(.assignment),
                        orgId: org.id,
                        permissionId: full.id,
                        identityId: identity,
                        createdAt: Self.now
                    )
                )
            }
            #expect(try await store.fullAdministrators(orgId: org.id) == [user.id])
            #expect(try await store.permissions(identityId: robot.id) == .all)
            full.isArchived = true
            try await store.updateRole(full)
            #expect(try await store.fullAdministrators(orgId: org.id).isEmpty)
            #expect(try await store.permissions(identityId: user.id) == .none)
        }
    }

    @Test("Changes are announced once committed, not before", arguments: TestDatabase.available)
    func announcements(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let (_, user) = try await Self.seed(store)
            let heard = NIOLockedValueBox<[StoreChange]>([])
            store.changes.subscribe { change in heard.withLockedValue { $0.append(change) } }
            try await store.transaction { transaction in
                _ = try await transaction.updateUserNames(id: user.id, username: user.username, name: "Changed", externalId: nil, at: Self.now)
                #expect(heard.withLockedValue { $0 }.isEmpty)
            }
            #expect(heard.withLockedValue { $0 }.contains(.authorization))
            try await store.insertSigningKey(.generate())
            #expect(heard.withLockedValue { $0 }.contains(.signingKeys))
        }
    }

    @Test("Migrating concurrently from several processes makes one schema and one signing key", arguments: TestDatabase.available)
    func concurrentMigrations(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, harness in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await harness.withSecondStore { try await $0.migrate() } } }
                try await group.waitForAll()
            }
            #expect(try await store.signingKeys().count == 1)
        }
    }

    @Test("lock(_:) serialises transactions that take the same key", arguments: TestDatabase.available)
    func locks(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, harness in
            let order = NIOLockedValueBox<[String]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await store.transaction { transaction in
                        try await transaction.lock("k")
                        order.withLockedValue { $0.append("first in") }
                        try await Task.sleep(for: .milliseconds(300))
                        order.withLockedValue { $0.append("first out") }
                    }
                }
                // The second asks once the first holds the lock (however slow the machine).
                let deadline = ContinuousClock.now + .seconds(30)
                while order.withLockedValue({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                group.addTask {
                    try await harness.withSecondStore { other in
                        try await other.transaction { transaction in
                            try await transaction.lock("k")
                            order.withLockedValue { $0.append("second in") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(order.withLockedValue { $0 } == ["first in", "first out", "second in"])
        }
    }

    @Test(
        "A SQLite store copies into PostgreSQL whole, and never into a store that has data",
        .enabled(if: TestDatabase.available.contains(.postgres))
    )
    func copyIntoPostgres() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-copy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try await SQLStore.sqlite(path: directory + "/source.sqlite")
        let (org, user) = try await Self.seed(source)
        try await source.insertRole(RoleRecord(id: Identifier.make(.permission), orgId: org.id, name: "r", operations: ["A"], createdAt: Self.now))
        try await StoreHarness.with(.postgres) { target, _ in
            let counts = try await StoreCopier.copy(from: source, to: target)
            #expect(counts.first { $0.table == "users" }?.rows == 1)
            #expect(counts.first { $0.table == "signing_keys" }?.rows == 1)
            #expect(try await target.user(id: user.id) == user)
            #expect(try await target.signingKeys() == (try await source.signingKeys()))
            await #expect(throws: StoreCopier.Failure.self) { try await StoreCopier.copy(from: source, to: target) }
        }
        try await source.shutdown()
    }
}
