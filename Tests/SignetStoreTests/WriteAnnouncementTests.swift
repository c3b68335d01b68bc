import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// Cache invalidation is decided by the tables a write touches. These tests watch the database
/// itself (triggers record every table a statement changes) and the change feed, so they prove
/// what each write really does, not what it declares.
@Suite("Every write announces what the tables it changes require")
struct WriteAnnouncementTests {
    @Test("The database holds exactly the tables StoreTable classifies", arguments: TestDatabase.available)
    func everyTableIsClassified(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let tables = try await store.read { try await WriteProbe.tableNames(in: $0) }
            #expect(tables == Set(StoreTable.allCases.map(\.rawValue)))
        }
    }

    @Test("The tables that decide who may do what announce authorization; signing keys announce themselves")
    func authorizationTablesAnnounce() {
        // docs/security.md: any committed change to users, tokens, roles, assignments or
        // credentials empties the authorization cache.
        for table in [StoreTable.users, .accessTokens, .roles, .assignments, .credentials] {
            #expect(table.change == .authorization, "\(table.rawValue)")
        }
        #expect(StoreTable.signingKeys.change == .signingKeys)
    }

    @Test(
        "Each write method announces authorization when it changes an authorization table, signing keys when it changes those",
        arguments: TestDatabase.available
    )
    func everyWriteAnnounces(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let probe = try await WriteProbe.install(on: store)
            let writes = WriteScenario.writes
            for (name, write) in writes {
                try await probe.reset()
                try await write(store, probe.fixture)
                let touched = try await probe.touchedTables()
                let expected = Set(touched.compactMap(WriteProbe.required))
                #expect(!touched.isEmpty, "\(name) changed no table: the scenario does not exercise it")
                #expect(
                    touched.allSatisfy { StoreTable(rawValue: String($0.prefix { $0 != "#" })) != nil },
                    "\(name) changed an unclassified table: \(touched)"
                )
                // Emptying everything (authorization) covers dropping the rendered responses (details);
                // one user's details are details (which user is checked in StoreTests).
                let announced = Set(probe.published().map { change -> StoreChange in
                    if case .detailsOf = change { return .details }
                    return change
                })
                let published = announced.union(announced.contains(.authorization) ? [.details] : [])
                #expect(expected.isSubset(of: published), "\(name) changed \(touched.sorted()) but announced \(probe.published())")
            }
        }
    }

    @Test("A write announced as details only that sets any other column is caught", arguments: TestDatabase.available)
    func detailsOnlyIsChecked(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let probe = try await WriteProbe.install(on: store)
            for (_, write) in WriteScenario.writes { try await write(store, probe.fixture) }  // rows to update
            try await probe.reset()
            try await store.write(details: .accessTokens, owner: { _ in "us-probe" }) {
                try await $0.raw("UPDATE access_tokens SET is_active = is_active").run()
            }
            let required = Set(try await probe.touchedTables().compactMap(WriteProbe.required))
            #expect(required.contains(.authorization), "setting is_active requires an authorization announcement: \(required)")
            #expect(probe.published() == [.detailsOf(userId: "us-probe")])
            try await probe.reset()
            try await store.write(details: .accessTokens, owner: { _ in "us-probe" }) {
                try await $0.raw("UPDATE access_tokens SET name = name").run()
            }
            #expect(Set(try await probe.touchedTables().compactMap(WriteProbe.required)) == [.details])
        }
    }

    @Test("The scenario covers every write method of the SQL store (a new write must be added to it)")
    func scenarioCoversEveryWrite() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/SignetStore/SQL").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        var declared = Set<String>()
        for file in files {
            declared.formUnion(WriteProbe.writeMethods(in: try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)))
        }
        #expect(declared.count >= 24)
        #expect(declared == Set(WriteScenario.writes.map(\.0)))
    }
}

/// Triggers on every table that note which tables a statement changed, and a change-feed subscriber.
struct WriteProbe: Sendable {
    let store: SQLStore
    let fixture: WriteScenario.Fixture
    private let announced = NIOLockedValueBox<Set<StoreChange>>([])

