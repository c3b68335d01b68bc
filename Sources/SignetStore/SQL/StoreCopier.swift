import Foundation
import SQLKit

/// Copies every record of one SQL store into another, empty one (`signet migrate`), table by table
/// in dependency order, in one transaction on the target, then checks the counts.
///
/// The copy is driven by the row types (``StoreTable/rowType``): every column a row type names is
/// read and written, so a new column cannot be left behind.
package enum StoreCopier {
    /// Why a copy was refused or failed its check.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The tables that hold data, in an order that satisfies the foreign keys.
    static var tables: [(table: StoreTable, rowType: any StoreRow.Type)] {
        StoreTable.allCases.compactMap { table in table.rowType.map { (table, $0) } }
    }

    /// Copies `source` into `target`, which must hold no organisation. Returns the row count per table,
    /// identical in both stores (checked after the copy).
    package static func copy(from source: SQLStore, to target: SQLStore) async throws -> [(table: String, rows: Int)] {
        guard try await target.organizations().isEmpty else {
            throw Failure(description: "the target already holds an organisation; migrate into an empty database")
        }
        let snapshot = try await read(source)
        try await target.driver.transaction { database in
            // The target's first start made its own signing key; the source's keys replace it.
            try await database.raw("DELETE FROM signing_keys").run()
            for (_, rows) in snapshot {
                for row in rows { try await database.insertRow(row) }
            }
        }
        var counts: [(table: String, rows: Int)] = []
        for (table, rows) in snapshot {
            let targetCount = try await count(table, in: target)
            guard rows.count == targetCount else {
                throw Failure(description: "\(table.rawValue): \(rows.count) rows in the source but \(targetCount) in the target")
            }
            counts.append((table.rawValue, targetCount))
        }
        target.changes.publish(.authorization)
        target.changes.publish(.signingKeys)
        return counts
    }

    /// Every table of `source`, read in one transaction: one consistent snapshot, even if something
    /// writes to the source meanwhile (SQLite: the write lock is held; PostgreSQL: REPEATABLE READ).
    static func read(_ source: SQLStore) async throws -> [(table: StoreTable, rows: [any StoreRow])] {
        let isShared = source.driver.isShared
        return try await source.driver.transaction { database in
            if isShared { try await database.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            var data: [(table: StoreTable, rows: [any StoreRow])] = []
            for (table, rowType) in tables {
                data.append((table, try await rows(of: rowType, in: database)))
            }
            return data
        }
    }

    private static func rows<Row: StoreRow>(of type: Row.Type, in database: any SQLDatabase) async throws -> [any StoreRow] {
        try await database.raw("SELECT * FROM \(unsafeRaw: Row.table.rawValue) ORDER BY \(unsafeRaw: Row.primaryKey.rawValue)")
            .all(decoding: Row.self)
    }

    static func count(_ table: StoreTable, in store: SQLStore) async throws -> Int {
        try await store.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table.rawValue)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
