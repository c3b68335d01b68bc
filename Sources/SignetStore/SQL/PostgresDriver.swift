import Foundation
package import Logging
import NIOSSL
import PostgresKit
package import PostgresNIO
package import SQLKit

/// PostgreSQL through postgres-nio's `PostgresClient` (a connection pool). The client must be
/// running (it is a service: put it in the application's service group) before queries are made.
package final class PostgresDriver: DatabaseDriver {
    /// The pool; run it as a service.
    package let client: PostgresClient
    /// Where the database is, for the change listener's own connection.
    let location: PostgresLocation
    private let logger: Logger

    /// The channel every node listens on for changes.
    static let channel = "signet_changes"
    /// The advisory-lock key that serialises schema setup across nodes.
    static let setupLockKey = 0x5369_676E_6574

    /// A driver for `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full`
    /// (`sslrootcert=FILE` for a private CA). Without `sslmode`, TLS is required for every host but
    /// loopback, and the server's certificate is verified.
    package init(url: String, logger: Logger) throws {
        self.location = try PostgresLocation(url: url)
        self.client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
        self.logger = logger
    }

    package func withReader<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    package func withWriter<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    package func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection.sql(queryLogLevel: nil)) }
        } catch let error as PostgresTransactionError {
            // postgres-nio wraps what the transaction threw; callers need the error itself (a refusal,
            // a unique violation). A failed rollback is reported as the wrapper, which says so.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            if let failure = error.beginError ?? error.commitError { throw failure }
            throw error
        }
    }

    package func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    package func lockForSetup(on database: any SQLDatabase) async throws {
        try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.setupLockKey))").run()
    }

    package func lock(_ key: String, on database: any SQLDatabase) async throws {
        try await database.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key)))").run()
    }

    package func announce(_ change: StoreChange, on database: any SQLDatabase) async throws {
        try await database.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: change.payload))").run()
    }

    package var isShared: Bool { true }
    package var sharesCommits: Bool { false }

    /// The pool is shut down by cancelling its `run()`.
    package func shutdown() async throws {}
}

/// A parsed `postgres://` URL.
struct PostgresLocation: Sendable {
    enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    let host: String
    let port: Int
    let username: String
    let password: String?
    let database: String?
    let tls: TLSMode
    /// `pool_size`: the most connections this node opens (20 unless the URL says; 1 to 500).
    let maximumConnections: Int
    /// `sslrootcert`: a CA file that the server's certificate must chain to.
    let rootCertificatePath: String?

    init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw PostgresURLError(description: "not a PostgreSQL URL: expected postgres://user:password@host:port/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        let isLoopback = Self.isLoopback(host)
        // Over a network, TLS is required unless the URL says otherwise: with `prefer`, someone
        // between a node and the database could strip TLS and read the token-signing keys.
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? (isLoopback ? "prefer" : "require")
        self.rootCertificatePath = components.queryItems?.first { $0.name == "sslrootcert" }?.value
        let poolSize = components.queryItems?.first { $0.name == "pool_size" }?.value
        guard let size = Int(poolSize ?? "20"), (1...500).contains(size) else {
            throw PostgresURLError(description: "pool_size '\(poolSize ?? "")' must be a whole number from 1 to 500")
        }
        self.maximumConnections = size
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding ?? components.password
        self.database = database.isEmpty ? nil : database
        switch mode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default:
            throw PostgresURLError(
                description: "sslmode '\(mode)' is not known: use disable, prefer, require, verify-ca or verify-full"
            )
        }
    }

    /// Whether `host` is this machine (a loopback address, `localhost`, or a Unix socket folder).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1" || bare.hasPrefix("/")
    }

    /// The client TLS settings: the server's certificate is verified, with the system's roots or
    /// with the CA named by `sslrootcert`.
    func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        return configuration
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration())
        case .require: tls = .require(tlsConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: tlsConfiguration()))
        }
        return PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
    }
}

/// A database URL that is not a usable PostgreSQL URL.
package struct PostgresURLError: Error, CustomStringConvertible {
    package let description: String
}
