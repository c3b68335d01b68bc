import Foundation
package import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
package import SQLKit
import SQLiteKit
import VaporCSQLite

/// SQLite in one file: a single writer connection whose transactions share commits (``GroupCommit``:
/// SQLite has one writer anyway, and with `synchronous = FULL` each commit waits for the disk) and
/// read-only connections that, in WAL mode, read the last committed state without waiting for it.
package final class SQLiteDriver: DatabaseDriver {
    /// How long `signet backup`'s own connection waits for a lock another process holds (the
    /// driver's connections wait ``SQLiteSession/patientMilliseconds``, on the driver's threads only).
    static let busyTimeout = "PRAGMA busy_timeout = 30000"

    /// The connections run their statements on the caller's thread (``SQLiteSession``)…
    private let writer: InlineSQLiteDatabase
    private let readers: [InlineSQLiteDatabase]
    /// … except what may wait long, which runs on the driver's own threads: opening, taking the
    /// write lock when another process holds it (`BEGIN IMMEDIATE`, tried inline first) and
    /// committing (its `fsync`), and `signet backup`'s own connection. On a shared pool two stores waiting on
    /// each other could starve the one holding the lock.
    private let threads: NIOThreadPool
    private let batch: GroupCommit
    private let path: String
    private let logger: Logger
    private let readerLocks: [AsyncLock]
    private let nextReader = ReaderCounter()

    /// Opens (creating if needed) the database at `path`. The file is created readable by its owner only.
    /// A commit carries at most `batchMembers` transactions, and a batch stays open at most
    /// `batchAge` while others keep arriving (tests pass limits that never cut a batch).
    package static func open(
        path: String,
        readers readerCount: Int = 2,
        logger: Logger,
        batchMembers: Int = 256,
        batchAge: Duration = .milliseconds(20)
    ) async throws -> SQLiteDriver {
        try createPrivately(path: path)
        let threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
        var readers: [SQLiteSession] = []
        do {
            // Switching to WAL takes the database lock, which another process may hold: the pragmas wait.
            // FULL durability: a committed write (a revoked token) survives a power cut.
            let writer = try await threads.runIfActive {
                try SQLiteSession.open(
                    path: path,
                    pragmas: ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"]
                )
            }
            do {
                try await threads.runIfActive { try Self.requireWAL(writer) }
                for _ in 0..<max(1, readerCount) {
                    readers.append(
                        try await threads.runIfActive {
                            try SQLiteSession.open(path: path, create: false, pragmas: ["PRAGMA query_only = 1"])
                        })
                }
            } catch {
                writer.close()
                throw error
            }
            return SQLiteDriver(
                path: path,
                logger: logger,
                batch: GroupCommit(maximumMembers: batchMembers, maximumAge: batchAge),
                writer: writer,
                readers: readers,
                threads: threads
            )
        } catch {
            // SQLite connections must be closed before they are released.
            for reader in readers { reader.close() }
            try? await threads.shutdownGracefully()
            throw error
        }
    }

    private init(
        path: String,
        logger: Logger,
        batch: GroupCommit,
        writer: SQLiteSession,
        readers: [SQLiteSession],
        threads: NIOThreadPool
    ) {
        self.path = path
        self.batch = batch
        self.logger = logger
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        self.writer = InlineSQLiteDatabase(session: writer, threads: threads, logger: logger, eventLoop: eventLoop)
        self.readers = readers.map { InlineSQLiteDatabase(session: $0, threads: threads, logger: logger, eventLoop: eventLoop) }
        self.readerLocks = readers.map { _ in AsyncLock() }
        self.threads = threads
    }

    /// Creates the file with mode 0600 before SQLite opens it; SQLite gives its WAL files the same mode.
    private static func createPrivately(path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let descriptor = Foundation.open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        close(descriptor)
    }

    /// Runs `body` on one reader connection, alone on it. Two reads interleaved on one SQLite
    /// connection share one read transaction, so the second would see the database as it was when
    /// the first began and could miss a write committed in between (a challenge just issued).
    package func withReader<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.next() % readers.count
        let database = readers[index]
        return try await readerLocks[index].withLock { try await body(database) }
    }

    /// Single statements, each atomic on its own as in autocommit mode, sharing a commit like any
    /// transaction (without a savepoint of their own: SQLite undoes a statement that breaks a
    /// constraint by itself; any other failure is treated as the loss of the whole batch).
    package func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await member(body, savepoint: false)
    }

    /// Runs `body` in its own savepoint of the current batch and answers once the batch's commit has
    /// returned (``GroupCommit``): its changes are applied entirely, by that commit, or not at all.
    package func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await member(body, savepoint: true)
    }

    private func member<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T, savepoint: Bool) async throws -> T {
        let database = writer
        if case .open(let rollBackFirst) = await batch.enter() {
            do {
                if rollBackFirst { try? await database.raw("ROLLBACK").run() }
                try await begin()
            } catch {
                await batch.openFailed()
                throw error
            }
            await batch.opened()
        }
        let outcome = try await runMember(body, on: database, savepoint: savepoint)
        if try await batch.done() {
            do {
                try await onThread("COMMIT")
            } catch {
                await batch.finish(error, rolledBack: (try? await database.raw("ROLLBACK").run()) != nil)
                throw error
            }
            await batch.finish(nil)
        }
        return try outcome.get()
    }

    /// Runs one member of the batch, inside `SAVEPOINT` when `savepoint`: on failure only its own
    /// changes are undone. If that cannot be done, SQLite has rolled the whole transaction back (or
    /// may have): the batch is lost, every member waiting for it gets the error, and so does this
    /// one (thrown, with the original cause).
    private func runMember<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T,
        on database: any SQLDatabase,
        savepoint: Bool
    ) async throws -> Result<T, any Error> {
        do {
            if savepoint { try await database.raw("SAVEPOINT signet_member").run() }
            let result = try await body(database)
            if savepoint { try await database.raw("RELEASE signet_member").run() }
            return .success(result)
        } catch {
            do {
                if savepoint {
                    try await database.raw("ROLLBACK TO signet_member").run()
                    try await database.raw("RELEASE signet_member").run()
                } else if !undoesItself(error) {
                    throw error
                }
                return .failure(error)
            } catch let rollbackError {
                let rolledBack = (try? await database.raw("ROLLBACK").run()) != nil
                let lost = BatchLost(cause: error, rollback: rollbackError)
                await batch.finish(lost, rolledBack: rolledBack)
                throw lost
            }
        }
    }

    /// Whether SQLite undid the failed statement alone and left the transaction as it was: a
    /// constraint refusal does (ON CONFLICT ABORT); anything else may have ended the transaction.
    private func undoesItself(_ error: any Error) -> Bool {
        guard let failure = error as? SQLiteFailure, failure.isConstraint else { return false }
        return writer.session.isInTransaction
    }

    /// Readers and the writer rest on WAL (reads never wait for the writer, nor it for them):
    /// `journal_mode = WAL` answers the mode it could set, without an error when that is not WAL.
    private static func requireWAL(_ writer: SQLiteSession) throws {
        var mode: String?
        try writer.run("PRAGMA journal_mode", [], patient: true) { row in mode = row.values.first?.string }
        guard mode?.lowercased() == "wal" else {
            throw SQLiteFailure(code: SQLITE_CANTOPEN, message: "SQLite could not put \(writer.path) in WAL mode (it is in \(mode ?? "no") mode)")
        }
    }

    /// `BEGIN IMMEDIATE` on the calling thread: only another process (`signet backup`, `signet
    /// migrate`) can hold the write lock, since ``GroupCommit`` lets one batch open at a time here.
    /// When one does, SQLite refuses at once (the transaction did not begin) and it runs again on the
    /// driver's threads, where it waits.
    private func begin() async throws {
        do {
            try writer.session.run("BEGIN IMMEDIATE", [], patient: false) { _ in }
        } catch let failure as SQLiteFailure where failure.isBusy {
            writer.session.notePatientRetry()
            try await onThread("BEGIN IMMEDIATE")
        }
    }

    /// Runs a statement of the writer's that may wait (for a lock, for the disk) on the driver's threads.
    private func onThread(_ sql: String) async throws {
        let session = writer.session
        try await threads.runIfActive { try session.run(sql, [], patient: true) { _ in } }
    }

    /// How many batches have committed, how many writers wait for the connection, and how many of
    /// the writer's statements met another process's lock and waited for it on a thread (for tests).
    package var writerStatistics: (commits: Int, queued: Int, waitedOnThread: Int) {
        get async { (await batch.commits, await batch.queued, writer.session.retriedPatiently) }
    }

    /// Runs `body` on a connection of its own, opened for it and closed after: for `VACUUM INTO`,
    /// which cannot run inside the writer's transactions and reads one snapshot without blocking them.
    package func withOwnConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path),
            threadPool: threads,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        )
        do {
            try await connection.sql(queryLogLevel: nil).raw(SQLQueryString(Self.busyTimeout)).run()
            let result = try await body(connection.sql(queryLogLevel: nil))
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    package func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? SQLiteFailure)?.isUniqueViolation ?? false
    }

    /// `BEGIN IMMEDIATE` already makes every SQLite transaction exclusive.
    package func lockForSetup(on database: any SQLDatabase) async throws {}

    package func lock(_ key: String, on database: any SQLDatabase) async throws {}

    /// One process owns a SQLite store: local subscribers are all there is.
    package func announce(_ change: StoreChange, on database: any SQLDatabase) async throws {}

    package var isShared: Bool { false }
    package var sharesCommits: Bool { true }

    package func shutdown() async throws {
        // Closing the last connection checkpoints the WAL into the database (disk writes): on a thread.
        let sessions = readers.map(\.session) + [writer.session]
        try await threads.runIfActive { for session in sessions { session.close() } }
        try await threads.shutdownGracefully()
    }
}

/// A counter shared by concurrent tasks, to spread reads over the reader connections.
private final class ReaderCounter: Sendable {
    private let value = NIOLockedValueBox(0)

    func next() -> Int {
        value.withLockedValue { current in
            current &+= 1
            return current & Int.max
        }
    }
}

/// The batch's transaction was rolled back under it (SQLite does so on some I/O errors): nothing of
/// any member was applied.
package struct BatchLost: Error, CustomStringConvertible {
    /// The error that ended the member's work.
    package let cause: any Error
    /// Why its savepoint could not be rolled back.
    package let rollback: any Error

    package var description: String { "the write transaction was rolled back: \(cause) (then: \(rollback))" }
}
