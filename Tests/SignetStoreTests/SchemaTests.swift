import Foundation
import SQLKit
import SignetTestFixtures
import Testing

@testable import SignetStore

/// The row types are the only place a table's columns are listed; these tests hold them to the
/// schema the migrations really create.
@Suite("Row types match the schema")
struct SchemaTests {
    @Test("Each row type names exactly the columns of its table in the database", arguments: TestDatabase.available)
    func rowTypesMatchColumns(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            for (table, rowType) in StoreCopier.tables {
                let columns = try await store.read { try await Self.columns(of: table.rawValue, in: $0) }
                #expect(!columns.isEmpty, "\(table.rawValue) has no columns")
                #expect(Set(rowType.columns) == columns, "\(table.rawValue): row type \(rowType.columns.sorted()), database \(columns.sorted())")
                #expect(rowType.table == table)
                #expect(rowType.columns.contains(rowType.primaryKeyColumn))
            }
        }
    }

    @Test("Every table but the migrations' own bookkeeping has a row type, so signet migrate copies it")
    func everyTableIsCopied() {
        #expect(StoreCopier.tables.map(\.table) == StoreTable.allCases.filter { $0 != .schemaMigrations })
    }

    static func columns(of table: String, in database: any SQLDatabase) async throws -> Set<String> {
        let query: SQLQueryString =
            database.dialect.name == "sqlite"
            ? "SELECT name FROM pragma_table_info(\(bind: table))"
            : "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)"
        return Set(try await database.raw(query).all().map { try $0.decode(column: "name", as: String.self) })
    }
}

extension StoreRow {
    static var primaryKeyColumn: String { primaryKey.rawValue }
}
