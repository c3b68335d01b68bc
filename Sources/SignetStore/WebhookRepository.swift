package import Foundation

/// Webhooks, and the outbox of their deliveries.
package protocol WebhookRepository: Sendable {
    func insertWebhook(_ webhook: WebhookRecord) async throws
    func webhook(id: String) async throws -> WebhookRecord?
    /// An organisation's webhooks, by id.
    func webhooks(orgId: String, afterId: String?, limit: Int) async throws -> [WebhookRecord]
    /// Writes every column but the id, the organisation and the creation date.
    func updateWebhook(_ webhook: WebhookRecord) async throws
    /// Deletes the webhook and its events: pending deliveries and retries stop with it.
    func deleteWebhook(id: String) async throws
    /// Queues an event of `kind` for every enabled webhook of the organisation subscribed to it, due
    /// now; inside the transaction of the change it reports, so the event and the change are
    /// committed together or not at all. Returns the deliveries queued.
    func recordEvent(orgId: String, kind: String, data: String, at date: Date) async throws -> Int
    /// A webhook's delivery attempts, newest first (their ids begin with their time), optionally of
    /// one kind or by whether delivery failed; `afterId` is the last id of the previous page.
    func webhookEvents(
        webhookId: String,
        kind: String?,
        deliveryFailed: Bool?,
        afterId: String?,
        limit: Int
    ) async throws
        -> [WebhookEventRecord]
    func webhookEvent(id: String) async throws -> WebhookEventRecord?
    /// Pending attempts due at `date`, the longest due first.
    func dueWebhookEvents(at date: Date, limit: Int) async throws -> [WebhookEventRecord]
    /// Records how a pending attempt ended and queues its retry, if any, in one transaction.
    /// `false` when it was not pending any more (settled already, or its webhook deleted).
    func settleWebhookEvent(id: String, outcome: WebhookOutcome) async throws -> Bool
    /// Takes or renews the lease `name` for `holder` until `expiry`: `true` when `holder` holds it,
    /// which it can only when nobody else holds it unexpired at `date` (decided by the database, so
    /// one node at a time holds it).
    func acquireLease(_ name: String, holder: String, until expiry: Date, at date: Date) async throws -> Bool
    func releaseLease(_ name: String, holder: String) async throws
    /// Active, undeleted PATs and service-account tokens expiring after `start`, up to `end`.
    func tokensExpiring(between start: Date, and end: Date) async throws -> [AccessTokenRecord]
    /// Notes that the `days` notice of the token's expiry is sent: `false` when it was already.
    func noteTokenExpiry(tokenId: String, days: Int) async throws -> Bool
    /// The expiry notices already sent for these tokens: the thresholds (in days) of each.
    func notedTokenExpiries(tokenIds: [String]) async throws -> [String: Set<Int>]
    /// Deletes settled attempts of events older than `date` (Dfns keeps 31 days), and the expiry
    /// notices of tokens deleted or expired before it. Returns how many attempts it deleted.
    func purgeWebhookEvents(before date: Date) async throws -> Int
}
