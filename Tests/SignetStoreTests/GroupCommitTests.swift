import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import SignetStore
import Testing

/// SQLite's group commit (``GroupCommit``): transactions that arrive together share one commit,
/// each is answered only once that commit is durable, and one that fails takes nobody else with it.
@Suite("Store: SQLite writes share commits, and nobody hears success before theirs is durable", .timeLimit(.minutes(5)))
struct GroupCommitTests {
    /// A driver on a fresh file with a table `t (id TEXT PRIMARY KEY)`, and a batch that is never cut
    /// by size or age, so what the test arranges is what commits.
    static func withDriver(
        batchMembers: Int = 10_000,
        _ body: @Sendable (SQLiteDriver) async throws -> Void,
        file: @Sendable (String) -> Void = { _ in }
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        file(directory + "/g.sqlite")
        let driver = try await SQLiteDriver.open(
            path: directory + "/g.sqlite",
            logger: .init(label: "test"),
            batchMembers: batchMembers,
            batchAge: .seconds(3600)
        )
        do {
            try await driver.withWriter { database in
                try await database.raw("CREATE TABLE t (id TEXT PRIMARY KEY)").run()
                try await database.raw("CREATE TABLE child (parent TEXT REFERENCES t (id) DEFERRABLE INITIALLY DEFERRED)").run()
            }
            try await body(driver)
            try await driver.shutdown()
        } catch {
            try? await driver.shutdown()
            throw error
        }
    }

    static func insert(_ id: String, on database: any SQLDatabase) async throws {
        try await database.raw("INSERT INTO t (id) VALUES (\(bind: id))").run()
    }

    /// The ids a reader connection (not the writer) sees: only what is committed.
    static func committed(_ driver: SQLiteDriver) async throws -> Set<String> {
        try await driver.withReader { database in
            Set(try await database.raw("SELECT id FROM t").all().map { try $0.decode(column: "id", as: String.self) })
        }
    }

    /// Holds the writer inside a transaction until `count` more have queued behind it, then runs
    /// `bodies` (already started) to their ends. Returns each one's outcome, in order.
    static func queued(
        behind first: @escaping @Sendable (any SQLDatabase) async throws -> Void,
        _ bodies: [@Sendable (any SQLDatabase) async throws -> Void],
        driver: SQLiteDriver,
        whileRunning check: @Sendable () async throws -> Void = {},
        returned: NIOLockedValueBox<Int> = NIOLockedValueBox(0)
    ) async throws -> [Result<Void, any Error>] {
        let gate = Gate()
        return try await withThrowingTaskGroup(of: (Int, Result<Void, any Error>).self) { group in
            group.addTask {
                let outcome = await Result(catching: {
                    try await driver.transaction { database in
                        try await first(database)
                        await gate.wait()
                    }
                })
                returned.withLockedValue { $0 += 1 }
                return (-1, outcome)
            }
            try await waitUntil { await driver.writerStatistics.queued == 0 && gate.isWaiting }
            for (index, body) in bodies.enumerated() {
                group.addTask {
                    let outcome = await Result(catching: { try await driver.transaction(body) })
                    returned.withLockedValue { $0 += 1 }
                    return (index, outcome)
                }
                try await waitUntil { await driver.writerStatistics.queued == index + 1 }
            }
            gate.open()
            try await check()
            var outcomes: [Int: Result<Void, any Error>] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return [outcomes[-1]].compactMap { $0 } + bodies.indices.compactMap { outcomes[$0] }
        }
    }

    @Test("Transactions queued behind one another commit once, together, and are all visible after")
    func oneCommit() async throws {
        try await Self.withDriver { driver in
            let before = await driver.writerStatistics.commits
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = (0..<20).map { index in
                { database in try await Self.insert("m\(index)", on: database) }
            }
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver)
            #expect(outcomes.count == 21)
            for outcome in outcomes { #expect((try? outcome.get()) != nil) }
            #expect(await driver.writerStatistics.commits - before == 1, "21 transactions queued together share one commit")
            #expect(try await Self.committed(driver) == Set(["first"] + (0..<20).map { "m\($0)" }))
        }
    }

