import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SignetCore
import SignetStore

/// Caches what every request reads to authorise itself, so that a warm authenticated read touches
/// neither the database nor a signature: callers by the digest of the token they presented,
/// effective permission sets per token, and a few rendered responses.
///
/// Correctness rules, in order of importance:
/// - Any committed change to users, tokens, roles, assignments or credentials empties the cache:
///   on this node right after the commit, on other nodes when PostgreSQL delivers the change
///   notification (milliseconds later). A change of signing keys empties it too.
/// - While the change feed is not live (the notification connection is down), nothing is served
///   from or stored in the cache: every read goes to the database.
/// - A value read from the database is stored only if no invalidation happened since the read
///   began (a generation counter), so a slow read cannot put stale data back after a change.
/// - Entries also expire after ``timeToLive`` (or earlier, at the expiry their value names), a
///   safety net that bounds staleness even if a notification were ever lost.
final class AuthorizationCache: Sendable {
    /// The longest an entry is served.
    static let timeToLive: TimeInterval = 5
    /// Entries kept per kind before that kind starts over, which bounds memory whatever the load.
    static let capacity = 10_000

    /// A caller whose token verified, and until when that holds without asking again.
    struct VerifiedCaller: Sendable {
        let caller: Caller
        /// The earlier of the token's `exp` claim and its record's expiry.
        let expiresAt: Date
    }

    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let validUntil: Date
    }

    private struct State: Sendable {
        var generation: UInt64 = 0
        var callers: [SHA256Digest: Entry<VerifiedCaller>] = [:]
        var permissions: [String: Entry<PermissionSet>] = [:]
        var effective: [String: Entry<PermissionSet>] = [:]
        var responses: [String: Entry<ByteBuffer>] = [:]

        mutating func removeAll() {
            generation &+= 1
            callers.removeAll()
            permissions.removeAll()
            effective.removeAll()
            responses.removeAll()
        }
    }

    private let state = NIOLockedValueBox(State())
    private let store: any SignetStore
    private let enabled: Bool

    init(store: any SignetStore, enabled: Bool = true) {
        self.store = store
        self.enabled = enabled
        store.changes.subscribe { [weak self] _ in self?.invalidate() }
    }

    /// Empties the cache.
    func invalidate() {
        state.withLockedValue { $0.removeAll() }
    }

    /// The caller that presented the token with this digest, verified by `verify` when not cached.
    /// A refusal thrown by `verify` is not cached.
    func caller(digest: SHA256Digest, verify: @Sendable () async throws -> VerifiedCaller) async throws -> Caller {
        let now = Date()
        let verified = try await cached(digest, \.callers, now: now, validUntil: \.expiresAt) { try await verify() }
        guard let verified, verified.expiresAt > now else {
            throw APIError.unauthorized("Not Authorized: the token has expired")
        }
        return verified.caller
    }

    /// The permissions granted to one identity (a user, a service account or a PAT) by its roles.
    func permissions(identityId: String) async throws -> PermissionSet {
        try await cached(identityId, \.permissions, now: Date()) { try await self.store.permissions(identityId: identityId) } ?? .none
    }

    /// A token's effective permissions, computed by `evaluate` when not cached.
    func effectivePermissions(tokenId: String, evaluate: @Sendable () async throws -> PermissionSet) async throws -> PermissionSet {
        try await cached(tokenId, \.effective, now: Date()) { try await evaluate() } ?? .none
    }

    /// A rendered response body, keyed by what it depends on, built by `render` when not cached.
    func response(_ key: String, render: @Sendable () async throws -> ByteBuffer) async throws -> ByteBuffer {
        try await cached(key, \.responses, now: Date()) { try await render() } ?? ByteBuffer()
    }

    private func cached<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key, _ table: WritableKeyPath<State, [Key: Entry<Value>]>, now: Date,
        validUntil: ((Value) -> Date)? = nil,
        load: @Sendable () async throws -> Value?
    ) async throws -> Value? {
        guard enabled, store.changes.isLive else { return try await load() }
        let (generation, hit) = state.withLockedValue { state -> (UInt64, Value?) in
            guard let entry = state[keyPath: table][key], now < entry.validUntil else { return (state.generation, nil) }
            return (state.generation, entry.value)
        }
        if let hit { return hit }
        guard let value = try await load() else { return nil }
        let stillLive = store.changes.isLive
        let entry = Entry(value: value, validUntil: min(validUntil?(value) ?? .distantFuture, now + Self.timeToLive))
        state.withLockedValue { state in
            guard stillLive, state.generation == generation else { return }
            if state[keyPath: table].count >= Self.capacity { state[keyPath: table].removeAll() }
            state[keyPath: table][key] = entry
        }
        return value
    }
}
