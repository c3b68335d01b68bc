package import Foundation

/// How webhook events are delivered. The defaults are Dfns': 5 attempts over a day.
package struct WebhookSettings: Sendable {
    /// The wait before each retry, after the first attempt: 1 minute, 12 minutes, 2 hours, 1 day.
    package var retryDelays: [TimeInterval] = [60, 720, 7200, 86_400]
    /// How long an endpoint may take to answer.
    package var timeout: Duration = .seconds(10)
    /// How often a node looks for due deliveries it was not told about (retries, other nodes'
    /// events over SQLite's shared file); events recorded on the node itself wake it at once.
    package var pollInterval: Duration = .seconds(2)
    /// How long the delivering node's lease lasts without renewal: after a node dies, another
    /// takes over within this time. Longer than ``timeout``: the lease is renewed before each send,
    /// so a send begun under it ends before another node can take over.
    package var leaseDuration: TimeInterval = 15
    /// How often the delivering node looks for tokens about to expire.
    package var expiryScanInterval: TimeInterval = 300
    /// How many deliveries are sent at once.
    package var concurrency = 8
    /// Whether this node runs the dispatcher at all (tests that count queries turn it off).
    package var dispatches = true

    package init() {}

    /// The most attempts of one event: the first and one per retry delay.
    package var maximumAttempts: Int { retryDelays.count + 1 }
}
