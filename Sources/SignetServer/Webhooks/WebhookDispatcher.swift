import Foundation
import Logging
import ServiceLifecycle
import SignetAPI
import SignetCore
import SignetStore

/// Drains the webhook outbox in the background, so no request waits for an endpoint.
///
/// One node at a time delivers: the one holding the `webhooks` lease in the database, renewed on
/// each pass and taken over by another node once it lapses (``WebhookSettings/leaseDuration``). A
/// pending attempt is settled only after its endpoint answered, so an attempt in flight when its
/// node died is sent again, under the same event id, by whichever node delivers next: a receiver
/// that de-duplicates by id processes it once. A failed attempt queues its retry (a new event id,
/// `retryOf` the failed one) after the next of ``WebhookSettings/retryDelays``; a disabled
/// webhook's pending attempts are dropped when due. The same node sends `token.expiring` notices
/// and deletes attempts older than 31 days.
struct WebhookDispatcher: Service {
    static let leaseName = "webhooks"
    /// How long settled attempts stay readable (Dfns: 31 days).
    static let retention: TimeInterval = 31 * 86_400

    let store: any SignetStore
    let settings: WebhookSettings
    let logger: Logger
    let now: @Sendable () -> Date
    private let holder = Identifier.make(.nonce)
    private let wakeUps: AsyncStream<Void>

