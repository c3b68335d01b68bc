import Foundation
import Logging
import NIOConcurrencyHelpers
import SignetStore

/// Records when each token was last presented, in a bookkeeping table (``StoreTable/tokenUsage``)
/// whose writes empty no cache, and at most once per ``interval`` per token on this node: a token
/// read a thousand times a minute costs one write a minute. A failed write is logged and retried at
/// the token's next use; it never fails the request.
final class TokenUsageRecorder: Sendable {
    /// The shortest time between two records of one token's use on this node.
    static let interval: TimeInterval = 60
    /// How many tokens are remembered before those outside the interval are forgotten.
    static let remembered = 100_000

    private let store: any SignetStore
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let recorded = NIOLockedValueBox<[String: Date]>([:])

    init(store: any SignetStore, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.now = now
        self.logger = logger
    }

    /// Notes that `tokenId` was presented now, writing it when the last record is older than ``interval``.
    func noteUse(of tokenId: String) async {
        let now = self.now()
        let due = recorded.withLockedValue { times -> Bool in
            if let last = times[tokenId], last <= now, now.timeIntervalSince(last) < Self.interval { return false }
            if times.count >= Self.remembered { times = times.filter { now.timeIntervalSince($0.value) < Self.interval } }
            times[tokenId] = now
            return true
        }
        guard due else { return }
        do {
            try await store.recordTokenUse(id: tokenId, at: now)
        } catch {
            recorded.withLockedValue { _ = $0.removeValue(forKey: tokenId) }
            logger.warning("could not record a token's use", metadata: ["tokenId": "\(tokenId)", "error": "\(String(describing: error))"])
        }
    }
}
