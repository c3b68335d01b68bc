package import Logging
package import NIOCore
package import SQLKit
package import NIOPosix
import SQLiteKit
import SQLiteNIO

/// SQLKit's view of a ``SQLiteSession``: statements serialised with SQLite's dialect, values
/// encoded and rows decoded as sqlite-kit does, each statement run on the calling thread; one that
/// meets a lock another process holds runs again on `threads`, where it may wait.
package struct InlineSQLiteDatabase: SQLDatabase {
    /// The connection.
    let session: SQLiteSession
    /// Where a statement may wait.
    let threads: NIOThreadPool
    package let logger: Logger
    package let eventLoop: any EventLoop
    package var dialect: any SQLDialect { SQLiteDialect() }
    /// No statement is logged: values bound include token digests and signed payloads.
    package var queryLogLevel: Logger.Level? { nil }

    private let encoder = SQLiteDataEncoder()
    private let decoder = SQLiteDataDecoder()

    package init(session: SQLiteSession, threads: NIOThreadPool, logger: Logger, eventLoop: any EventLoop) {
        self.session = session
        self.threads = threads
        self.logger = logger
        self.eventLoop = eventLoop
    }

    /// Futures' callers (none in Signet) get the statement run on `threads`.
    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        threads.runIfActive(eventLoop: eventLoop) { try self.run(query, patient: true, onRow) }
    }

    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        do {
            try run(query, patient: false, onRow)
        } catch let failure as SQLiteFailure where failure.isBusy {
            // The statement did nothing (SQLite gave up waiting before it began): it waits on a thread.
            session.notePatientRetry()
            try await threads.runIfActive { try self.run(query, patient: true, onRow) }
        }
    }

    private func run(_ query: any SQLExpression, patient: Bool, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        let values = try binds.map { try SQLiteDirectValues.encoded($0) ?? encoder.encode($0) }
        let decoder = self.decoder
        try session.run(sql, values, patient: patient) { row in onRow(SQLiteValuesRow(row: row, decoder: decoder)) }
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
        return try SQLiteDirectValues.decoded(value, as: D.self) ?? decoder.decode(D.self, from: value)
    }

    /// A row without the column asked for.
    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "the row has no column \(column)" }
    }
}
