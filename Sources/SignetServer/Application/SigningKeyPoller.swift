import Logging
import ServiceLifecycle
import SignetCore
import SignetStore

/// Rereads the token-signing keys every `interval`, so a key added by `signet signing-keys rotate`
/// while the server runs signs new tokens within that interval. SQLite announces no changes to other
/// processes, so this is how a running SQLite server learns of a rotation; on PostgreSQL the change
/// feed does it at once, and this is a safety net for a notification that never arrived.
struct SigningKeyPoller: Service {
    let store: any SignetStore
    let tokens: TokenAuthority
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                // A new key is announced like any other key change: the change feed's subscriber
                // loads the keys and empties the authorization cache.
                if let newest = try await store.signingKeys().last, newest.kid != tokens.currentKeyID {
                    store.changes.publish(.signingKeys)
                    logger.info("found a new token-signing key", metadata: ["kid": "\(newest.kid)"])
                }
            } catch {
                logger.warning("could not reread the token-signing keys", metadata: ["error": "\(error)"])
            }
        }
    }
}
