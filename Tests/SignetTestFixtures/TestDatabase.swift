import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Which databases the tests run on: the store and router tests take the database as their
/// argument and run on every available one in the same `swift test` (SQLite always, PostgreSQL
/// when `scripts/with-postgres` has set `SIGNET_TEST_POSTGRES_URL`); each result names its
/// database. The multi-node tests run only when PostgreSQL is available.
public enum TestDatabase {
    /// A database a parameterised test runs on; its name shows in every result and failure.
    public enum Kind: String, Sendable, CustomStringConvertible {
        case sqlite, postgres
        public var description: String { rawValue }
    }

    /// SQLite, and PostgreSQL when a throwaway cluster is available.
    public static var available: [Kind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// The throwaway cluster's superuser URL, from `scripts/with-postgres`.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates an empty database on the cluster and returns its URL.
    public static func createPostgres() async throws -> String {
        guard let base = postgresURL, var components = URLComponents(string: base) else {
            throw PostgresTestError(description: "SIGNET_TEST_POSTGRES_URL is not set; run through scripts/with-postgres")
        }
        let name = "signet_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(base, "CREATE DATABASE \(name)")
        components.path = "/" + name
        // Every test runs at once against one cluster (max_connections=400, scripts/with-postgres):
        // ten connections per store leave room for all of them.
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "pool_size", value: "10")]
        return components.string ?? base
    }

    /// Drops a database made by ``createPostgres()``, ending its connections.
    public static func dropPostgres(_ url: String) async throws {
        guard let base = postgresURL, let name = URLComponents(string: url)?.path.dropFirst(), name.hasPrefix("signet_test_") else { return }
        try await administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one SQL statement as the cluster's superuser.
    public static func execute(_ url: String, _ sql: String) async throws {
        try await administer(url, sql)
    }

    /// Runs `sql`, tried again for up to two minutes when the failure is the cluster being busy: on a
    /// machine running every test at once, connecting or `CREATE DATABASE` can fail for a while (the
    /// cluster's connections all taken, "too many clients", or the template database in use) until
    /// other tests finish. Any other failure is thrown at once, with PostgreSQL's own words (the
    /// tests' database holds no secret).
    private static func administer(_ url: String, _ sql: String) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        var attempt = 0
        while true {
            do {
                return try await administerOnce(url, sql)
            } catch let error as PSQLError where attempt > 0 && sql.hasPrefix("CREATE DATABASE") && error.serverInfo?[.sqlState] == "42P04" {
                return  // an earlier attempt created the database, and its answer was lost
            } catch {
                guard isBusy(error), ContinuousClock.now < deadline else {
                    throw PostgresTestError(description: "\(sql.prefix(60)): \(String(reflecting: error))")
                }
                attempt += 1
                try await Task.sleep(for: .milliseconds(min(5_000, 250 * attempt * attempt)))
            }
        }
    }

    /// Whether a failure is the cluster being busy for now: too many connections (53300), the
    /// template database in use (55006), starting up (57P03), or no answer at all (the connection
    /// refused or cut).
    private static func isBusy(_ error: any Error) -> Bool {
        if error is PostgresTestError { return false }
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return true }
        return ["53300", "55006", "57P03"].contains(state)
    }

    private static func administerOnce(_ url: String, _ sql: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw PostgresTestError(description: "cannot read \(url)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user,
            password: components.password,
            database: String(components.path.dropFirst()),
            tls: .disable
        )
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: configuration,
            id: 1,
            logger: Logger(label: "signet.test")
        )
        defer { Task { try? await connection.close() } }
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "signet.test"))
    }
}

public struct PostgresTestError: Error, CustomStringConvertible {
    public let description: String
}
