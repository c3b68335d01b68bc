import Logging
import ServiceLifecycle
import SignetCore
import SignetStore

/// When the signing keys change (a rotation on this node, another node, or found by
/// ``SigningKeyPoller``), loads them and empties the cache: callers verified under the old keys are
/// checked again under the new ones.
///
/// It runs in the application's service group after the store's own services, so a graceful
/// shutdown stops it (and waits for a reload under way) before the database pool closes: a change
/// announced while a node stops never reads a closed pool.
struct SigningKeyReloader: Service {
    private let store: any SignetStore
    private let tokens: TokenAuthority
    private let cache: AuthorizationCache
    private let logger: Logger
    private let changes: AsyncStream<Void>

    /// Subscribes at once, so a change announced before ``run()`` starts is not lost; several changes
    /// announced during one reload cause one more reload, not one each.
    init(store: any SignetStore, tokens: TokenAuthority, cache: AuthorizationCache, logger: Logger) {
        self.store = store
        self.tokens = tokens
        self.cache = cache
        self.logger = logger
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.changes = changes
        store.changes.subscribe { change in
            if change == .signingKeys { continuation.yield() }
        }
    }

    func run() async {
        for await _ in changes.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Loads the keys, then empties the cache whether or not they loaded.
    func reload() async {
        do {
            try await tokens.load(try await store.signingKeys())
        } catch {
            logger.error(
                "could not reload the token-signing keys; tokens signed by a new key are refused until it loads",
                metadata: ["error": "\(error)"]
            )
        }
        cache.invalidate()
    }
}