    @Test("A member that fails is rolled back alone; the others commit")
    func failingMember() async throws {
        try await Self.withDriver { driver in
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                { database in
                    try await Self.insert("b", on: database)
                    try await Self.insert("a", on: database)  // a duplicate: this member fails, "b" goes with it
                },
                { try await Self.insert("c", on: $0) },
            ]
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver)
            #expect((try? outcomes[0].get()) != nil && (try? outcomes[1].get()) != nil && (try? outcomes[3].get()) != nil)
            #expect((try? outcomes[2].get()) == nil, "the member that inserted a duplicate fails")
            #expect(try await Self.committed(driver) == ["first", "a", "c"])
        }
    }

    @Test("When the batch's transaction is lost, every member in it hears so; the next one starts afresh")
    func lostBatch() async throws {
        try await Self.withDriver { driver in
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                { database in
                    // What SQLite does on some I/O errors: the whole transaction is rolled back under us.
                    try await database.raw("ROLLBACK").run()
                    throw CancellationError()
                },
                { try await Self.insert("c", on: $0) },
            ]
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver)
            for outcome in outcomes.prefix(3) { #expect((try? outcome.get()) == nil, "no member of a lost batch may hear success") }
            #expect((try? outcomes[3].get()) != nil, "the member after the loss opens a batch of its own")
            #expect(try await Self.committed(driver) == ["c"])
        }
    }

    @Test("When the commit fails, every member hears so and nothing is applied; the writer works after")
    func failedCommit() async throws {
        try await Self.withDriver { driver in
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                // A deferred foreign key is checked at COMMIT: the whole batch's commit fails.
                { try await $0.raw("INSERT INTO child (parent) VALUES ('nobody')").run() },
            ]
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver)
            for outcome in outcomes { #expect((try? outcome.get()) == nil, "no member may hear success for a commit that failed") }
            #expect(try await Self.committed(driver).isEmpty)
            try await driver.transaction { try await Self.insert("after", on: $0) }
            #expect(try await Self.committed(driver) == ["after"])
        }
    }

    @Test("No member is answered while a later member of its batch is still running")
    func nobodyAnsweredEarly() async throws {
        try await Self.withDriver { driver in
            let returned = NIOLockedValueBox(0)
            let lastGate = Gate()
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                { database in
                    try await Self.insert("b", on: database)
                    await lastGate.wait()
                },
            ]
            let outcomes = try await Self.queued(
                behind: { try await Self.insert("first", on: $0) },
                bodies,
                driver: driver,
                whileRunning: {
                    try await waitUntil { lastGate.isWaiting }
                    #expect(returned.withLockedValue { $0 } == 0, "the members before the last have not been answered")
                    #expect(try await Self.committed(driver).isEmpty, "nothing is committed while the batch runs")
                    lastGate.open()
                },
                returned: returned
            )
            for outcome in outcomes { #expect((try? outcome.get()) != nil) }
            #expect(try await Self.committed(driver) == ["first", "a", "b"])
        }
    }

    @Test("A batch is cut at its size limit; the rest commit in the next ones")
    func sizeLimit() async throws {
        try await Self.withDriver(batchMembers: 2) { driver in
            let before = await driver.writerStatistics.commits
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = (0..<4).map { index in
                { database in try await Self.insert("m\(index)", on: database) }
            }
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver)
            for outcome in outcomes { #expect((try? outcome.get()) != nil) }
            #expect(await driver.writerStatistics.commits - before == 3, "five transactions, two per commit")
            #expect(try await Self.committed(driver) == Set(["first"] + (0..<4).map { "m\($0)" }))
        }
    }

    @Test("A single write commits at once, with nobody else around")
    func alone() async throws {
        try await Self.withDriver { driver in
            let before = await driver.writerStatistics.commits
            try await driver.withWriter { try await Self.insert("solo", on: $0) }
            #expect(await driver.writerStatistics.commits - before == 1)
            #expect(try await Self.committed(driver) == ["solo"])
        }
    }

    @Test("A write lock another process holds is waited for on a thread; the batch opens once it is free")
    func anotherProcessHoldsTheLock() async throws {
        let path = NIOLockedValueBox("")
        try await Self.withDriver({ driver in
            let other = try SQLiteSession.open(path: path.withLockedValue { $0 })
            defer { other.close() }
            try other.run("BEGIN IMMEDIATE", []) { _ in }
            let write = Task { try await driver.withWriter { try await Self.insert("after", on: $0) } }
            try await waitUntil { await driver.writerStatistics.waitedOnThread == 1 }
            #expect(try await Self.committed(driver).isEmpty)
            try other.run("COMMIT", []) { _ in }
            try await write.value
            #expect(try await Self.committed(driver) == ["after"])
        }, file: { file in path.withLockedValue { $0 = file } })
    }
}

/// Polls `condition` every 5 ms; fails after 60 seconds (only a real failure gets there).
private func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// A one-shot gate a transaction body waits on.
private final class Gate: Sendable {
    private let state = NIOLockedValueBox<(open: Bool, waiter: CheckedContinuation<Void, Never>?, waiting: Bool)>((false, nil, false))

    var isWaiting: Bool { state.withLockedValue { $0.waiting } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLockedValue { state -> Bool in
                state.waiting = true
                if state.open { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.open = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
