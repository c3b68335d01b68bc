import CSignetSQLite
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
        /// The connection's busy timeout now, in milliseconds.
        var busyMilliseconds: Int32 = 0
    }

    /// How many prepared statements a connection keeps; past it, all are dropped and prepared again.
    /// Signet's SQL is a fixed set of texts (values are bound), a few hundred at most.
    static let statementLimit = 512
    /// A statement with more parameters than this is not kept: its text is one of many (a list of
    /// identifiers `IN (…)` has one text per length).
    static let keptParameterLimit = 64
    /// How long a statement run ``run(_:_:patient:_:)`` with `patient` waits for a lock another
    /// process holds (`signet backup`, `signet migrate`, a second process migrating at start-up):
    /// 30 s, long enough for any transaction of theirs on a loaded machine. Run without it, a
    /// statement that meets such a lock fails at once with `SQLITE_BUSY` (``SQLiteFailure/isBusy``).
    static let patientMilliseconds: Int32 = 30_000

    private let state: NIOLockedValueBox<State?>
    private let patientRetries = NIOLockedValueBox(0)
    /// The database file.
    package let path: String

    private init(path: String, connection: OpaquePointer) {
        self.path = path
        self.state = NIOLockedValueBox(State(connection: UInt(bitPattern: connection)))
    }

    /// Opens `path` for reading and writing (creating it when `create`).
    package static func open(path: String, create: Bool = true) throws -> SQLiteSession {
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        let status = sqlite_nio_sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let reason = connection.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(status)"
            if let connection { sqlite_nio_sqlite3_close_v2(connection) }
            throw SQLiteFailure(code: status, message: "cannot open the SQLite database at \(path): \(reason)")
        }
        // Plans fixed at preparation: without this, SQLite prepares a statement again on every use
        // when a bound value could change its plan (a value compared where a partial index has a
        // literal, a LIMIT), which cost as much as not keeping statements at all. Signet's partial
        // indexes are matched by literals in its SQL, so no plan depends on a bound value.
        let qpsg = signet_sqlite_enable_qpsg(UnsafeMutableRawPointer(connection))
        guard qpsg == 0 else {
            sqlite_nio_sqlite3_close_v2(connection)
            throw SQLiteFailure(code: qpsg, message: "cannot fix query plans on the SQLite database at \(path)")
        }
        return SQLiteSession(path: path, connection: connection)
    }

    /// Opens `path` as ``open(path:create:)`` does, then runs `pragmas` (waiting for locks);
    /// closed again if one fails.
    package static func open(path: String, create: Bool = true, pragmas: [String]) throws -> SQLiteSession {
        let session = try open(path: path, create: create)
        do {
            for pragma in pragmas { try session.run(pragma, [], patient: true) { _ in } }
        } catch {
            session.close()
            throw error
        }
        return session
    }

    /// Runs one statement with `binds`, calling `onRow` for each row, before returning. The
    /// statement is reset at the end, so no read transaction stays open after it. Unless `patient`,
    /// a lock held by another process fails the statement at once (``SQLiteFailure/isBusy``), so
    /// that the caller's thread never waits for it: run it again with `patient` on a thread of its own.
    package func run(_ sql: String, _ binds: [SQLiteData], patient: Bool = false, _ onRow: (SQLiteValues) throws -> Void) throws {
        try state.withLockedValue { state in
            guard var current = state else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
            state = nil  // moved out and back, so that its dictionary is never copied
            defer { state = current }
            try Self.setPatience(patient, in: &current)
            let (statement, kept) = try Self.prepared(sql, in: &current)
            defer {
                if kept {
                    sqlite_nio_sqlite3_reset(statement)
                    sqlite_nio_sqlite3_clear_bindings(statement)
                } else {
                    sqlite_nio_sqlite3_finalize(statement)
                }
            }
            try Self.bind(binds, to: statement, connection: current.connection)
            var names: [String]?
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else { throw SQLiteFailure(status, connection: current.connection) }
                let columns = try names ?? Self.columnNames(of: statement)
                names = columns
                try onRow(SQLiteValues(names: columns, values: try Self.values(of: statement, count: columns.count)))
            }
        }
    }

    /// How many statements met another process's lock and ran again on a thread where they may wait.
    package var retriedPatiently: Int { patientRetries.withLockedValue { $0 } }

    func notePatientRetry() { patientRetries.withLockedValue { $0 += 1 } }

    /// How many statements the connection keeps prepared (for tests).
    package var keptStatements: Int { state.withLockedValue { $0?.statements.count ?? 0 } }

    /// How many times SQLite prepared the kept statement `sql` again since it was first prepared
    /// (`SQLITE_STMTSTATUS_REPREPARE`; for tests), or nil when it is not kept.
    package func timesPreparedAgain(_ sql: String) -> Int? {
        state.withLockedValue { state in
            guard let kept = state?.statements[sql], let statement = OpaquePointer(bitPattern: kept) else { return nil }
            return Int(sqlite_nio_sqlite3_stmt_status(statement, Self.statementStatusReprepare, 0))
        }
    }

    /// `SQLITE_STMTSTATUS_REPREPARE`.
    private static let statementStatusReprepare: Int32 = 5

    /// Whether the connection is inside a transaction (SQLite has not gone back to autocommit).
    package var isInTransaction: Bool {
        state.withLockedValue { state in
            guard let connection = state.flatMap({ OpaquePointer(bitPattern: $0.connection) }) else { return false }
            return sqlite_nio_sqlite3_get_autocommit(connection) == 0
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

    private static func setPatience(_ patient: Bool, in state: inout State) throws {
        let wanted = patient ? patientMilliseconds : 0
        guard state.busyMilliseconds != wanted else { return }
        let status = sqlite_nio_sqlite3_busy_timeout(OpaquePointer(bitPattern: state.connection), wanted)
        guard status == SQLITE_OK else { throw SQLiteFailure(status, connection: state.connection) }
        state.busyMilliseconds = wanted
    }

    /// The statement for `sql`, prepared now or kept from before, and whether it is kept.
    private static func prepared(_ sql: String, in state: inout State) throws -> (OpaquePointer, kept: Bool) {
        if let kept = state.statements[sql], let statement = OpaquePointer(bitPattern: kept) { return (statement, true) }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            OpaquePointer(bitPattern: state.connection), sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteFailure(status, connection: state.connection)
        }
        guard sqlite_nio_sqlite3_bind_parameter_count(statement) <= keptParameterLimit else { return (statement, false) }
        if state.statements.count >= statementLimit {
            for kept in state.statements.values { sqlite_nio_sqlite3_finalize(OpaquePointer(bitPattern: kept)) }
            state.statements.removeAll(keepingCapacity: true)
        }
        state.statements[sql] = UInt(bitPattern: statement)
        return (statement, true)
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

    /// A constraint refused the statement: unique, primary key, not null, check or foreign key
    /// (with `ON CONFLICT ABORT`, SQLite undoes that statement alone).
    package var isConstraint: Bool {
        [SQLITE_CONSTRAINT, Self.constraintUnique, Self.constraintPrimaryKey, Self.constraintNotNull, Self.constraintCheck,
         Self.constraintForeignKey].contains(code)
    }

    /// Another connection holds a lock this statement needs (`SQLITE_BUSY` and its extended codes).
    package var isBusy: Bool { code & 0xff == SQLITE_BUSY }

    /// A unique index or primary key refused a duplicate.
    package var isUniqueViolation: Bool {
        code == Self.constraintUnique || code == Self.constraintPrimaryKey
    }

    /// Extended constraint codes (macros Swift does not import).
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintNotNull = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintCheck = SQLITE_CONSTRAINT | (1 << 8)
    static let constraintForeignKey = SQLITE_CONSTRAINT | (3 << 8)

    package var description: String { "SQLite error \(code): \(message)" }
}
