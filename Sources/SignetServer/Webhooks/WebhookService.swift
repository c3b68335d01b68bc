import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// `/webhooks`: an organisation's webhooks, their secrets and their delivery attempts. The routes
/// have checked the operation (`Webhooks:*`); a webhook of another organisation is a 404.
struct WebhookService: Sendable {
    let store: any SignetStore
    let settings: WebhookSettings
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// The most webhooks an organisation may have: every event is sent once per webhook.
    static let maximumWebhooks = 50
    /// The longest overlap of a secret rotation: 7 days.
    static let maximumOverlap = 7 * 86_400

    func list(_ pagination: Pagination, caller: Caller) async throws -> ListResponse<Webhook> {
        let webhooks = try await store.webhooks(orgId: caller.orgId, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(webhooks, id: \.id)
        return ListResponse(items: page.items.map { present($0) }, nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> Webhook {
        present(try await webhook(id, caller: caller))
    }

    func create(_ request: CreateWebhookRequest, caller: Caller) async throws -> Webhook {
        let webhook = WebhookRecord(
            id: Identifier.make(.webhook),
            orgId: caller.orgId,
            url: try WebhookRules.url(request.url),
            events: try WebhookRules.events(request.events),
            status: try WebhookRules.status(request.status ?? "Enabled"),
            description: try WebhookRules.description(request.description),
            secret: WebhookSignature.newSecret(),
            createdAt: now()
        )
        try await store.transaction { store in
            try await store.lock("webhooks:\(webhook.orgId)")
            let existing = try await store.webhooks(orgId: webhook.orgId, afterId: nil, limit: Self.maximumWebhooks)
            guard existing.count < Self.maximumWebhooks else {
                throw APIError.conflict("the organisation has \(Self.maximumWebhooks) webhooks, the most it may have; delete one first")
            }
            try await store.insertWebhook(webhook)
        }
        return present(webhook, showingSecret: true)
    }

    func update(_ id: String, _ request: UpdateWebhookRequest, caller: Caller) async throws -> Webhook {
        let url = try request.url.map(WebhookRules.url)
        let events = try request.events.map(WebhookRules.events)
        let status = try request.status.map(WebhookRules.status)
        // "" removes the description.
        let description = try request.description.map { $0.isEmpty ? nil : try WebhookRules.description($0) }
        return present(
            try await modify(id, caller: caller) { webhook in
                if let url { webhook.url = url }
                if let events { webhook.events = events }
                if let status { webhook.status = status }
                if let description { webhook.webhookDescription = description }
            }
        )
    }

    func delete(_ id: String, caller: Caller) async throws -> DeleteWebhookResponse {
        let webhook = try await webhook(id, caller: caller)
        try await store.deleteWebhook(id: webhook.id)
        return DeleteWebhookResponse()
    }

    /// A new secret; the previous one keeps signing, in its own header, for the overlap.
    func rotateSecret(_ id: String, _ request: RotateWebhookSecretRequest, caller: Caller) async throws -> Webhook {
        let overlap = request.overlapSeconds ?? 86_400
        guard (0...Self.maximumOverlap).contains(overlap) else {
            throw APIError.invalid("overlapSeconds", "field 'overlapSeconds' must be between 0 and \(Self.maximumOverlap) (7 days)")
        }
        let webhook = try await modify(id, caller: caller) { webhook in
            webhook.previousSecret = overlap > 0 ? webhook.secret : nil
            webhook.previousSecretUntil = overlap > 0 ? webhook.updatedAt.addingTimeInterval(TimeInterval(overlap)) : nil
            webhook.secret = WebhookSignature.newSecret()
        }
        return present(webhook, showingSecret: true)
    }

    /// Reads, changes and writes the webhook under its lock, so two changes at once (an update and
    /// a rotation) cannot undo each other. `change` sees `updatedAt` already set to now.
    private func modify(_ id: String, caller: Caller, _ change: @escaping @Sendable (inout WebhookRecord) -> Void) async throws -> WebhookRecord {
        _ = try await webhook(id, caller: caller)
        let date = now()
        return try await store.transaction { store in
            try await store.lock("webhook:\(id)")
            guard var webhook = try await store.webhook(id: id) else { throw APIError.notFound("webhook \(TextRules.escaped(id)) not found") }
            webhook.updatedAt = date
            change(&webhook)
            try await store.updateWebhook(webhook)
            return webhook
        }
    }

    /// Sends a `webhook.ping` event now (not kept) and says how the endpoint answered.
    func ping(_ id: String, caller: Caller) async throws -> PingWebhookResponse {
        let webhook = try await webhook(id, caller: caller)
        let date = now()
        let event = WebhookEventRecord(
            id: Identifier.timeOrdered(.webhookEvent, at: date),
            webhookId: webhook.id,
            orgId: webhook.orgId,
            kind: "webhook.ping",
            data: String(decoding: try SignetJSON.encoder().encode(WebhookEventData(webhookId: webhook.id)), as: UTF8.self),
            createdAt: date,
            dueAt: date
        )
        let body = try WebhookSender.body(for: event, timestampSent: Int64(date.timeIntervalSince1970))
        // Nothing was written yet: the request's single use is, before anything leaves (a replay sends nothing).
        try await DeferredSingleUse.settleCurrent(in: store)
        let answer = await WebhookSender(timeout: settings.timeout).send(body, to: webhook, at: date)
        return PingWebhookResponse(status: answer.status, error: answer.error)
    }

    /// `GET /webhooks/{webhookId}/events?kind&deliveryFailed&limit&paginationToken`, by id.
    func events(
        _ id: String,
        kind: String?,
        deliveryFailed: String?,
        _ pagination: Pagination,
        caller: Caller
    ) async throws
        -> ListResponse<WebhookEvent>
    {
        let webhook = try await webhook(id, caller: caller)
        if let kind, !WebhookEventKind.subscribable.contains(kind) {
            throw APIError.badRequest("kind '\(TextRules.escaped(kind))' is not an event kind")
        }
        let failed: Bool?
        switch deliveryFailed {
        case nil: failed = nil
        case "true": failed = true
        case "false": failed = false
        default: throw APIError.badRequest("deliveryFailed must be true or false")
        }
        let events = try await store.webhookEvents(
            webhookId: webhook.id,
            kind: kind,
            deliveryFailed: failed,
            afterId: pagination.afterId,
            limit: pagination.fetchLimit
        )
        let page = pagination.page(events, id: \.id)
        return ListResponse(items: try page.items.map(present), nextPageToken: page.nextPageToken)
    }

    func event(_ id: String, eventId: String, caller: Caller) async throws -> WebhookEvent {
        let webhook = try await webhook(id, caller: caller)
        guard Identifier.isWellFormed(eventId, prefix: .webhookEvent), let event = try await store.webhookEvent(id: eventId),
            ExactText.equals(event.webhookId, webhook.id)
        else { throw APIError.notFound("webhook event \(TextRules.escaped(eventId)) not found") }
        return try present(event)
    }

    private func webhook(_ id: String, caller: Caller) async throws -> WebhookRecord {
        guard Identifier.isWellFormed(id, prefix: .webhook), let webhook = try await store.webhook(id: id),
            ExactText.equals(webhook.orgId, caller.orgId)
        else { throw APIError.notFound("webhook \(TextRules.escaped(id)) not found") }
        return webhook
    }

    private func present(_ webhook: WebhookRecord, showingSecret: Bool = false) -> Webhook {
        let overlapping = webhook.previousSecretUntil.flatMap { $0 > now() ? $0 : nil }
        return Webhook(
            id: webhook.id,
            url: webhook.url,
            events: webhook.events,
            status: webhook.status,
            description: webhook.webhookDescription,
            dateCreated: webhook.createdAt,
            dateUpdated: webhook.updatedAt,
            secret: showingSecret ? webhook.secret : nil,
            previousSecretValidUntil: overlapping
        )
    }

    private func present(_ event: WebhookEventRecord) throws -> WebhookEvent {
        WebhookEvent(
            id: event.id,
            kind: event.kind,
            date: event.createdAt,
            data: try SignetJSON.decoder().decode(WebhookEventData.self, from: Data(event.data.utf8)),
            status: event.status,
            error: event.error,
            timestampSent: event.timestampSent.map { Int($0) },
            deliveryAttempt: event.deliveryAttempt,
            retryOf: event.retryOf,
            deliveryFailed: event.deliveryFailed,
            nextAttemptDate: event.nextAttemptAt
        )
    }
}
