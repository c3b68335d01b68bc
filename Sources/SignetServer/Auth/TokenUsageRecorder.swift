import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SignetAPI
import SignetStore

/// Keeps when each PAT and service-account token was last presented, and by which clients (address
/// and user agent), in bookkeeping tables (``StoreTable/tokenUsage``, ``StoreTable/tokenClients``)
/// whose writes empty no cache. A request only notes the use in memory, at most once per
/// ``interval`` per token (and per token and client) on this node, and never waits for the database:
/// ``TokenUsageFlusher`` writes what was noted, as one batch, every few seconds and at shutdown. A
/// failed write is kept for the next flush; it never fails a request.
final class TokenUsageRecorder: Sendable {
    /// The shortest time between two notes of one token's use on this node.
    static let interval: TimeInterval = 60
    /// How many tokens' notes are remembered; past it they are forgotten together (one extra note each).
    static let remembered = 100_000
    /// How many clients wait for the next flush at most.
    static let pendingClientsLimit = 10_000

    private struct State {
        /// When each token's use was last noted.
        var noted: [String: Date] = [:]
        /// Uses noted and not yet written.
        var pending: [String: Date] = [:]
        /// When each (token, client) pair was last noted.
        var notedClients: [ClientKey: Date] = [:]
        /// Clients noted and not yet written, by their pair.
        var pendingClients: [ClientKey: TokenClientRow] = [:]
    }

    /// A token and one client of it.
    private struct ClientKey: Hashable {
        var tokenId: String
        var address: String
        var userAgent: String
    }

    private let store: any SignetStore
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(store: any SignetStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Notes that `token` was presented at `date` by the client at `address` (``ClientAddressMiddleware``)
    /// sending `userAgent`. PATs and service-account tokens only (sessions show no last use). Takes a
    /// lock briefly; never touches the database.
    func noteUse(of token: AccessTokenRecord, at date: Date, address: String? = nil, userAgent: String? = nil) {
        guard token.kind == .pat || token.kind == .serviceAccount else { return }
        let client = TokenClientRow(tokenId: token.id, address: address ?? "", userAgent: userAgent ?? "", lastUsedAt: date)
        let pair = ClientKey(tokenId: client.tokenId, address: client.address, userAgent: client.userAgent)
        state.withLockedValue { state in
            if Self.due(state.noted[token.id], at: date) {
                if state.noted.count >= Self.remembered { state.noted.removeAll(keepingCapacity: true) }
                state.noted[token.id] = date
                state.pending[token.id] = max(state.pending[token.id] ?? date, date)
            }
            if Self.due(state.notedClients[pair], at: date) {
                if state.notedClients.count >= Self.remembered { state.notedClients.removeAll(keepingCapacity: true) }
                state.notedClients[pair] = date
                // The token's own time follows its newest client, so "last used" is never older.
                state.pending[token.id] = max(state.pending[token.id] ?? date, date)
                if let known = state.pendingClients[pair], known.lastUsedAt >= date { return }
                // Bounded: a caller cycling through user agents cannot grow this between flushes
                // (or while the database is down); past the bound, new clients wait for the next flush.
                guard state.pendingClients[pair] != nil || state.pendingClients.count < Self.pendingClientsLimit else { return }
                state.pendingClients[pair] = client
            }
        }
    }

    /// Whether a use at `date` is to be noted, given the last note: none yet, one from the future
    /// (a clock that moved back), or one at least ``interval`` old.
    private static func due(_ last: Date?, at date: Date) -> Bool {
        guard let last else { return true }
        return last > date || date.timeIntervalSince(last) >= interval
    }

    /// Writes the uses noted since the last flush. When the write fails they are kept (merged with
    /// newer ones) for the next flush, and one warning is logged.
    func flush() async {
        let (batch, clients) = state.withLockedValue { state in
            defer {
                state.pending.removeAll()
                state.pendingClients.removeAll()
            }
            return (state.pending, state.pendingClients)
        }
        guard !batch.isEmpty || !clients.isEmpty else { return }
        do {
            try await store.recordTokenUses(batch)
            try await store.recordTokenClients(Array(clients.values))
        } catch {
            state.withLockedValue { state in
                state.pending.merge(batch) { max($0, $1) }
                for (pair, client) in clients where state.pendingClients.count < Self.pendingClientsLimit || state.pendingClients[pair] != nil {
                    state.pendingClients[pair] = state.pendingClients[pair].map { $0.lastUsedAt >= client.lastUsedAt ? $0 : client } ?? client
                }
            }
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
