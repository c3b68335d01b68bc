package import SQLKit

/// How the SQL store reaches a database: SQLite now, PostgreSQL next, with the same SQL.
package protocol DatabaseDriver: Sendable {
    /// Runs statements that only read, outside any transaction.
    func withReader<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs single writing statements, each atomic on its own (a driver may commit several callers'
    /// statements together, answering each only once the commit has returned).
    func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Whether `error` is the database refusing a duplicate in a unique index.
    func isUniqueViolation(_ error: any Error) -> Bool
    /// Serialises schema setup across every process using the database (inside `transaction`).
    func lockForSetup(on database: any SQLDatabase) async throws
    /// Serialises changes guarded per organisation (inside `transaction`), such as "keep an administrator".
    func lock(_ key: String, on database: any SQLDatabase) async throws
    /// Tells other processes that `change` happened; delivered when the surrounding transaction commits.
    func announce(_ change: StoreChange, on database: any SQLDatabase) async throws
    /// Whether changes made by other processes can happen (and so must be listened for).
    var isShared: Bool { get }
    /// Whether transactions share commits (``GroupCommit``: one writer, so one commit fewer per
    /// request is work saved, and holding a row a little longer delays no other writer).
    var sharesCommits: Bool { get }
    /// Closes every connection.
    func shutdown() async throws
}
