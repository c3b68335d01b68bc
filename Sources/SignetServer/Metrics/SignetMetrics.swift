import Foundation
import Metrics
import NIOConcurrencyHelpers
package import Prometheus

/// Signet's metrics, in Prometheus text at `/metrics` on their own listener (``MetricsServer``).
///
/// Recorded through swift-metrics once ``bootstrap()`` installs the Prometheus factory
/// (process-wide, once: `signet serve --metrics-port` does it); until then each recording returns
/// at once (making a metric object for swift-metrics' no-op factory cost about 1% of a gateway
/// request). Hummingbird's `MetricsMiddleware` adds the requests by route template, method and
/// status, with their durations (`hb_requests`, `http_server_request_duration`,
/// `http_server_active_requests`).
package enum SignetMetrics {
    /// The registry `/metrics` renders.
    package static let registry = PrometheusCollectorRegistry()

    private static let installed = NIOLockedValueBox(false)

    /// Installs the Prometheus factory for this process; later calls do nothing.
    package static func bootstrap() {
        installed.withLockedValue { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }

    /// The metrics as Prometheus text.
    package static func text() -> String { registry.emitToString() }

    /// A refusal (4xx), by its error id (`operation_not_granted`, `rate_limited`…) and status.
    static func refused(id: String, status: Int) {
        guard installed.withLockedValue({ $0 }) else { return }
        Counter(label: "signet_refusals_total", dimensions: [("reason", id), ("status", String(status))]).increment()
    }

    /// A lookup of the authorization cache, answered from memory or from the store.
    static func cache(hit: Bool) {
        guard installed.withLockedValue({ $0 }) else { return }
        Counter(label: "signet_authorization_cache_total", dimensions: [("result", hit ? "hit" : "miss")]).increment()
    }

    /// A gateway upstream's answer (its status, or `timeout` or `unreachable`) and how long it took.
    static func upstream(_ name: String, status: String, took duration: Duration) {
        guard installed.withLockedValue({ $0 }) else { return }
        Counter(label: "signet_gateway_upstream_responses_total", dimensions: [("upstream", name), ("status", status)]).increment()
        let (seconds, attoseconds) = duration.components
        Timer(label: "signet_gateway_upstream_duration", dimensions: [("upstream", name)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A signed write used up: a user action of the three-request flow, or a Fast Auth request.
    static func signedWrite(fastAuth: Bool) {
        guard installed.withLockedValue({ $0 }) else { return }
        Counter(label: "signet_signed_writes_total", dimensions: [("kind", fastAuth ? "fast_auth" : "user_action")]).increment()
    }
}