    static func install(on store: SQLStore) async throws -> WriteProbe {
        let fixture = try await WriteScenario.Fixture.seed(store)
        try await store.driver.withWriter { database in
            let tables = try await tableNames(in: database)
            try await database.raw("CREATE TABLE touched_tables (name TEXT NOT NULL)").run()
            if database.dialect.name == "sqlite" {
                for table in tables {
                    for (name, operation, mark) in try await triggers(for: table, in: database) {
                        let sql =
                            "CREATE TRIGGER touch_\(table)_\(name) AFTER \(operation) ON \(table) "
                            + "BEGIN INSERT INTO touched_tables VALUES ('\(table)\(mark)'); END"
                        try await database.raw("\(unsafeRaw: sql)").run()
                    }
                }
            } else {
                try await database.raw(
                    """
                    CREATE FUNCTION note_touched_table() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN INSERT INTO touched_tables VALUES (TG_TABLE_NAME || COALESCE(TG_ARGV[0], '')); RETURN NULL; END $$
                    """
                ).run()
                for table in tables {
                    for (name, operation, mark) in try await triggers(for: table, in: database) {
                        let sql =
                            "CREATE TRIGGER touch_\(table)_\(name) AFTER \(operation) ON \(table) "
                            + "FOR EACH ROW EXECUTE FUNCTION note_touched_table('\(mark)')"
                        try await database.raw("\(unsafeRaw: sql)").run()
                    }
                }
            }
        }
        let probe = WriteProbe(store: store, fixture: fixture)
        store.changes.subscribe { [announced = probe.announced] change in announced.withLockedValue { _ = $0.insert(change) } }
        return probe
    }

    func reset() async throws {
        try await store.driver.withWriter { try await $0.raw("DELETE FROM touched_tables").run() }
        announced.withLockedValue { $0 = [] }
    }

    func published() -> Set<StoreChange> { announced.withLockedValue { $0 } }

    func touchedTables() async throws -> Set<String> {
        try await store.driver.withReader { database in
            Set(try await database.raw("SELECT name FROM touched_tables").all().map { try $0.decode(column: "name", as: String.self) })
        }
    }

    /// The triggers for one table: (name, event, mark). A table with ``StoreTable/detailColumns``
    /// gets one update trigger on those columns, marked `#details`, and one on all the others, so
    /// a write announced as details only is caught if it sets anything else.
    static func triggers(for table: String, in database: any SQLDatabase) async throws -> [(String, String, String)] {
        let details = StoreTable(rawValue: table)?.detailColumns ?? []
        if details.isEmpty { return [("insert", "INSERT", ""), ("update", "UPDATE", ""), ("delete", "DELETE", "")] }
        let columns: SQLQueryString =
            database.dialect.name == "sqlite"
            ? "SELECT name FROM pragma_table_info(\(bind: table))"
            : "SELECT column_name AS name FROM information_schema.columns WHERE table_name = \(bind: table) AND table_schema = current_schema()"
        let all = Set(try await database.raw(columns).all().map { try $0.decode(column: "name", as: String.self) })
        let others = all.subtracting(details).sorted().joined(separator: ", ")
        return [
            ("insert", "INSERT", ""), ("delete", "DELETE", ""), ("update", "UPDATE OF \(others)", ""),
            ("update_details", "UPDATE OF \(details.sorted().joined(separator: ", "))", "#details"),
        ]
    }

    /// What a touched-table note requires to be announced.
    static func required(_ note: String) -> StoreChange? {
        note.hasSuffix("#details") ? .details : StoreTable(rawValue: note)?.change
    }

    /// The schema's tables, as the database lists them.
    static func tableNames(in database: any SQLDatabase) async throws -> Set<String> {
        let query: SQLQueryString =
            database.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        return Set(try await database.raw(query).all().map { try $0.decode(column: "name", as: String.self) })
    }

    /// `name(firstLabel:…)` of every method in `source` whose body calls `write(`.
    static func writeMethods(in source: String) -> Set<String> {
        let parts = source.replacingOccurrences(of: "public func ", with: "package func ")
            .components(separatedBy: "package func ").dropFirst()
        return Set(
            parts.compactMap { part -> String? in
                let body = part.components(separatedBy: "\n    }\n").first ?? part
                guard body.contains("try await write(") || body.contains("try await store.write("), let open = part.firstIndex(of: "(")
                else { return nil }
                let name = part[..<open]
                let firstLabel = part[part.index(after: open)...].drop { $0.isWhitespace }.prefix { $0 != ":" && $0 != " " && $0 != ")" }
                return "\(name)(\(firstLabel))"
            }
        )
    }
}
