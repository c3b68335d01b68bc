import Foundation
package import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
package import SQLKit
import SQLiteKit

/// SQLite in one file: a single writer connection whose transactions share commits (``GroupCommit``:
/// SQLite has one writer anyway, and with `synchronous = FULL` each commit waits for the disk) and
/// read-only connections that, in WAL mode, read the last committed state without waiting for it.
package final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    /// The driver's own threads: SQLite blocks a thread while it waits for a lock, and on a shared
    /// pool two stores waiting on each other could starve the one holding the lock.
    private let threads: NIOThreadPool
    private let batch: GroupCommit
    private let path: String
    private let logger: Logger
    private let readerLocks: [AsyncLock]
    private let nextReader = ReaderCounter()

    /// Opens (creating if needed) the database at `path`. The file is created readable by its owner only.
    /// `groupCommit` decides how transactions share commits (tests pass one that never cuts a batch).
    package static func open(
        path: String, readers readerCount: Int = 2, logger: Logger, groupCommit: GroupCommit = GroupCommit()
    ) async throws -> SQLiteDriver {
        try createPrivately(path: path)
        let threads = NIOThreadPool(numberOfThreads: max(1, readerCount) + 1)
        threads.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let writer: SQLiteConnection
        do {
            writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: eventLoop)
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
        var readers: [SQLiteConnection] = []
        do {
            // busy_timeout first: switching to WAL takes the database lock, which another process may hold.
            // FULL durability: a committed write (a revoked token) survives a power cut.
            for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"] {
                try await writer.sql().raw(SQLQueryString(pragma)).run()
            }
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: eventLoop)
                readers.append(reader)
                try await reader.sql().raw("PRAGMA busy_timeout = 5000").run()
                try await reader.sql().raw("PRAGMA query_only = 1").run()
            }
        } catch {
            // SQLite connections must be closed before they are released.
            for reader in readers { try? await reader.close() }
            try? await writer.close()
            try? await threads.shutdownGracefully()
            throw error
        }
        return SQLiteDriver(path: path, logger: logger, batch: groupCommit, writer: writer, readers: readers, threads: threads)
    }

    private init(
        path: String, logger: Logger, batch: GroupCommit, writer: SQLiteConnection, readers: [SQLiteConnection], threads: NIOThreadPool
    ) {
        self.path = path
        self.batch = batch
        self.logger = logger
        self.writer = writer
        self.readers = readers
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
        let database = readers[index].sql()
        return try await readerLocks[index].withLock { try await body(database) }
    }

    /// A single statement is a transaction of one: it shares a commit like any other.
    package func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(body)
    }

    /// Runs `body` in its own savepoint of the current batch and answers once the batch's commit is
    /// durable (``GroupCommit``): its changes are applied entirely, after the commit, or not at all.
    package func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = writer.sql()
        if await batch.enter() {
            do {
                try await database.raw("BEGIN IMMEDIATE").run()
            } catch {
                await batch.leave()
                throw error
            }
            await batch.opened()
        }
        let outcome = try await runMember(body, on: database)
        switch await batch.turn() {
        case .commit:
            do {
                try await database.raw("COMMIT").run()
            } catch {
                try? await database.raw("ROLLBACK").run()
                await batch.finish(error)
                throw error
            }
            await batch.finish(nil)
        case .handOff:
            if case .failure(let error) = outcome {
                await batch.leave()
                throw error
            }
            try await batch.awaitCommit()
        }
        return try outcome.get()
    }

    /// Runs one member of the batch inside `SAVEPOINT`: on failure only its own changes are undone.
    /// If even that fails, SQLite has rolled the whole transaction back: the batch is lost, every
    /// member waiting for it gets the error, and so does this one (thrown).
    private func runMember<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T, on database: any SQLDatabase
    ) async throws -> Result<T, any Error> {
        do {
            try await database.raw("SAVEPOINT signet_member").run()
            let result = try await body(database)
            try await database.raw("RELEASE signet_member").run()
            return .success(result)
        } catch {
            do {
                try await database.raw("ROLLBACK TO signet_member").run()
                try await database.raw("RELEASE signet_member").run()
                return .failure(error)
            } catch {
                try? await database.raw("ROLLBACK").run()
                await batch.finish(error)
                throw error
            }
        }
    }

    /// Runs `body` on a connection of its own, opened for it and closed after: for `VACUUM INTO`,
    /// which cannot run inside the writer's transactions and reads one snapshot without blocking them.
    package func withOwnConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            try await connection.sql().raw("PRAGMA busy_timeout = 5000").run()
            let result = try await body(connection.sql())
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    package func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed: return true
        default: return false
        }
    }

    /// `BEGIN IMMEDIATE` already makes every SQLite transaction exclusive.
    package func lockForSetup(on database: any SQLDatabase) async throws {}

    package func lock(_ key: String, on database: any SQLDatabase) async throws {}

    /// One process owns a SQLite store: local subscribers are all there is.
    package func announce(_ change: StoreChange, on database: any SQLDatabase) async throws {}

    package var isShared: Bool { false }

    package func shutdown() async throws {
        for reader in readers { try await reader.close() }
        try await writer.close()
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
