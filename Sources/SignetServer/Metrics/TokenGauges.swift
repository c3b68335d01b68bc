import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SignetAPI
import SignetStore

/// `signet_tokens{kind,state}`: how many undeleted tokens there are of each kind (`Pat`,
/// `ServiceAccount`, `Token` for login sessions) in each state (`active`, `inactive`, `expired`),
/// read from the store every `interval` while metrics are served. Each node reports the whole
/// store (one query, grouped), so take one node's value, not their sum.
struct TokenGauges: Service {
    let store: any SignetStore
    let logger: Logger
    let now: @Sendable () -> Date
    var interval: Duration = .seconds(30)

    static let states = ["active", "inactive", "expired"]

    /// Waits an interval first, like ``StoreJanitor``: services start beside the migrations, and a
    /// fresh store has no tables until they are done.
    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                try await refresh()
            } catch {
                logger.warning("could not count tokens for the metrics", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Reads the counts and records every kind and state (zero where there are none).
    func refresh() async throws {
        let counts = try await store.tokenCounts(at: now())
        for kind in TokenKind.allCases where kind != .temporary {
            for state in Self.states {
                let count = counts.first { $0.kind == kind && $0.state == state }?.count ?? 0
                Gauge(label: "signet_tokens", dimensions: [("kind", kind.rawValue), ("state", state)]).record(count)
            }
        }
    }
}
