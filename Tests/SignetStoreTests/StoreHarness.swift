import Foundation
import Logging
import SignetStore
import SignetTestFixtures

/// A fresh, migrated store for one test: SQLite in a temporary folder, or a fresh PostgreSQL
/// database on the throwaway cluster. Store tests take the database as their argument
/// (`arguments: TestDatabase.available`), so one `swift test` runs them on both.
struct StoreHarness: Sendable {
    let location: StoreLocation
    let directory: String

    static func with<T: Sendable>(
        _ database: TestDatabase.Kind,
        _ body: @Sendable (SQLStore, StoreHarness) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let location: StoreLocation =
            database == .postgres ? .postgres(url: try await TestDatabase.createPostgres()) : .sqlite(path: directory + "/signet.sqlite")
        let harness = StoreHarness(location: location, directory: directory)
        defer {
            try? FileManager.default.removeItem(atPath: directory)
        }
        do {
            let result = try await SQLStore.with(location, logger: Self.logger) { store in try await body(store, harness) }
            if case .postgres(let url) = location { try? await TestDatabase.dropPostgres(url) }
            return result
        } catch {
            if case .postgres(let url) = location { try? await TestDatabase.dropPostgres(url) }
            throw error
        }
    }

    /// Another store over the same database (another node, or another process).
    func withSecondStore<T: Sendable>(_ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        try await SQLStore.with(location, logger: Self.logger, body)
    }

    static var logger: Logger {
        var logger = Logger(label: "signet.test")
        logger.logLevel = .error
        return logger
    }
}
