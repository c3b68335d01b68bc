import NIOConcurrencyHelpers
package import SQLiteNIO
import VaporCSQLite

/// One SQLite connection whose statements run on the calling thread, prepared once and kept.
///
/// Why not sqlite-nio's connection: it sends every statement to a thread pool and back, which cost a
/// third of a signed write's server time (two thread wake-ups per statement; BENCHMARKS.md "Signed
/// writes and Fast Auth"), and prepares each statement anew. A statement on a connection's own
/// pages takes microseconds, less than the hop. What may wait long (taking the write lock another
/// process holds, a commit's `fsync`) is sent to a thread by ``SQLiteDriver``, not run here.
///
/// It uses the SQLite library sqlite-nio builds (`VaporCSQLite`), the one its other connections
/// (`signet backup`, the integrity check) use: two copies of SQLite in one process would break each
/// other's POSIX file locks.
///
/// One caller at a time: ``SQLiteDriver`` serialises each connection's users (the writer's group
/// commit, a lock per reader); the lock here only makes that safe to state.
package final class SQLiteSession: Sendable {
    /// The connection and its prepared statements, by address: SQLite's pointers are not Sendable,
    /// and are only ever used under the lock.
    private struct State: Sendable {
        var connection: UInt
        var statements: [String: UInt] = [:]
    }

    /// How many prepared statements a connection keeps; past it, all are dropped and prepared again.
    /// Signet's SQL is a fixed set of texts (values are bound), a few hundred at most.
    static let statementLimit = 512

    private let state: NIOLockedValueBox<State?>
    /// The database file.
    package let path: String

    private init(path: String, connection: OpaquePointer) {
        self.path = path
        self.state = NIOLockedValueBox(State(connection: UInt(bitPattern: connection)))
    }

    /// Opens `path` (creating it when `create`), read-write or read-only.
    package static func open(path: String, create: Bool = true, readOnly: Bool = false) throws -> SQLiteSession {
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        let status = sqlite_nio_sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let failure = SQLiteFailure(code: status, message: "cannot open the SQLite database at \(path)")
            if let connection { sqlite_nio_sqlite3_close_v2(connection) }
            throw failure
        }
        return SQLiteSession(path: path, connection: connection)
    }

    /// Opens `path` as ``open(path:create:readOnly:)`` does, then runs `pragmas`; closed again if one fails.
    package static func open(path: String, create: Bool = true, pragmas: [String]) throws -> SQLiteSession {
        let session = try open(path: path, create: create)
        do {
            for pragma in pragmas { try session.run(pragma, []) { _ in } }
        } catch {
            session.close()
            throw error
        }
        return session
    }

    /// Runs one statement with `binds`, calling `onRow` for each row, before returning. The
    /// statement is reset at the end, so no read transaction stays open after it.
    package func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteValues) throws -> Void) throws {
        try state.withLockedValue { state in
            guard var current = state else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
            defer { state = current }
            let statement = try Self.prepared(sql, in: &current)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            try Self.bind(binds, to: statement, connection: current.connection)
            var names: [String]?
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else { throw SQLiteFailure(status, connection: current.connection) }
                let columns = names ?? Self.columnNames(of: statement)
                names = columns
                try onRow(SQLiteValues(names: columns, values: try Self.values(of: statement, count: columns.count)))
            }
        }
    }

    /// Closes the connection and its statements; later calls fail.
    package func close() {
        state.withLockedValue { state in
            guard let current = state else { return }
            for statement in current.statements.values { sqlite_nio_sqlite3_finalize(OpaquePointer(bitPattern: statement)) }
            sqlite_nio_sqlite3_close_v2(OpaquePointer(bitPattern: current.connection))
            state = nil
        }
    }

    private static func prepared(_ sql: String, in state: inout State) throws -> OpaquePointer {
        if let kept = state.statements[sql], let statement = OpaquePointer(bitPattern: kept) { return statement }
        if state.statements.count >= statementLimit {
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(OpaquePointer(bitPattern: statement)) }
            state.statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            OpaquePointer(bitPattern: state.connection), sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteFailure(status, connection: state.connection)
        }
        state.statements[sql] = UInt(bitPattern: statement)
        return statement
    }
}

/// A row's values beside its column names (shared by every row of one statement).
package struct SQLiteValues: Sendable {
    /// The column names, in order.
    package let names: [String]
    /// The values, in the same order.
    package let values: [SQLiteData]

    /// The value of the first column named `name`, if any.
    package func value(_ name: String) -> SQLiteData? {
        guard let index = names.firstIndex(of: name) else { return nil }
        return values[index]
    }
}

/// SQLite refused a statement: its extended result code and message.
package struct SQLiteFailure: Error, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY`, …).
    package let code: Int32
    /// SQLite's message.
    package let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ status: Int32, connection: UInt) {
        let handle = OpaquePointer(bitPattern: connection)
        let code = handle.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? status
        let text = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(status)"
        self.init(code: code == SQLITE_OK ? status : code, message: text)
    }

    /// A constraint refused the statement; SQLite undid that statement alone (`ON CONFLICT ABORT`).
    package var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }

    /// A unique index or primary key refused a duplicate.
    package var isUniqueViolation: Bool {
        code == Self.constraintUnique || code == Self.constraintPrimaryKey
    }

    /// `SQLITE_CONSTRAINT_UNIQUE` and `SQLITE_CONSTRAINT_PRIMARYKEY` (macros Swift does not import).
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

    package var description: String { "SQLite error \(code): \(message)" }
}
