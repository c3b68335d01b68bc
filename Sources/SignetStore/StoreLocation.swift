import Foundation
package import Logging
import PostgresNIO
package import ServiceLifecycle

/// Where a store lives: a SQLite file or a PostgreSQL database.
package enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `--database`: a `postgres://` (or `postgresql://`) URL, `sqlite:PATH`, or a plain SQLite path.
    package init(_ argument: String) {
        if argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") {
            self = .postgres(url: argument)
        } else if argument.hasPrefix("sqlite:") {
            self = .sqlite(path: String(argument.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: argument)
        }
    }

    /// The location without any password, for messages.
    package var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "…" }
            return components.string ?? "postgres://…"
        }
    }
}

/// A store and the services that must run for it (the PostgreSQL pool and change listener).
package struct OpenedStore: Sendable {
    package let store: SQLStore
    package let services: [any Service]
}

extension SQLStore {
    /// Opens a store for a long-running server. SQLite is migrated at once; a PostgreSQL store is
    /// migrated when the server starts (its pool must be running first), and comes with the pool
    /// and the change listener as services.
    package static func open(_ location: StoreLocation, logger: Logger) async throws -> OpenedStore {
        switch location {
        case .sqlite(let path):
            return OpenedStore(store: try await sqlite(path: path, logger: logger), services: [])
        case .postgres(let url):
            let driver = try PostgresDriver(url: url, logger: logger)
            let store = SQLStore(driver: driver)
            return OpenedStore(store: store, services: [driver.client, PostgresChangeListener(driver: driver, feed: store.changes, logger: logger)])
        }
    }

    /// Opens a migrated store for the duration of `body` (one-shot commands) and closes it after.
    package static func with<T: Sendable>(
        _ location: StoreLocation,
        logger: Logger,
        _ body: @Sendable (SQLStore) async throws -> T
    ) async throws -> T {
        switch location {
        case .sqlite(let path):
            let store = try await sqlite(path: path, logger: logger)
            do {
                let result = try await body(store)
                try await store.shutdown()
                return result
            } catch {
                try? await store.shutdown()
                throw error
            }
        case .postgres(let url):
            let driver = try PostgresDriver(url: url, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await driver.client.run() }
                defer { group.cancelAll() }
                let store = SQLStore(driver: driver)
                try await store.migrate()
                return try await body(store)
            }
        }
    }
}
