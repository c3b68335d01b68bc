import Foundation
package import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
package import SQLKit
import SQLiteKit

/// SQLite in one file: a single writer connection behind a lock (SQLite has one writer anyway) and
/// read-only connections that, in WAL mode, read the last committed state without waiting for it.
package final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    /// The driver's own threads: SQLite blocks a thread while it waits for a lock, and on a shared
    /// pool two stores waiting on each other could starve the one holding the lock.
    private let threads: NIOThreadPool
    private let writeLock = AsyncLock()
    private let readerLocks: [AsyncLock]
    private let nextReader = ReaderCounter()

    /// Opens (creating if needed) the database at `path`. The file is created readable by its owner only.
    package static func open(path: String, readers readerCount: Int = 2, logger: Logger) async throws -> SQLiteDriver {
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
        return SQLiteDriver(writer: writer, readers: readers, threads: threads)
    }

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threads: NIOThreadPool) {
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

    package func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = writer.sql()
        return try await writeLock.withLock { try await body(database) }
    }

    package func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = writer.sql()
        return try await writeLock.withLock {
            try await database.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
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
