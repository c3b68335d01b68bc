import Foundation
import Logging
import ServiceLifecycle
import SignetStore

/// Every `interval`, deletes what nobody can use any more: challenges, and user actions that were
/// never used, once they expired more than an hour ago. Used user actions are the audit log and stay.
/// With several nodes each one does it; the deletes are idempotent.
struct StoreJanitor: Service {
    let store: any SignetStore
    let logger: Logger
    /// The current time.
    let now: @Sendable () -> Date
    var interval: Duration = .seconds(600)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                let deleted = try await store.purgeExpired(before: now().addingTimeInterval(-3600))
                if deleted > 0 { logger.info("deleted expired challenges and unused user actions", metadata: ["count": "\(deleted)"]) }
            } catch {
                logger.warning("could not delete expired challenges", metadata: ["error": "\(error)"])
            }
        }
    }
}
