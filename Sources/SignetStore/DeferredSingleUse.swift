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
    }

    /// Two transactions of one request began at once while the use was unwritten: refused rather
    /// than let the second run without it.
    package struct Concurrent: Error, CustomStringConvertible {
        package var description: String { "a signed request's writes must run one after another" }
    }

    /// What every write of the request fails with once the use turns out to have been made before.
    package let refusal: any Error
    private let use: @Sendable (any SignetStore) async throws -> Bool
    private let box = NIOLockedValueBox(State.waiting)

    /// - Parameters:
    ///   - refusal: the error of a replay.
    ///   - use: writes the use inside the transaction it is given; `false` when it was made before.
    package init(refusal: any Error, use: @escaping @Sendable (any SignetStore) async throws -> Bool) {
        self.refusal = refusal
        self.use = use
    }

    /// Where the use stands now.
    package var state: State { box.withLockedValue { $0 } }

    /// Whether a transaction beginning now must write the use (throws ``refusal`` after a refusal).
    func mustWrite() throws -> Bool {
        switch state {
        case .waiting, .writing: true
        case .written: false
        case .refused: throw refusal
        }
    }

    /// Claims the use for a transaction about to begin: `self` when that transaction must write it,
    /// `nil` when it is written already.
    func claim() throws -> DeferredSingleUse? {
        let before = box.withLockedValue { state in
            defer { if state == .waiting { state = .writing } }
            return state
        }
        switch before {
        case .waiting: return self
        case .written: return nil
        case .writing: throw Concurrent()
        case .refused: throw refusal
        }
    }

    /// Writes the use in `store`, a transaction that has claimed it.
    func write(in store: any SignetStore) async throws {
        guard try await use(store) else {
            box.withLockedValue { $0 = .refused }
            throw refusal
        }
    }

    /// The claiming transaction ended: committed, or rolled back (a refusal stays a refusal).
    func ended(committed: Bool) {
        box.withLockedValue { state in
            if state == .writing { state = committed ? .written : .waiting }
        }
    }

    /// Writes the use in a transaction of its own unless it is written already, with `also` (the
    /// request's status) in the same transaction. Throws ``refusal`` for a replay.
    package func settle(in store: any SignetStore, also: (@Sendable (any SignetStore) async throws -> Void)? = nil) async throws {
        guard let claimed = try claim() else { return }
        do {
            try await Self.$current.withValue(nil) {
                try await store.transaction { transaction in
                    try await claimed.write(in: transaction)
                    try await also?(transaction)
                }
            }
        } catch {
            claimed.ended(committed: false)
            throw error
        }
        claimed.ended(committed: true)
    }

    /// ``settle(in:also:)`` for the request whose handler runs in this task, if any.
    package static func settleCurrent(in store: any SignetStore) async throws {
        try await current?.settle(in: store)
    }
}
