import Foundation
import NIOConcurrencyHelpers
import SignetCore
import SignetStore

/// Caches what every request reads to authorise itself: token records, users, and permission sets.
///
/// Correctness rules, in order of importance:
/// - Any committed change to users, tokens, roles, assignments or credentials empties the cache:
///   on this node right after the commit, on other nodes when PostgreSQL delivers the change
///   notification (milliseconds later).
/// - While the change feed is not live (the notification connection is down), nothing is served
///   from or stored in the cache: every read goes to the database.
/// - A value read from the database is stored only if no invalidation happened since the read
///   began (a generation counter), so a slow read cannot put stale data back after a change.
/// - Entries also expire after ``timeToLive``, a safety net that bounds staleness even if a
///   notification were ever lost.
final class AuthorizationCache: Sendable {
    /// The longest an entry is served.
    static let timeToLive: TimeInterval = 5
    /// Entries kept per kind before the cache starts over.
    static let capacity = 10_000

    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let storedAt: Date
    }

    private struct State: Sendable {
        var generation: UInt64 = 0
        var tokens: [String: Entry<AccessTokenRecord>] = [:]
        var users: [String: Entry<UserRecord>] = [:]
        var permissions: [String: Entry<PermissionSet>] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let store: any SignetStore
    private let enabled: Bool

    init(store: any SignetStore, enabled: Bool = true) {
        self.store = store
        self.enabled = enabled
        store.changes.subscribe { [weak self] change in
            if change == .authorization { self?.invalidate() }
        }
    }

    /// Empties the cache.
    func invalidate() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.tokens.removeAll()
            state.users.removeAll()
            state.permissions.removeAll()
        }
    }

    func token(id: String) async throws -> AccessTokenRecord? {
        try await cached(id, \.tokens) { try await self.store.token(id: id) }
    }

    func user(id: String) async throws -> UserRecord? {
        try await cached(id, \.users) { try await self.store.user(id: id) }
    }

    func permissions(identityId: String) async throws -> PermissionSet {
        try await cached(identityId, \.permissions) { try await self.store.permissions(identityId: identityId) } ?? .none
    }

    private func cached<Value: Sendable>(
        _ key: String, _ table: WritableKeyPath<State, [String: Entry<Value>]>, load: @Sendable () async throws -> Value?
    ) async throws -> Value? {
        guard enabled, store.changes.isLive else { return try await load() }
        let now = Date()
        let (generation, hit) = state.withLockedValue { state -> (UInt64, Value?) in
            guard let entry = state[keyPath: table][key], now.timeIntervalSince(entry.storedAt) < Self.timeToLive else {
                return (state.generation, nil)
            }
            return (state.generation, entry.value)
        }
        if let hit { return hit }
        guard let value = try await load() else { return nil }
        let stillLive = store.changes.isLive
        state.withLockedValue { state in
            guard stillLive, state.generation == generation else { return }
            if state[keyPath: table].count >= Self.capacity { state[keyPath: table].removeAll() }
            state[keyPath: table][key] = Entry(value: value, storedAt: now)
        }
        return value
    }
}