    init(store: any SignetStore, settings: WebhookSettings, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.now = now
        let (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeUps = wakeUps
        store.changes.subscribe { change in
            if change == .webhookEvents { continuation.yield() }
        }
    }

    func run() async {
        var lastScan = Date.distantPast
        await withDiscardingTaskGroup { group in
            // Wakes the loop every poll interval, beside the wake-ups of new events.
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pollInterval) }
                    tick.yield()
                }
                tick.finish()
            }
            group.addTask {
                for await _ in wakeUps.cancelOnGracefulShutdown() { tick.yield() }
            }
            for await _ in ticks {
                if Task.isShuttingDownGracefully { break }
                if now().timeIntervalSince(lastScan) >= settings.expiryScanInterval, await leads() {
                    lastScan = now()
                    await scanExpiringTokens()
                }
                await drain()
            }
            group.cancelAll()
        }
        try? await store.releaseLease(Self.leaseName, holder: holder)
    }

    /// Takes or renews the lease; `false` while another node holds it.
    private func leads() async -> Bool {
        let date = now()
        do {
            return try await store.acquireLease(Self.leaseName, holder: holder, until: date.addingTimeInterval(settings.leaseDuration), at: date)
        } catch {
            logger.warning("webhooks: could not take the delivery lease", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Sends what is due, a batch at a time, while this node holds the lease. A batch in which
    /// nothing could be settled (the database failing, say) ends the pass: the next tick retries.
    func drain() async {
        while !Task.isShuttingDownGracefully {
            let due: [WebhookEventRecord]
            do {
                due = try await store.dueWebhookEvents(at: now(), limit: settings.concurrency * 4)
            } catch {
                return logger.warning("webhooks: could not read the outbox", metadata: ["error": "\(error)"])
            }
            guard !due.isEmpty, await leads() else { return }
            // The lease is renewed before each send, and outlasts the send's timeout: a send begun
            // under the lease ends before another node could take it over.
            let settled = await withTaskGroup(of: Bool.self) { group in
                var settled = 0
                var stop = false
                for (index, event) in due.enumerated() {
                    if index >= settings.concurrency, let done = await group.next() {
                        settled += done ? 1 : 0
                        stop = stop || !done
                    }
                    if stop || Task.isShuttingDownGracefully { break }
                    group.addTask { await leads() ? await deliver(event) : false }
                }
                for await done in group { settled += done ? 1 : 0 }
                return settled
            }
            if settled < due.count || due.count < settings.concurrency * 4 { return }
        }
    }

    /// Sends one attempt and settles it; `false` when it could not be settled (it stays due).
    private func deliver(_ event: WebhookEventRecord) async -> Bool {
        let date = now()
        let sent = Int64(date.timeIntervalSince1970)
        do {
            guard let webhook = try await store.webhook(id: event.webhookId), webhook.isEnabled else {
                // Deleted or disabled: this attempt and its retries stop (as Dfns does).
                let outcome = WebhookOutcome(
                    status: "failed",
                    error: "the webhook is disabled or deleted",
                    timestampSent: sent,
                    delivered: false,
                    retry: nil
                )
                return try await store.settleWebhookEvent(id: event.id, outcome: outcome) || true
            }
            guard let body = try? WebhookSender.body(for: event, timestampSent: sent) else {
                let outcome = WebhookOutcome(
                    status: "failed",
                    error: "the event could not be encoded",
                    timestampSent: sent,
                    delivered: false,
                    retry: nil
                )
                logger.error("webhooks: an event in the outbox could not be encoded; it is dropped", metadata: ["event": "\(event.id)"])
                return try await store.settleWebhookEvent(id: event.id, outcome: outcome) || true
            }
            let answer = await WebhookSender(timeout: settings.timeout).send(body, to: webhook, at: date)
            let outcome = WebhookOutcome(
                status: answer.status,
                error: answer.error,
                timestampSent: sent,
                delivered: answer.delivered,
                retry: answer.delivered ? nil : retry(of: event)
            )
            _ = try await store.settleWebhookEvent(id: event.id, outcome: outcome)
            if !answer.delivered {
                logger.info(
                    "webhook delivery failed",
                    metadata: ["webhook": "\(event.webhookId)", "event": "\(event.id)", "status": "\(answer.status)"]
                )
            }
            return true
        } catch {
            logger.warning("webhooks: could not deliver", metadata: ["event": "\(event.id)", "error": "\(error)"])
            return false
        }
    }

    /// The next attempt of a failed one, when attempts remain: a new event id, due after the delay.
    private func retry(of event: WebhookEventRecord) -> WebhookEventRecord? {
        guard event.deliveryAttempt < settings.maximumAttempts else { return nil }
        let delay = settings.retryDelays[min(max(event.deliveryAttempt - 1, 0), settings.retryDelays.count - 1)]
        return WebhookEventRecord(
            id: Identifier.timeOrdered(.webhookEvent, at: now()),
            webhookId: event.webhookId,
            orgId: event.orgId,
            kind: event.kind,
            data: event.data,
            createdAt: event.createdAt,
            deliveryAttempt: event.deliveryAttempt + 1,
            retryOf: event.id,
            dueAt: now().addingTimeInterval(delay)
        )
    }

    /// Queues `token.expiring` for tokens 14, 7 and 1 days from their expiry: once per threshold,
    /// and only for thresholds the token lived to cross (a PAT made for 10 days gets the 7-day and
    /// 1-day notices, one made for an hour none). A notice found late (the node was down) goes out
    /// once, for the tightest threshold crossed; `daysLeft` is the whole days left, rounded up.
    /// Then deletes attempts and notices past their use.
    func scanExpiringTokens() async {
        let date = now()
        do {
            let tokens = try await store.tokensExpiring(between: date, and: date.addingTimeInterval(14 * 86_400))
            let noted = try await store.notedTokenExpiries(tokenIds: tokens.map(\.id))
            for token in tokens {
                let left = token.expiresAt.timeIntervalSince(date)
                let crossed = [14, 7, 1].filter { days in
                    let threshold = TimeInterval(days) * 86_400
                    return left <= threshold && token.expiresAt.timeIntervalSince(token.createdAt) > threshold
                }
                let new = crossed.filter { !(noted[token.id] ?? []).contains($0) }
                guard let tightest = crossed.last, new.contains(tightest) else { continue }
                try await store.transaction { store in
                    for days in new { _ = try await store.noteTokenExpiry(tokenId: token.id, days: days) }
                    let data = WebhookEventData(token: Events.token(token), daysLeft: Int((left / 86_400).rounded(.up)))
                    try await Events.record(.tokenExpiring, orgId: token.orgId, data: data, in: store, at: date)
                }
            }
            _ = try await store.purgeWebhookEvents(before: date.addingTimeInterval(-Self.retention))
        } catch {
            logger.warning("webhooks: could not look for expiring tokens", metadata: ["error": "\(error)"])
        }
    }
}
