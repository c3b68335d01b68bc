import NIOConcurrencyHelpers

/// A signed request's single use (its Fast Auth nonce, or its user action token) written in the
/// transaction of the request's first change rather than in one of its own, so a signed write
/// commits once.
///
/// While a request's handler runs, ``current`` holds its use. The first transaction the handler
/// begins on the store ends with the use's statements (on SQLite and PostgreSQL alike): when the
/// use was made before (a replay, on this node or another), that transaction fails with
/// ``refusal`` and rolls back with the change, so nothing a replay asks for is ever committed.
/// Once committed, later transactions write nothing more; after a refusal every write of the
/// request fails with it. When the handler writes nothing, or its transaction rolls back, its
/// route writes the use on its own afterwards (``settle(in:also:)``), before any answer is sent.
///
/// Anything a handler makes leave the process before writing (a webhook's ping) calls
/// ``settleCurrent(in:)`` first: a replay must not reach anyone.
package final class DeferredSingleUse: Sendable {
    /// The use of the request whose handler runs in this task, if any.
    @TaskLocal package static var current: DeferredSingleUse?

    /// Where the use stands.
    package enum State: Sendable, Equatable {
        /// Not written yet.
        case waiting
        /// Being written by a transaction that has not ended.
        case writing
        /// Committed.
        case written
        /// Made before: the request is refused.
        case refused
        /// Written by a transaction whose commit failed after everything in it had run: it may
        /// have committed (PostgreSQL's connection lost at `COMMIT`), so the request may have done
        /// its change, and nothing more is written for it.
        case uncertain
    }

    /// The use's transaction failed at its commit: whether the change was applied is unknown.
    package struct Uncertain: Error, CustomStringConvertible {
        /// Says what happened.
        package var description: String { "the database did not confirm the commit of a signed request's change" }
    }

    /// How the request is presumed to end, written with the use (the audit record's status and
    /// outcome): a change that commits almost always ends its request so. The request's route
    /// corrects the record when it ends otherwise.
    package struct Presumption: Sendable, Equatable {
        package var status: Int
        package var outcome: String?

        package init(status: Int, outcome: String? = nil) {
            self.status = status
            self.outcome = outcome
        }
    }

    /// Two transactions of one request began at once while the use was unwritten: refused rather
    /// than let the second run without it.
    package struct Concurrent: Error, CustomStringConvertible {
        /// Says what happened.
        package var description: String { "a signed request's writes must run one after another" }
    }

    /// What every write of the request fails with once the use turns out to have been made before.
    package let refusal: any Error
    private let use: @Sendable (any SignetStore, Presumption?) async throws -> Bool
    /// The presumption a rolled-back change's own (``presume(_:)``) gives way to.
    private let initialPresumption: Presumption?
    private let box: NIOLockedValueBox<(state: State, presumed: Presumption?, written: Presumption?)>

    /// - Parameters:
    ///   - refusal: the error of a replay.
    ///   - presumed: how the request is presumed to end, if the use records it.
    ///   - use: writes the use inside the transaction it is given, with the presumption of that
    ///     moment; `false` when it was made before.
    package init(
        refusal: any Error,
        presumed: Presumption? = nil,
        use: @escaping @Sendable (any SignetStore, Presumption?) async throws -> Bool
    ) {
        self.refusal = refusal
        self.use = use
        self.initialPresumption = presumed
        self.box = NIOLockedValueBox((.waiting, presumed, nil))
    }

    /// Where the use stands now.
    package var state: State { box.withLockedValue { $0.state } }

    /// The presumption written with the use, once a transaction that committed wrote it.
    package var writtenPresumption: Presumption? { box.withLockedValue { $0.state == .written ? $0.written : nil } }

    /// Says how the request will end if its next transaction commits (a change held for approval
    /// answers 202): called by a handler before that transaction, so that the record is right
    /// even if the process stops before the route can correct it. Forgotten if that transaction
    /// rolls back.
    package func presume(_ presumption: Presumption) {
        box.withLockedValue { $0.presumed = presumption }
    }

    /// Whether a transaction beginning now must write the use (throws ``refusal`` after a refusal).
    func mustWrite() throws -> Bool {
        switch state {
        case .waiting, .writing: true
        case .written: false
        case .refused: throw refusal
        case .uncertain: throw Uncertain()
        }
    }

    /// Claims the use for a transaction about to begin: `self` when that transaction must write it,
    /// `nil` when it is written already.
    func claim() throws -> DeferredSingleUse? {
        let before = box.withLockedValue { box in
            defer { if box.state == .waiting { box.state = .writing } }
            return box.state
        }
        switch before {
        case .waiting: return self
        case .written: return nil
        case .writing: throw Concurrent()
        case .refused: throw refusal
        case .uncertain: throw Uncertain()
        }
    }

    /// Writes the use in `store`, a transaction that has claimed it.
    func write(in store: any SignetStore) async throws {
        let presumed = box.withLockedValue { $0.presumed }
        guard try await use(store, presumed) else {
            box.withLockedValue { $0.state = .refused }
            throw refusal
        }
        box.withLockedValue { $0.written = presumed }
    }

    /// The claiming transaction ended: committed, rolled back (a refusal stays a refusal), or
    /// failed at its commit after the use was written (``State/uncertain``).
    func ended(committed: Bool, afterWriting: Bool = false) {
        box.withLockedValue { box in
            guard box.state == .writing else { return }
            box.state = committed ? .written : afterWriting ? .uncertain : .waiting
            if box.state == .waiting { box.presumed = initialPresumption }
        }
    }

    /// Writes the use in a transaction of its own unless it is written already, with `also` (the
    /// request's status) in the same transaction. Throws ``refusal`` for a replay.
    package func settle(in store: any SignetStore, also: (@Sendable (any SignetStore) async throws -> Void)? = nil) async throws {
        guard let claimed = try claim() else { return }
        let ran = NIOLockedValueBox(false)
        do {
            try await Self.$current.withValue(nil) {
                try await store.transaction { transaction in
                    try await claimed.write(in: transaction)
                    try await also?(transaction)
                    ran.withLockedValue { $0 = true }
                }
            }
        } catch {
            claimed.ended(committed: false, afterWriting: ran.withLockedValue { $0 })
            throw error
        }
        claimed.ended(committed: true)
    }

    /// Runs `body` with this use written by its first transaction, then writes the use on its own
    /// if none did. A replay throws ``refusal`` whatever `body` did; else `body`'s error or value.
    package func run<T: Sendable>(in store: any SignetStore, _ body: @Sendable () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await Self.$current.withValue(self) { try await body() })
        } catch {
            result = .failure(error)
        }
        if state == .refused { throw refusal }
        try await settle(in: store)
        return try result.get()
    }

    /// ``settle(in:also:)`` for the request whose handler runs in this task, if any.
    package static func settleCurrent(in store: any SignetStore) async throws {
        try await current?.settle(in: store)
    }
}
