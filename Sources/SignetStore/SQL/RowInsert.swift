import NIOConcurrencyHelpers
import SQLKit

extension SQLDatabase {
    /// Inserts one row, naming every column of its type (NULL for `nil`): the row type is the
    /// only place a table's columns are listed. The statement's text up to its values is built
    /// once per row type and dialect (``RowInsert``); only the values are bound each time.
    func insertRow<Row: StoreRow>(_ row: Row) async throws {
        try await raw(try insertStatement(row)).run()
    }

    /// The statement ``insertRow(_:)`` runs.
    func insertStatement<Row: StoreRow>(_ row: Row) throws -> SQLQueryString {
        let pairs = try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(row)
        var query = SQLQueryString(RowInsert.head(of: Row.self, columns: pairs.map(\.0), in: self))
        for (index, pair) in pairs.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query.appendInterpolation(pair.1)
        }
        query.appendLiteral(")")
        return query
    }
}

/// `INSERT INTO "table" ("a", "b", …) VALUES (`, kept per row type and dialect: SQLKit's
/// serialisation of every identifier was a twentieth of a signed write's server time.
enum RowInsert {
    private struct Key: Hashable {
        let row: ObjectIdentifier
        let dialect: String
    }

    private struct Head {
        let columns: [String]
        let text: String
    }

    private static let heads = NIOLockedValueBox<[Key: Head]>([:])

    /// The statement's text up to its values, for `columns` in this order.
    static func head<Row: StoreRow>(of row: Row.Type, columns: [String], in database: any SQLDatabase) -> String {
        let key = Key(row: ObjectIdentifier(row), dialect: database.dialect.name)
        if let head = heads.withLockedValue({ $0[key] }), head.columns == columns { return head.text }
        let table = database.serialize(SQLIdentifier(Row.table.rawValue)).sql
        let names = database.serialize(SQLList(columns.map { SQLIdentifier($0) })).sql
        let text = "INSERT INTO \(table) (\(names)) VALUES ("
        heads.withLockedValue { $0[key] = Head(columns: columns, text: text) }
        return text
    }
}
