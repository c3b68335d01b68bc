import Foundation
import PostgresNIO
import SQLKit
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// A store written by an older release keeps its data through the migrations that reshape it.
@Suite("Upgrades")
struct UpgradeTests {
    /// Runs `body` with a driver over a fresh, empty database (no migrations applied).
    static func withEmptyDatabase(_ database: TestDatabase.Kind, _ body: @Sendable (any DatabaseDriver) async throws -> Void) async throws {
        if database == .sqlite {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-upgrade-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let driver = try await SQLiteDriver.open(path: directory + "/signet.sqlite", logger: StoreHarness.logger)
            do {
                try await body(driver)
                try await driver.shutdown()
            } catch {
                try? await driver.shutdown()
                throw error
            }
            return
        }
        let url = try await TestDatabase.createPostgres()
        defer { Task { try? await TestDatabase.dropPostgres(url) } }
        let driver = try PostgresDriver(url: url, logger: StoreHarness.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await driver.client.run() }
            defer { group.cancelAll() }
            try await body(driver)
        }
    }

    @Test("A version-3 store upgrades with its outstanding codes, passkey counters and duplicate PAT names", arguments: TestDatabase.available)
    func fromVersion3(database: TestDatabase.Kind) async throws {
        try await Self.withEmptyDatabase(database) { driver in
            try await Migrations.apply(using: driver, through: 3)
            try await driver.withWriter { database in
                for statement in Self.version3Rows { try await database.raw(SQLQueryString(statement)).run() }
            }
            let store = try await SQLStore.open(driver: driver)  // applies the rest
            let code = try #require(try await store.registrationCode(userId: "us-a"))
            #expect(code.digest == "code-digest" && code.failures == 2 && code.expiresAt == Date(milliseconds: 4_000_000_000_000))
            #expect(try await store.registrationCode(userId: "us-b") == nil, "no code, no row")
            let credential = try #require(try await store.credential(uuid: "cr-a"))
            #expect(try await store.signCount(of: credential) == 7)
            #expect(try await !store.recordSignCount(uuid: "cr-a", signCount: 7, at: Date()), "the counter carried over still refuses a repeat")
            // A race had left two live PATs named "dup": both keep their name, and the index holds from now on.
            let pats = try await store.tokens(userId: "us-a", kind: .pat).filter { $0.name == "dup" }
            #expect(pats.count == 2)
            #expect(Set(pats.map(\.nameKey)).count == 2)
            let third = AccessTokenRecord(
                id: "to-c",
                orgId: "or-a",
                kind: .pat,
                userId: "us-a",
                credentialUuid: nil,
                name: "dup",
                tokenDigest: "d3",
                createdAt: Date(),
                expiresAt: Date().addingTimeInterval(60)
            )
            await #expect(throws: StoreError.self) { try await store.insertToken(third) }
            // The composed twin of a decomposed name, and a name that looks like a suffixed key, upgrade too.
            let keys = Dictionary(uniqueKeysWithValues: try await store.tokens(userId: "us-a", kind: .pat).map { ($0.id, $0.nameKey) })
            #expect(keys["to-n"].map { Array($0.unicodeScalars) } == Array("Caf\u{E9}".unicodeScalars))
            #expect(keys["to-p"].map { Array($0.unicodeScalars) } == Array("Caf\u{E9}\u{1}to-p".unicodeScalars))
            #expect(keys["to-q"] == "dup #to-b" && keys["to-b"] == "dup\u{1}to-b")
            // A name stored decomposed before the index is held by it in its composed form.
            let composed = AccessTokenRecord(
                id: "to-m",
                orgId: "or-a",
                kind: .pat,
                userId: "us-a",
                credentialUuid: nil,
                name: "Caf\u{E9}",
                tokenDigest: "dm",
                createdAt: Date(),
                expiresAt: Date().addingTimeInterval(60)
            )
            await #expect(throws: StoreError.self) { try await store.insertToken(composed) }
            // Changing only the external id of the duplicate keeps its own key (the index would refuse "dup").
            let renamed = try await store.updateTokenDetails(id: "to-b", name: "dup", externalId: "ext", at: Date())
            #expect(renamed?.externalId == "ext" && renamed?.nameKey == pats.first { $0.id == "to-b" }?.nameKey)
            // The name stays taken while either holds it, the one under a suffixed key too.
            let dup = AccessTokenRecord.key(for: "dup")
            #expect(try await store.patNameInUse(key: dup, userId: "us-a", except: nil))
            _ = try await store.deleteToken(id: "to-a", at: Date())
            #expect(try await store.patNameInUse(key: dup, userId: "us-a", except: nil), "to-b is still named dup")
            #expect(try await !store.patNameInUse(key: dup, userId: "us-a", except: "to-b"))
            #expect(try await !store.patNameInUse(key: AccessTokenRecord.key(for: "du"), userId: "us-a", except: nil))
        }
    }

    /// Rows in the version-3 schema: a person with an outstanding code (two wrong guesses), one
    /// without, a passkey whose counter reached 7, two live PATs of one name, a deleted one, one
    /// whose name is stored decomposed ("Cafe" and U+0301) and its composed twin, and one named
    /// like a key the migration could have given a duplicate.
    static let version3Rows = [
        "INSERT INTO organizations (id, name, created_at) VALUES ('or-a', 'Org', 0)",
        """
        INSERT INTO users (id, org_id, username, username_key, name, kind, is_active, is_service_account, is_registered,
            is_sso_required, is_deleted, created_at, updated_at, registration_code_digest, registration_code_expires_at,
            registration_code_failures)
        VALUES ('us-a', 'or-a', 'a@example.com', 'a@example.com', 'A', 'CustomerEmployee', TRUE, FALSE, FALSE, FALSE, FALSE, 0, 0,
            'code-digest', 4000000000000, 2),
            ('us-b', 'or-a', 'b@example.com', 'b@example.com', 'B', 'CustomerEmployee', TRUE, FALSE, TRUE, FALSE, FALSE, 0, 0,
            NULL, NULL, 0)
        """,
        """
        INSERT INTO credentials (uuid, org_id, credential_id, identity_id, kind, name, public_key, fingerprint, algorithm, is_active,
            created_at, sign_count)
        VALUES ('cr-a', 'or-a', 'cred-a', 'us-a', 'Fido2', 'passkey', 'pem', 'fp-a', 'ECDSA-P256', TRUE, 0, 7)
        """,
        """
        INSERT INTO access_tokens (id, org_id, kind, user_id, credential_uuid, name, is_active, is_deleted, token_digest, created_at,
            updated_at, expires_at)
        VALUES ('to-a', 'or-a', 'Pat', 'us-a', NULL, 'dup', TRUE, FALSE, 'd1', 0, 0, 4000000000000),
            ('to-b', 'or-a', 'Pat', 'us-a', NULL, 'dup', TRUE, FALSE, 'd2', 0, 0, 4000000000000),
            ('to-x', 'or-a', 'Pat', 'us-a', NULL, 'dup', FALSE, TRUE, 'd0', 0, 0, 4000000000000),
            ('to-n', 'or-a', 'Pat', 'us-a', NULL, 'Cafe\u{301}', TRUE, FALSE, 'dn', 0, 0, 4000000000000),
            ('to-p', 'or-a', 'Pat', 'us-a', NULL, 'Caf\u{E9}', TRUE, FALSE, 'dp', 0, 0, 4000000000000),
            ('to-q', 'or-a', 'Pat', 'us-a', NULL, 'dup #to-b', TRUE, FALSE, 'dq', 0, 0, 4000000000000)
        """,
    ]
}
