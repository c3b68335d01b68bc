import Foundation
public import SignetAPI

/// `/webhooks`: where the organisation's events are POSTed, signed with each webhook's secret
/// (docs/webhooks.md). Creating a webhook or rotating its secret answers the secret, once.
public struct WebhooksAPI: Sendable {
    let transport: Transport

    public func list(limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<Webhook> {
        try await transport.send(Endpoints.listWebhooks, query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    /// The answer's `secret` is the only time it is shown.
    public func create(_ request: CreateWebhookRequest) async throws -> Webhook {
        try await transport.send(Endpoints.createWebhook, body: request)
    }

    public func get(_ webhookId: String) async throws -> Webhook {
        try await transport.send(Endpoints.getWebhook, webhookId)
    }

    /// Changes the URL, events, status or description (fields left `nil` keep their value).
    public func update(_ webhookId: String, _ request: UpdateWebhookRequest) async throws -> Webhook {
        try await transport.send(Endpoints.updateWebhook, webhookId, body: request)
    }

    /// Deletes the webhook and its delivery attempts.
    public func delete(_ webhookId: String) async throws {
        _ = try await transport.send(Endpoints.deleteWebhook, webhookId)
    }

    /// Sends a `webhook.ping` now and answers how the endpoint answered.
    public func ping(_ webhookId: String) async throws -> PingWebhookResponse {
        try await transport.send(Endpoints.pingWebhook, webhookId)
    }

    /// A new secret (in the answer, once); the previous one keeps signing, in its own header, for
    /// `overlapSeconds` (a day when `nil`).
    public func rotateSecret(_ webhookId: String, overlapSeconds: Int? = nil) async throws -> Webhook {
        try await transport.send(Endpoints.rotateWebhookSecret, webhookId, body: RotateWebhookSecretRequest(overlapSeconds: overlapSeconds))
    }

    /// Delivery attempts, optionally of one kind or by whether delivery failed.
    public func events(
        _ webhookId: String,
        kind: String? = nil,
        deliveryFailed: Bool? = nil,
        limit: Int? = nil,
        paginationToken: String? = nil
    ) async throws -> ListResponse<WebhookEvent> {
        try await transport.send(
            Endpoints.listWebhookEvents,
            webhookId,
            query: [
                ("kind", kind), ("deliveryFailed", deliveryFailed.map { $0 ? "true" : "false" }), ("limit", limit.map(String.init)),
                ("paginationToken", paginationToken),
            ]
        )
    }

    public func event(_ webhookId: String, _ webhookEventId: String) async throws -> WebhookEvent {
        try await transport.send(Endpoints.getWebhookEvent, webhookId, webhookEventId)
    }
}
