import Foundation
package import Logging
import Metrics
import NIOConcurrencyHelpers
import SQLKit
import SignetAPI
import SignetCore

/// ``SignetStore`` over SQL, the same statements for SQLite and PostgreSQL.
package struct SQLStore: SignetStore {
    let driver: any DatabaseDriver
    /// Set inside ``transaction(_:)``: every statement then runs on the transaction's connection.
    let transactionDatabase: (any SQLDatabase)?
    /// Inside a transaction: the changes to announce locally once it commits.
    let pending: PendingChanges?
    /// Announces committed changes to this process's caches.
    package let changes: ChangeFeed
    /// How many reading round trips this store made (tests hold a read path to a fixed number of queries).
    package let reads: ReadCounter
    /// Whether migration 5's PAT name keys remain (``patNameInUse(key:userId:except:)``).
    let legacyNameKeys: LegacyNameKeys

    /// A store over `driver`; call ``migrate()`` before using it.
    package init(driver: any DatabaseDriver) {
        self.init(
            driver: driver, transactionDatabase: nil, pending: nil, changes: ChangeFeed(live: !driver.isShared), reads: ReadCounter(),
            legacyNameKeys: LegacyNameKeys()
        )
    }

    private init(
        driver: any DatabaseDriver,
        transactionDatabase: (any SQLDatabase)?,
        pending: PendingChanges?,
        changes: ChangeFeed,
        reads: ReadCounter,
        legacyNameKeys: LegacyNameKeys
    ) {
        self.driver = driver
        self.transactionDatabase = transactionDatabase
        self.pending = pending
        self.changes = changes
        self.reads = reads
        self.legacyNameKeys = legacyNameKeys
    }

    /// Opens the store over `driver`, applying any schema migrations first.
    package static func open(driver: any DatabaseDriver) async throws -> SQLStore {
        let store = SQLStore(driver: driver)
        do {
            try await store.migrate()
        } catch {
            try? await driver.shutdown()
            throw error
        }
        return store
    }

    /// Opens (creating if needed) a SQLite store at `path`.
    package static func sqlite(path: String, logger: Logger = Logger(label: "signet.store")) async throws -> SQLStore {
        try await open(driver: SQLiteDriver.open(path: path, logger: logger))
    }

    /// Applies pending schema migrations and creates the first token-signing key, under a lock
    /// that makes concurrent starts of several nodes safe.
    package func migrate() async throws {
        try await Migrations.apply(using: driver)
    }

    package var writesSingleUseWithChange: Bool { driver.sharesCommits }

    package func transaction<T: Sendable>(_ body: @Sendable (any SignetStore) async throws -> T) async throws -> T {
        try await sqlTransaction(body)
    }

    /// ``transaction(_:)`` for the store's own methods, which need the SQL store inside it.
    func sqlTransaction<T: Sendable>(_ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        if transactionDatabase != nil { return try await body(self) }
        let driver = self.driver
        let changes = self.changes
        let pending = PendingChanges()
        // A signed request's first transaction also makes its single use, last (``DeferredSingleUse``).
        let use = try DeferredSingleUse.current?.claim()
        let ran = NIOLockedValueBox(false)  // everything ran: a failure now is the commit's
        let result: T
        do {
            result = try await Self.timed("transaction") {
                try await mapUniqueViolation {
                    try await driver.transaction { database in
                        let store = SQLStore(
                            driver: driver, transactionDatabase: database, pending: pending, changes: changes, reads: reads,
                            legacyNameKeys: legacyNameKeys
                        )
                        let result = try await body(store)
                        try await use?.write(in: store)
                        ran.withLockedValue { $0 = true }
                        return result
                    }
                }
            }
        } catch {
            use?.ended(committed: false, afterWriting: ran.withLockedValue { $0 })
            throw error
        }
        use?.ended(committed: true)
        for change in pending.drain() { changes.publish(change) }
        return result
    }

    package func lock(_ key: String) async throws {
        guard let transactionDatabase else { return }
        try await driver.lock(key, on: transactionDatabase)
    }

    package func shutdown() async throws {
        try await driver.shutdown()
    }

    /// Runs read-only statements.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        reads.increment()
        if let transactionDatabase { return try await body(transactionDatabase) }
        return try await Self.timed("read") { try await driver.withReader(body) }
    }

    /// Runs one writing statement; a unique-index violation becomes ``StoreError/conflict(_:)``.
    /// `tables` names every table the statement changes; each table decides what is announced to
    /// the caches of this and other processes (``StoreTable/change``).
    func write<T: Sendable>(_ tables: StoreTable..., body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let announced = Set(tables.compactMap(\.change))
        return try await write(announcing: { _ in announced }, body: body)
    }

    /// Runs one writing statement that sets only `table`'s ``StoreTable/detailColumns`` (a rename),
    /// announcing ``StoreChange/detailsOf(userId:)`` for the user `owner` names from its result
    /// (nothing when it names none: no row changed): what that user's lists show changes, who may do
    /// what does not.
    func write<T: Sendable>(
        details table: StoreTable,
        owner: @escaping @Sendable (T) -> String?,
        body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        precondition(!table.detailColumns.isEmpty, "\(table.rawValue) has no detail columns")
        return try await write(announcing: { result in owner(result).map { [.detailsOf(userId: $0)] } ?? [] }, body: body)
    }

    private func write<T: Sendable>(
        announcing changesOf: @escaping @Sendable (T) -> Set<StoreChange>,
        body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let driver = self.driver
        if let transactionDatabase {
            let result = try await mapUniqueViolation { try await body(transactionDatabase) }
            for change in changesOf(result) {
                try await driver.announce(change, on: transactionDatabase)
                pending?.add(change)
            }
            return result
        }
        if let use = DeferredSingleUse.current, try use.mustWrite() {
            return try await sqlTransaction { store in try await store.write(announcing: changesOf, body: body) }
        }
        let result = try await Self.timed("write") {
            try await mapUniqueViolation {
                try await driver.withWriter { database in
                    let result = try await body(database)
                    for change in changesOf(result) { try await driver.announce(change, on: database) }
                    return result
                }
            }
        }
        for change in changesOf(result) { changes.publish(change) }
        return result
    }

    /// Runs `body`, recording how long it took as database time of `kind` (`read`, `write` or
    /// `transaction`: the outermost call only, so nothing is counted twice) in
    /// `signet_database_duration` (swift-metrics: nothing is kept unless the server serves metrics).
    private static func timed<T>(_ kind: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            Timer(label: "signet_database_duration", dimensions: [("kind", kind)], preferredDisplayUnit: .seconds)
                .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        return try await body()
    }

    private func mapUniqueViolation<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where driver.isUniqueViolation(error) {
            throw StoreError.conflict(String(describing: error))
        }
    }
}

