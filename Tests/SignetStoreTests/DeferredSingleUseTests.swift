import Foundation
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetStore

/// A signed request's single use, written in the transaction of its first change.
@Suite("Deferred single use")
struct DeferredSingleUseTests {
    struct Replayed: Error {}
    struct Failed: Error {}

    /// How many times a use was written (committed or not).
    actor Count {
        var value = 0
        func increment() { value += 1 }
    }

    /// A Fast Auth nonce's use, counted; `record` is the audit record it writes.
    static func use(_ nonce: String, _ f: WriteScenario.Fixture, record: UserActionRecord, count: Count) -> DeferredSingleUse {
        DeferredSingleUse(refusal: Replayed(), presumed: .init(status: 200)) { store, presumed in
            await count.increment()
            var record = record
            record.resultStatus = presumed?.status
            record.outcome = presumed?.outcome
            return try await store.useFastAuthNonce(nonce, orgId: f.orgId, until: f.now.addingTimeInterval(60), recording: record)
        }
    }

    /// A change a handler could make: an unused user action (written by a plain `write`).
    static func change(_ f: WriteScenario.Fixture) -> UserActionRecord { AuditChainStoreTests.action(f) }

    @Test("The first write commits the use with it; later writes write nothing more", arguments: TestDatabase.available)
    func joinsTheFirstWrite(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let (record, first, second, count) = (AuditChainStoreTests.action(f, used: f.now), Self.change(f), Self.change(f), Count())
            let use = Self.use("n-join", f, record: record, count: count)
            try await DeferredSingleUse.$current.withValue(use) {
                #expect(use.state == .waiting)
                try await store.insertUserAction(first)  // a single statement, made a transaction for the use
                #expect(use.state == .written)
                try await store.transaction { try await $0.insertUserAction(second) }
                try await use.settle(in: store)
            }
            #expect(await count.value == 1)
            #expect(use.writtenPresumption == .init(status: 200))
            #expect(try await store.userAction(id: record.id)?.chainIndex == 1, "the use's audit record joined the chain")
            #expect(try await store.userAction(id: record.id)?.resultStatus == 200, "written with the presumed status")
            #expect(try await store.userAction(id: first.id) != nil)
            #expect(try await store.userAction(id: second.id) != nil)
            #expect(try await !store.useFastAuthNonce("n-join", orgId: f.orgId, until: f.now, recording: record), "the nonce is used")
        }
    }

    @Test("What a handler presumes before its change is what the use writes; a presumption after it changes nothing", arguments: TestDatabase.available)
    func presumption(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let (record, first, second) = (AuditChainStoreTests.action(f, used: f.now), Self.change(f), Self.change(f))
            let use = Self.use("n-presume", f, record: record, count: Count())
            try await DeferredSingleUse.$current.withValue(use) {
                use.presume(.init(status: 202, outcome: "held"))
                try await store.insertUserAction(first)
                use.presume(.init(status: 204))
                try await store.insertUserAction(second)
            }
            #expect(use.writtenPresumption == .init(status: 202, outcome: "held"))
            let written = try #require(try await store.userAction(id: record.id))
            #expect(written.resultStatus == 202 && written.outcome == "held")
        }
    }

    @Test("A replay's change rolls back with its use, and every later write of the request is refused", arguments: TestDatabase.available)
    func replayChangesNothing(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            #expect(try await store.useFastAuthNonce("n-seen", orgId: f.orgId, until: f.now.addingTimeInterval(60), recording: AuditChainStoreTests.action(f, used: f.now)))
            let (record, first, second, count) = (AuditChainStoreTests.action(f, used: f.now), Self.change(f), Self.change(f), Count())
            let use = Self.use("n-seen", f, record: record, count: count)
            await DeferredSingleUse.$current.withValue(use) {
                await #expect(throws: Replayed.self) { try await store.insertUserAction(first) }
                #expect(use.state == .refused)
                await #expect(throws: Replayed.self) { try await store.transaction { try await $0.insertUserAction(second) } }
                await #expect(throws: Replayed.self) { try await use.settle(in: store) }
            }
            #expect(await count.value == 1)
            #expect(try await store.userAction(id: first.id) == nil, "the replay's change was rolled back")
            #expect(try await store.userAction(id: second.id) == nil)
            #expect(try await store.userAction(id: record.id) == nil)
        }
    }

    @Test("A change that fails leaves the use unwritten; settling writes it, with the status, once", arguments: TestDatabase.available)
    func failedChangeThenSettle(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let (record, first, count) = (AuditChainStoreTests.action(f, used: f.now), Self.change(f), Count())
            let use = Self.use("n-fail", f, record: record, count: count)
            try await DeferredSingleUse.$current.withValue(use) {
                await #expect(throws: Failed.self) {
                    try await store.transaction { store in
                        try await store.insertUserAction(first)
                        throw Failed()
                    }
                }
                #expect(use.state == .waiting)
                #expect(try await store.userAction(id: record.id) == nil, "rolled back with the change")
                use.presume(.init(status: 202, outcome: "held"))
                await #expect(throws: Failed.self) {
                    try await store.transaction { _ in throw Failed() }
                }
                #expect(use.state == .waiting, "a presumption of a change rolled back is forgotten")
                try await use.settle(in: store) { try await $0.recordUserActionResult(id: record.id, status: 409, outcome: nil) }
                #expect(use.state == .written)
                try await use.settle(in: store)
            }
            #expect(await count.value == 1, "the failed change ended its transaction before the use; settling wrote it")
            #expect(try await store.userAction(id: first.id) == nil)
            #expect(try await store.userAction(id: record.id)?.resultStatus == 409)
            #expect(use.writtenPresumption == .init(status: 200), "not the rolled-back change's 202")
        }
    }

    @Test("Two nodes writing the same use with their changes: one commits, the other's change rolls back", arguments: TestDatabase.available)
    func acrossNodes(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, harness in
            let f = try await WriteScenario.Fixture.seed(store)
            try await harness.withSecondStore { other in
                let changes = [Self.change(f), Self.change(f)]
                let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for (node, change) in zip([store, other], changes) {
                        let use = Self.use("n-twice", f, record: AuditChainStoreTests.action(f, used: f.now), count: Count())
                        group.addTask {
                            do {
                                try await DeferredSingleUse.$current.withValue(use) { try await node.insertUserAction(change) }
                                return true
                            } catch is Replayed {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 1 && outcomes.count == 2)
                var applied = 0
                for change in changes where try await store.userAction(id: change.id) != nil { applied += 1 }
                #expect(applied == 1)
            }
        }
    }

    @Test("After a commit that failed once everything had run, nothing more is written: the outcome is unknown")
    func uncertainCommit() async throws {
        let use = DeferredSingleUse(refusal: Replayed()) { _, _ in true }
        let claimed = try #require(try use.claim())
        claimed.ended(committed: false, afterWriting: true)
        #expect(use.state == .uncertain)
        #expect(throws: DeferredSingleUse.Uncertain.self) { try use.mustWrite() }
        #expect(throws: DeferredSingleUse.Uncertain.self) { try use.claim() }
        let rolledBack = DeferredSingleUse(refusal: Replayed()) { _, _ in true }
        try #require(try rolledBack.claim()).ended(committed: false)
        #expect(rolledBack.state == .waiting, "a transaction that failed before the use ran leaves it to write")
    }

    @Test(
        "A second transaction begun while the first writes the use is refused, not run without it",
        .timeLimit(.minutes(2)),
        arguments: TestDatabase.available
    )
    func concurrentWritesRefused(database: TestDatabase.Kind) async throws {
        try await StoreHarness.with(database) { store, _ in
            let f = try await WriteScenario.Fixture.seed(store)
            let (record, first, second) = (AuditChainStoreTests.action(f, used: f.now), Self.change(f), Self.change(f))
            let use = Self.use("n-busy", f, record: record, count: Count())
            await DeferredSingleUse.$current.withValue(use) {
                await #expect(throws: DeferredSingleUse.Concurrent.self) {
                    try await store.transaction { transaction in
                        try await transaction.insertUserAction(first)
                        try await store.insertUserAction(second)  // the store itself, not the transaction
                    }
                }
                #expect(use.state == .waiting)
            }
            #expect(try await store.userAction(id: first.id) == nil)
            #expect(try await store.userAction(id: second.id) == nil)
        }
    }
}
