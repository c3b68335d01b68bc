import Foundation
import SQLKit
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// The audit log's hash chain, as the store writes it.
@Suite("Audit chain")
struct AuditChainStoreTests {
    static func action(_ f: WriteScenario.Fixture, orgId: String? = nil, used: Date? = nil, payload: String = "{}") -> UserActionRecord {
        UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: orgId ?? f.orgId,
            userId: f.userId,
            tokenId: f.tokenId,
            tokenKind: .pat,
            credentialUuid: f.credentialUuid,
            challengeId: "ch-x",
            httpMethod: "PUT",
            httpPath: "/auth/pats/to-x",
            payload: payload,
            clientData: "Y2xpZW50",
            signature: "c2ln",
            createdAt: f.now,
            expiresAt: f.now.addingTimeInterval(300),
            usedAt: used
        )
    }

    /// The organisation's chain, checked link by link; returns its length.
    static func checkedChain(_ store: SQLStore, orgId: String) async throws -> Int {
        let records = try await store.auditRecords(orgId: orgId, after: 0, limit: 10_000)
        var previous = AuditChain.genesis
        for (offset, record) in records.enumerated() {
            #expect(record.chainIndex == Int64(offset + 1))
            #expect(record.chainPrevious == previous)
            let hash = record.chainEntry(index: Int64(offset + 1), previous: previous).hash
            #expect(record.chainHash == hash)
            previous = hash
        }
        return records.count
    }

    @Test("Each way into the audit log joins its organisation's chain, linked to the record before", arguments: TestDatabase.available)
    func everyWayIn(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let pending = Self.action(f)
            try await store.insertUserAction(pending)
            #expect(try await store.userAction(id: pending.id)?.chainIndex == nil, "not used: not in the log yet")
            #expect(try await store.consumeUserAction(id: pending.id, at: f.now))
            #expect(try await !store.consumeUserAction(id: pending.id, at: f.now), "used once")
            #expect(try await store.useFastAuthNonce("n1", orgId: f.orgId, until: f.now.addingTimeInterval(60), recording: Self.action(f, used: f.now)))
            #expect(
                try await !store.useFastAuthNonce("n1", orgId: f.orgId, until: f.now.addingTimeInterval(60), recording: Self.action(f, used: f.now)),
                "a replayed nonce records nothing"
            )
            try await store.insertUserAction(Self.action(f, used: f.now))  // an audit record written whole (a recovery)
            #expect(try await Self.checkedChain(store, orgId: f.orgId) == 3)
            let other = try await store.auditRecords(orgId: "or-other", after: 0, limit: 10)
            #expect(other.isEmpty)
            let page = try await store.auditRecords(orgId: f.orgId, after: 1, limit: 1)
            #expect(page.map(\.chainIndex) == [2])
        }
    }

    @Test("Concurrent appends make one chain without a gap or a fork", arguments: TestDatabase.available)
    func concurrentAppends(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let actions = (0..<24).map { Self.action(f, payload: "{\"n\":\($0)}") }
            for action in actions { try await store.insertUserAction(action) }
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, action) in actions.enumerated() {
                    group.addTask {
                        if index.isMultiple(of: 3) {
                            return try await store.useFastAuthNonce(
                                "nonce-\(index)",
                                orgId: f.orgId,
                                until: f.now.addingTimeInterval(60),
                                recording: Self.action(f, used: f.now)
                            )
                        }
                        return try await store.consumeUserAction(id: action.id, at: f.now)
                    }
                }
                for try await appended in group { #expect(appended) }
            }
            #expect(try await Self.checkedChain(store, orgId: f.orgId) == 24)
        }
    }

    @Test("An older store's audit records are chained by the migration, in the order they were used", arguments: TestDatabase.available)
    func migrationChainsExistingRecords(database: TestDatabase.Kind) async throws {
        try await UpgradeTests.withEmptyDatabase(database) { driver in
            try await Migrations.apply(using: driver, through: 12)
            try await driver.withWriter { database in
                try await database.raw("INSERT INTO organizations (id, name, created_at) VALUES ('or-a', 'Org', 0)").run()
                for (id, used) in [("ua-2", "2000"), ("ua-1", "1000"), ("ua-3", "NULL"), ("ua-4", "3000")] {
                    try await database.raw(
                        SQLQueryString(
                            """
                            INSERT INTO user_actions (id, org_id, user_id, token_id, token_kind, credential_uuid, challenge_id, http_method,
                                http_path, payload, client_data, signature, created_at, expires_at, used_at)
                            VALUES ('\(unsafeRaw: id)', 'or-a', 'us-a', 'to-a', 'Pat', 'cr-a', 'ch-a', 'PUT', '/p', '{}', 'Y2Q', 'c2ln', 500, 9000, \(unsafeRaw: used))
                            """
                        )
                    ).run()
                }
            }
            let store = try await SQLStore.open(driver: driver)  // applies 13 and later
            #expect(try await Self.checkedChain(store, orgId: "or-a") == 3)
            #expect(try await store.auditRecords(orgId: "or-a", after: 0, limit: 10).map(\.id) == ["ua-1", "ua-2", "ua-4"])
            #expect(try await store.userAction(id: "ua-3")?.chainIndex == nil, "never used: not in the log")
        }
    }
}
