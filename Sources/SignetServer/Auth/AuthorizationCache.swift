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
///   notification (milliseconds later). A change of signing keys empties it too. A change of
///   details only (a token renamed: ``StoreChange/details``) drops the rendered responses only.
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

    /// A credential and its key, parsed once: what Fast Auth checks a signed write against.
    struct SigningCredential: Sendable {
        let record: CredentialRecord
        /// `nil` when the stored key no longer parses (the write is refused).
        let publicKey: PublicKey?
    }

    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let validUntil: Date
    }

    /// A load in progress, which requests for the same key in the same generation wait for
    /// instead of starting their own (so an entry that expires under load is read once, not by
    /// every connection at the same moment).
    private struct Loading<Value: Sendable>: Sendable {
        let generation: UInt64
        let task: Task<Value?, any Error>
    }

    /// One kind of cached value: the entries and the loads in progress.
    private struct Table<Key: Hashable & Sendable, Value: Sendable>: Sendable {
        var entries: [Key: Entry<Value>] = [:]
        var loading: [Key: Loading<Value>] = [:]

        mutating func removeAll() {
            entries.removeAll()
            loading.removeAll()
        }
    }

    private struct State: Sendable {
        var generation: UInt64 = 0
        var callers = Table<SHA256Digest, VerifiedCaller>()
        var permissions = Table<String, PermissionSet>()
        var effective = Table<String, PermissionSet>()
        var responses = Table<String, ByteBuffer>()
        var credentials = Table<String, SigningCredential>()
        var policies = Table<String, [PolicyDefinition]>()

        mutating func removeAll() {
            generation &+= 1
            credentials.removeAll()
            policies.removeAll()
            callers.removeAll()
            permissions.removeAll()
            effective.removeAll()
            responses.removeAll()
        }
    }

    private let state = NIOLockedValueBox(State())
    private let store: any SignetStore
    private let enabled: Bool
    private let now: @Sendable () -> Date
    /// How long an entry lives at most (``timeToLive`` unless a test needs longer).
    private let entryLifetime: TimeInterval

    init(
        store: any SignetStore,
        enabled: Bool = true,
        timeToLive: TimeInterval = AuthorizationCache.timeToLive,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.enabled = enabled
        self.entryLifetime = timeToLive
        self.now = now
        store.changes.subscribe { [weak self] change in
            switch change {
            case .details: self?.invalidateResponses()
            case .detailsOf(let userId): self?.invalidateResponses(of: userId)
            case .webhookEvents: break
            case .authorization, .signingKeys: self?.invalidate()
            }
        }
    }

    /// Empties the cache.
    func invalidate() {
        state.withLockedValue { $0.removeAll() }
    }

    /// Drops the rendered responses only, after a change of what lists show (``StoreChange/details``):
    /// verified callers and permission sets stay, since nothing that decides who may do what changed.
    func invalidateResponses() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.responses.removeAll()
        }
    }

    /// Drops the responses rendered for one user (``StoreChange/detailsOf(userId:)``); loads in
    /// progress for anyone are not kept, as after any change.
    func invalidateResponses(of userId: String) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.responses.entries = state.responses.entries.filter { !CachedResponse.key($0.key, belongsTo: userId) }
            state.responses.loading = state.responses.loading.filter { !CachedResponse.key($0.key, belongsTo: userId) }
        }
    }

    /// The caller that presented the token with this digest, verified by `verify` when not cached.
    /// A refusal thrown by `verify` is not cached.
    func caller(digest: SHA256Digest, verify: @escaping @Sendable () async throws -> VerifiedCaller) async throws -> Caller {
        let now = self.now()
        let verified = try await cached(digest, \.callers, now: now, validUntil: { $0.expiresAt }, load: verify)
        guard let verified, verified.expiresAt > now else {
            throw APIError.unauthorized("Not Authorized: the token has expired")
        }
        return verified.caller
    }

    /// The permissions granted to one identity (a user, a service account or a PAT) by its roles.
    func permissions(identityId: String) async throws -> PermissionSet {
        try await cached(identityId, \.permissions, now: now()) { try await self.store.permissions(identityId: identityId) } ?? .none
    }

    /// A token's effective permissions, computed by `evaluate` when not cached.
    func effectivePermissions(tokenId: String, evaluate: @escaping @Sendable () async throws -> PermissionSet) async throws -> PermissionSet {
        try await cached(tokenId, \.effective, now: now(), load: evaluate) ?? .none
    }

    /// The credential `name` (a credential id or uuid) of `orgId` with its parsed key, read by
    /// `load` when not cached. Any change to credentials empties the cache (they announce
    /// authorization), so a deactivated or deleted credential is refused on the next request.
    func signingCredential(
        named name: String,
        orgId: String,
        load: @escaping @Sendable () async throws -> CredentialRecord?
    ) async throws -> SigningCredential? {
        try await cached(orgId + "\u{0}" + name, \.credentials, now: now()) {
            guard let record = try await load() else { return nil }
            return SigningCredential(record: record, publicKey: try? PublicKey.parsed(pem: record.publicKeyPEM))
        }
    }

    /// The active policies of `orgId` on `activityKind` (a gateway route's operation), read by
    /// `load` when not cached. Policy writes announce authorization, so a new or archived policy
    /// counts from the next request on, on every node.
    func policies(
        orgId: String,
        activityKind: String,
        load: @escaping @Sendable () async throws -> [PolicyDefinition]
    ) async throws -> [PolicyDefinition] {
        try await cached(orgId + "\u{0}" + activityKind, \.policies, now: now(), load: load) ?? []
    }

    /// A rendered response body, keyed by what it depends on, built by `render` when not cached.
    func response(_ key: String, render: @escaping @Sendable () async throws -> ByteBuffer) async throws -> ByteBuffer {
        try await cached(key, \.responses, now: now(), load: render) ?? ByteBuffer()
    }

    /// A JSON response rendered once per change: `value` runs (and is encoded) when it is not cached.
    /// What it depends on is stated by ``CachedResponse``.
    func jsonResponse<Value: Encodable & Sendable>(
        _ response: CachedResponse,
        _ value: @escaping @Sendable () async throws -> Value
    ) async throws -> EncodedJSONResponse {
        EncodedJSONResponse(body: try await self.response(response.key) { try EncodedJSONResponse.encode(try await value()) })
    }

    /// The same, for a value ``WireJSON`` writes.
    func jsonResponse<Value: WireJSONWritable>(
        _ response: CachedResponse,
        _ value: @escaping @Sendable () async throws -> Value
    ) async throws -> EncodedJSONResponse {
        EncodedJSONResponse(body: try await self.response(response.key) { ByteBuffer(bytes: WireJSON.render(try await value())) })
    }

    private func cached<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key,
        _ table: any WritableKeyPath<State, Table<Key, Value>> & Sendable,
        now: Date,
        validUntil: (@Sendable (Value) -> Date)? = nil,
        load: @escaping @Sendable () async throws -> Value?
    ) async throws -> Value? {
        guard enabled, store.changes.isLive else {
            SignetMetrics.cache(hit: false)
            return try await load()
        }
        // Either a fresh entry, or the load to wait for.
        let (hit, pending) = state.withLockedValue { state -> (Value?, Task<Value?, any Error>?) in
            if let entry = state[keyPath: table].entries[key], now < entry.validUntil { return (entry.value, nil) }
            let generation = state.generation
            if let loading = state[keyPath: table].loading[key], loading.generation == generation {
                return (nil, loading.task)
            }
            // Started under the lock, so that it is the only load of this key in this generation.
            let task = Task<Value?, any Error> {
                defer { self.finishLoading(key, table, generation: generation) }
                guard let value = try await load() else { return nil }
                let stillLive = self.store.changes.isLive
                let entry = Entry(value: value, validUntil: min(validUntil?(value) ?? .distantFuture, now + entryLifetime))
                self.state.withLockedValue { state in
                    // Kept only if nothing changed since the load began.
                    guard stillLive, state.generation == generation else { return }
                    if state[keyPath: table].entries.count >= Self.capacity { state[keyPath: table].entries.removeAll() }
                    state[keyPath: table].entries[key] = entry
                }
                return value
            }
            state[keyPath: table].loading[key] = Loading(generation: generation, task: task)
            return (nil, task)
        }
        SignetMetrics.cache(hit: hit != nil)
        if let hit { return hit }
        return try await pending?.value
    }

    private func finishLoading<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key,
        _ table: any WritableKeyPath<State, Table<Key, Value>> & Sendable,
        generation: UInt64
    ) {
        state.withLockedValue { state in
            if state[keyPath: table].loading[key]?.generation == generation { state[keyPath: table].loading[key] = nil }
        }
    }
}
