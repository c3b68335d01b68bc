import SQLKit

extension SQLStore {
    /// Why a backup was refused.
    package struct BackupRefusal: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// A consistent copy of a SQLite store, written to `path` while the store serves (`VACUUM INTO`
    /// reads one snapshot: every write committed before it started is in the copy, none after).
    /// Writes wait while it copies.
    /// PostgreSQL stores are backed up with `pg_dump` (docs/operations.md).
    package func backup(to path: String) async throws {
        guard !driver.isShared else {
            throw BackupRefusal(description: "signet backup copies SQLite stores; back up PostgreSQL with pg_dump (see docs/operations.md)")
        }
        // On the writing connection (a read-only one may not create the copy): writes wait for the
        // copy, which takes a moment for a store of this size, and nothing half-written is copied.
        try await driver.withWriter { database in try await database.raw("VACUUM INTO \(bind: path)").run() }
    }
}
