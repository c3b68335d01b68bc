import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import SignetStore
import Testing

/// SQLite's group commit (``GroupCommit``): transactions that arrive together share one commit,
/// each is answered only once that commit is durable, and one that fails takes nobody else with it.
@Suite("Store: SQLite writes share commits, and nobody hears success before theirs is durable")
struct GroupCommitTests {
    /// A driver on a fresh file with a table `t (id TEXT PRIMARY KEY)`, and a batch that is never cut
    /// by size or age, so what the test arranges is what commits.
    static func withDriver(_ body: @Sendable (SQLiteDriver, GroupCommit) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batch = GroupCommit(maximumMembers: 10_000, maximumAge: .seconds(3600))
        let driver = try await SQLiteDriver.open(path: directory + "/g.sqlite", logger: .init(label: "test"), groupCommit: batch)
        do {
            try await driver.withWriter { try await $0.raw("CREATE TABLE t (id TEXT PRIMARY KEY)").run() }
            try await body(driver, batch)
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
        _ bodies: [@Sendable (any SQLDatabase) async throws -> Void], driver: SQLiteDriver, batch: GroupCommit
    ) async throws -> [Result<Void, any Error>] {
        let gate = Gate()
        return try await withThrowingTaskGroup(of: (Int, Result<Void, any Error>).self) { group in
            group.addTask {
                (-1, await Result(catching: { try await driver.transaction { database in try await first(database); await gate.wait() } }))
            }
            try await waitUntil { await batch.queued == 0 && gate.isWaiting }
            for (index, body) in bodies.enumerated() {
                group.addTask { (index, await Result(catching: { try await driver.transaction(body) })) }
                try await waitUntil { await batch.queued == index + 1 }
            }
            gate.open()
            var outcomes: [Int: Result<Void, any Error>] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return [outcomes[-1]].compactMap { $0 } + bodies.indices.compactMap { outcomes[$0] }
        }
    }

    @Test("Transactions queued behind one another commit once, together, and are all visible after")
    func oneCommit() async throws {
        try await Self.withDriver { driver, batch in
            let before = await batch.commits
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = (0..<20).map { index in
                { database in try await Self.insert("m\(index)", on: database) }
            }
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver, batch: batch)
            #expect(outcomes.count == 21)
            for outcome in outcomes { #expect((try? outcome.get()) != nil) }
            #expect(await batch.commits - before == 1, "21 transactions queued together share one commit")
            #expect(try await Self.committed(driver) == Set(["first"] + (0..<20).map { "m\($0)" }))
        }
    }

    @Test("A member that fails is rolled back alone; the others commit")
    func failingMember() async throws {
        try await Self.withDriver { driver, batch in
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                { database in
                    try await Self.insert("b", on: database)
                    try await Self.insert("a", on: database)  // a duplicate: this member fails, "b" goes with it
                },
                { try await Self.insert("c", on: $0) },
            ]
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver, batch: batch)
            #expect((try? outcomes[0].get()) != nil && (try? outcomes[1].get()) != nil && (try? outcomes[3].get()) != nil)
            #expect((try? outcomes[2].get()) == nil, "the member that inserted a duplicate fails")
            #expect(try await Self.committed(driver) == ["first", "a", "c"])
        }
    }

    @Test("When the batch's transaction is lost, every member hears it and nothing of theirs is applied")
    func lostBatch() async throws {
        try await Self.withDriver { driver, batch in
            let bodies: [@Sendable (any SQLDatabase) async throws -> Void] = [
                { try await Self.insert("a", on: $0) },
                { database in
                    // What SQLite does on some I/O errors: the whole transaction is rolled back under us.
                    try await database.raw("ROLLBACK").run()
                    throw CancellationError()
                },
            ]
            let outcomes = try await Self.queued(behind: { try await Self.insert("first", on: $0) }, bodies, driver: driver, batch: batch)
            for outcome in outcomes { #expect((try? outcome.get()) == nil, "no member may hear success for a lost batch") }
            #expect(try await Self.committed(driver).isEmpty)
            try await driver.transaction { try await Self.insert("after", on: $0) }
            #expect(try await Self.committed(driver) == ["after"], "the writer works again after a lost batch")
        }
    }

    @Test("A single write commits at once, with nobody else around")
    func alone() async throws {
        try await Self.withDriver { driver, batch in
            let before = await batch.commits
            try await driver.withWriter { try await Self.insert("solo", on: $0) }
            #expect(await batch.commits - before == 1)
            #expect(try await Self.committed(driver) == ["solo"])
        }
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
