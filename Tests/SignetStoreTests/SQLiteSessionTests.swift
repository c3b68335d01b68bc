import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteNIO
import SignetStore
import Testing

/// ``SQLiteSession``: SQLite called on the caller's thread with statements kept prepared. What the
/// thread pool used to give for free must still hold: values read back exactly, no read left open,
/// another process's lock waited for on a thread, and statements not prepared again on every use.
@Suite("Store: SQLite statements on the caller's thread", .timeLimit(.minutes(5)))
struct SQLiteSessionTests {
    static func withFile(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-session-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory + "/s.sqlite")
    }

    /// One session on a fresh file, closed after `body`.
    static func withSession(_ body: (SQLiteSession) async throws -> Void) async throws {
        try await withFile { path in
            let session = try SQLiteSession.open(path: path)
            defer { session.close() }
            try await body(session)
        }
    }

    static func rows(_ session: SQLiteSession, _ sql: String, _ binds: [SQLiteData] = []) throws -> [[SQLiteData]] {
        var rows: [[SQLiteData]] = []
        try session.run(sql, binds) { rows.append($0.values) }
        return rows
    }

    @Test("Values come back exactly: text with a NUL and beyond ASCII, blobs, integers at their limits, doubles, NULL")
    func valuesRoundTrip() async throws {
        try await Self.withSession { session in
            try session.run("CREATE TABLE v (t TEXT, b BLOB, i INTEGER, d REAL, n TEXT)", []) { _ in }
            let text = "a\u{0}b é 🔑"
            let values: [[SQLiteData]] = [
                [.text(text), .blob(ByteBuffer(bytes: [0, 255, 1])), .integer(.max), .float(0.1), .null],
                [.text(""), .blob(ByteBuffer()), .integer(.min), .float(-2.5e300), .null],
            ]
            for row in values { try session.run("INSERT INTO v VALUES (?1, ?2, ?3, ?4, ?5)", row) { _ in } }
            let read = try Self.rows(session, "SELECT t, b, i, d, n FROM v ORDER BY rowid")
            #expect(read[0][0] == .text(text))
            #expect(Array(read[0][0].string?.unicodeScalars ?? "".unicodeScalars) == Array(text.unicodeScalars))
            #expect(read[0][1] == .blob(ByteBuffer(bytes: [0, 255, 1])))
            #expect(read[0][2] == .integer(.max) && read[1][2] == .integer(.min))
            #expect(read[0][3] == .float(0.1) && read[1][3] == .float(-2.5e300))
            #expect(read[0][4] == .null && read[1][0] == .text(""))
            // An empty blob comes back as a blob or NULL, never as another value.
            #expect(read[1][1] == .blob(ByteBuffer()) || read[1][1] == .null)
        }
    }

    @Test("A kept statement holds no read open: a reader sees a write committed after its last read")
    func noReadLeftOpen() async throws {
        try await Self.withFile { path in
            let writer = try SQLiteSession.open(path: path, pragmas: ["PRAGMA journal_mode = WAL"])
            let reader = try SQLiteSession.open(path: path, create: false, pragmas: ["PRAGMA query_only = 1"])
            defer { reader.close(); writer.close() }
            try writer.run("CREATE TABLE t (id TEXT PRIMARY KEY)", []) { _ in }
            let kept = reader.keptStatements
            for index in 0..<5 {
                try writer.run("INSERT INTO t (id) VALUES (?1)", [.text("id-\(index)")]) { _ in }
                // Stop after the first row: the statement is reset all the same.
                var first: SQLiteData?
                try reader.run("SELECT count(*) AS n FROM t", []) { row in first = first ?? row.value("n") }
                #expect(first == .integer(SQLiteInt64(index + 1)))
            }
            #expect(reader.keptStatements == kept + 1)
        }
    }

    @Test("Refusals keep SQLite's extended codes: a duplicate is a unique violation, a missing value a constraint only")
    func refusals() async throws {
        try await Self.withSession { session in
            try session.run("CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)", []) { _ in }
            try session.run("INSERT INTO t VALUES ('a', 'x')", []) { _ in }
            #expect(throws: SQLiteFailure.self) { try session.run("INSERT INTO t VALUES ('b', 'x')", []) { _ in } }
            do {
                try session.run("INSERT INTO t VALUES ('a', 'y')", []) { _ in }
                Issue.record("a duplicate primary key was accepted")
            } catch let failure as SQLiteFailure {
                #expect(failure.isUniqueViolation && failure.isConstraint)
            }
            do {
                try session.run("INSERT INTO t VALUES ('c', NULL)", []) { _ in }
                Issue.record("a NULL name was accepted")
            } catch let failure as SQLiteFailure {
                #expect(failure.isConstraint && !failure.isUniqueViolation)
            }
            #expect(throws: SQLiteFailure.self) { try session.run("SELECT nonsense FROM nowhere", []) { _ in } }
            #expect(try Self.rows(session, "SELECT count(*) FROM t") == [[.integer(1)]])
        }
    }

    @Test("A statement bound to a value where a partial index has a literal is not prepared again on each use")
    func plansStayPrepared() async throws {
        try await Self.withSession { session in
            try session.run("CREATE TABLE tokens (user_id TEXT, kind TEXT, name TEXT, limit_n INTEGER)", []) { _ in }
            try session.run("CREATE UNIQUE INDEX tokens_name ON tokens (user_id, name) WHERE kind = 'Pat'", []) { _ in }
            let query = "SELECT name FROM tokens WHERE user_id = ?1 AND kind = ?2 ORDER BY name LIMIT ?3"
            for (user, kind, limit) in [("u1", "Pat", 1), ("u2", "Login", 0), ("u3", "Pat", 50), ("u1", "Service", 1)] {
                _ = try Self.rows(session, query, [.text(user), .text(kind), .integer(SQLiteInt64(limit))])
            }
            #expect(session.timesPreparedAgain(query) == 0)
        }
    }

    @Test("A statement with many parameters is run but not kept; kept statements stay bounded")
    func manyParametersNotKept() async throws {
        try await Self.withSession { session in
            try session.run("CREATE TABLE t (id INTEGER)", []) { _ in }
            let kept = session.keptStatements
            for length in [100, 101, 102] {
                let list = (1...length).map { "?\($0)" }.joined(separator: ", ")
                let binds = (1...length).map { SQLiteData.integer(SQLiteInt64($0)) }
                #expect(try Self.rows(session, "SELECT count(*) FROM t WHERE id IN (\(list))", binds) == [[.integer(0)]])
            }
            #expect(session.keptStatements == kept)
        }
    }

    @Test("A lock another process holds fails a statement at once on the caller's thread; SQLKit's path waits for it on a thread")
    func anotherProcessLock() async throws {
        try await Self.withFile { path in
            let writer = try SQLiteSession.open(path: path, pragmas: ["PRAGMA journal_mode = WAL"])
            let other = try SQLiteSession.open(path: path)
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            defer {
                other.close()
                writer.close()
            }
            try writer.run("CREATE TABLE t (id TEXT)", []) { _ in }
            try other.run("BEGIN IMMEDIATE", []) { _ in }
            do {
                try writer.run("INSERT INTO t (id) VALUES ('now')", []) { _ in }
                Issue.record("a write went through another connection's write lock")
            } catch let failure as SQLiteFailure {
                #expect(failure.isBusy)
            }
            let database = InlineSQLiteDatabase(
                session: writer, threads: threads, logger: Logger(label: "test"), eventLoop: MultiThreadedEventLoopGroup.singleton.any())
            let insert = Task { try await database.raw("INSERT INTO t (id) VALUES ('later')").run() }
            #expect(await PostgresConnectionTests.eventually(within: 60) { writer.retriedPatiently == 1 }, "the statement never went to wait")
            try other.run("COMMIT", []) { _ in }
            try await insert.value
            #expect(try Self.rows(writer, "SELECT id FROM t") == [[.text("later")]])
            try await threads.shutdownGracefully()
        }
    }
}
