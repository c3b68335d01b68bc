import SQLKit

/// How the SQL store reaches a database: SQLite now, PostgreSQL next, with the same SQL.
public protocol DatabaseDriver: Sendable {
    /// Runs statements that only read, outside any transaction.
    func withReader<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs a single writing statement (atomic on its own), outside any transaction.
    func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Whether `error` is the database refusing a duplicate in a unique index.
    func isUniqueViolation(_ error: any Error) -> Bool
    /// Closes every connection.
    func shutdown() async throws
}