/// The changes a transaction made, announced locally once it commits.
final class PendingChanges: Sendable {
    private let changes = NIOLockedValueBox<Set<StoreChange>>([])

    func add(_ change: StoreChange) { changes.withLockedValue { _ = $0.insert(change) } }

    func drain() -> Set<StoreChange> {
        changes.withLockedValue { changes in
            defer { changes = [] }
            return changes
        }
    }
}

/// Unix milliseconds, the representation of every time in the schema.
extension Date {
    /// Saturating: a date beyond what 64-bit milliseconds can hold (or NaN) never traps; callers
    /// validate dates from requests before they reach the store.
    package var milliseconds: Int64 {
        let value = (timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return value > 0 ? .max : .min }
        guard value < 9.2e18 else { return .max }
        guard value > -9.2e18 else { return .min }
        return Int64(value)
    }

    package init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// JSON text for a string array column.
func jsonText(_ values: [String]) -> String {
    // Encoding an array of strings cannot fail.
    String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
}

/// A count of reading round trips, shared by a store and its transactions.
package final class ReadCounter: Sendable {
    private let count = NIOLockedValueBox(0)

    /// The reads so far.
    package var value: Int { count.withLockedValue { $0 } }

    func increment() { count.withLockedValue { $0 += 1 } }
}
