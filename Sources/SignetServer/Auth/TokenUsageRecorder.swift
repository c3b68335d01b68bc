import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SignetAPI
import SignetStore

/// Keeps when each PAT and service-account token was last presented, in a bookkeeping table
/// (``StoreTable/tokenUsage``) whose writes empty no cache. A request only notes the use in memory,
/// at most once per ``interval`` per token on this node, and never waits for the database:
/// ``TokenUsageFlusher`` writes what was noted, as one batch, every few seconds and at shutdown. A
/// failed write is kept for the next flush; it never fails a request.
final class TokenUsageRecorder: Sendable {
    /// The shortest time between two notes of one token's use on this node.
    static let interval: TimeInterval = 60
    /// How many tokens' notes are remembered; past it they are forgotten together (one extra note each).
    static let remembered = 100_000

    private struct State {
        /// When each token's use was last noted.
        var noted: [String: Date] = [:]
        /// Uses noted and not yet written.
        var pending: [String: Date] = [:]
    }

    private let store: any SignetStore
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(store: any SignetStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Notes that `token` was presented at `date`. PATs and service-account tokens only (sessions
    /// show no last use). Takes a lock briefly; never touches the database.
    func noteUse(of token: AccessTokenRecord, at date: Date) {
        guard token.kind == .pat || token.kind == .serviceAccount else { return }
        state.withLockedValue { state in
            if let last = state.noted[token.id], last <= date, date.timeIntervalSince(last) < Self.interval { return }
            if state.noted.count >= Self.remembered { state.noted.removeAll(keepingCapacity: true) }
            state.noted[token.id] = date
            state.pending[token.id] = max(state.pending[token.id] ?? date, date)
        }
    }

    /// Writes the uses noted since the last flush. When the write fails they are kept (merged with
    /// newer ones) for the next flush, and one warning is logged.
    func flush() async {
        let batch = state.withLockedValue { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordTokenUses(batch)
        } catch {
            state.withLockedValue { state in state.pending.merge(batch) { max($0, $1) } }
            logger.warning(
                "could not record tokens' last use; will retry",
                metadata: ["tokens": "\(batch.count)", "error": "\(String(describing: error))"]
            )
        }
    }
}

/// Writes the token uses ``TokenUsageRecorder`` noted, every `interval`, and once more at shutdown.
struct TokenUsageFlusher: Service {
    let recorder: TokenUsageRecorder
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await recorder.flush()
        }
    }
}
