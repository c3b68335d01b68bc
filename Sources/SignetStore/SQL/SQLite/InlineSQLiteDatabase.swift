package import Logging
package import NIOCore
package import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLKit's view of a ``SQLiteSession``: statements serialised with SQLite's dialect, values
/// encoded and rows decoded as sqlite-kit does, each statement run on the calling thread.
package struct InlineSQLiteDatabase: SQLDatabase {
    /// The connection.
    let session: SQLiteSession
    package let logger: Logger
    package let eventLoop: any EventLoop
    package var dialect: any SQLDialect { SQLiteDialect() }
    package var queryLogLevel: Logger.Level? { nil }

    private let encoder = SQLiteDataEncoder()
    private let decoder = SQLiteDataDecoder()

    init(session: SQLiteSession, logger: Logger, eventLoop: any EventLoop) {
        self.session = session
        self.logger = logger
        self.eventLoop = eventLoop
    }

    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        let values = try binds.map { try encoder.encode($0) }
        let decoder = self.decoder
        try session.run(sql, values) { row in onRow(SQLiteValuesRow(row: row, decoder: decoder)) }
    }
}

/// A row read by a ``SQLiteSession``, decoded as sqlite-kit decodes its rows.
struct SQLiteValuesRow: SQLRow {
    let row: SQLiteValues
    let decoder: SQLiteDataDecoder

    var allColumns: [String] { row.names }

    func contains(column: String) -> Bool { row.names.contains(column) }

    func decodeNil(column: String) throws -> Bool { (row.value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let value = row.value(column) else { throw MissingColumn(column: column) }
        return try decoder.decode(D.self, from: value)
    }

    /// A row without the column asked for.
    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "the row has no column \(column)" }
    }
}
