extension Endpoints {
    // MARK: Webhooks: the organisation's events, POSTed and signed to its endpoints

    /// `GET /webhooks` (paginated).
    public static let listWebhooks = Endpoint<NoBody, ListResponse<Webhook>>(
        "listWebhooks",
        .GET,
        "/webhooks",
        operation: "Webhooks:Read",
        rate: .read
    )
    /// `POST /webhooks`: the answer carries the secret, once.
    public static let createWebhook = Endpoint<CreateWebhookRequest, Webhook>(
        "createWebhook",
        .POST,
        "/webhooks",
        signed: true,
        operation: "Webhooks:Create",
        rate: .write,
        note: "the answer is the only one that shows the secret"
    )
    /// `GET /webhooks/{webhookId}`.
    public static let getWebhook = Endpoint<NoBody, Webhook>(
        "getWebhook",
        .GET,
        "/webhooks/{webhookId}",
        operation: "Webhooks:Read",
        rate: .read
    )
    /// `PUT /webhooks/{webhookId}`: its URL, events, status or description.
    public static let updateWebhook = Endpoint<UpdateWebhookRequest, Webhook>(
        "updateWebhook",
        .PUT,
        "/webhooks/{webhookId}",
        signed: true,
        operation: "Webhooks:Update",
        rate: .write
    )
    /// `DELETE /webhooks/{webhookId}`: its pending deliveries stop, and its delivery attempts go with it.
    public static let deleteWebhook = Endpoint<NoBody, DeleteWebhookResponse>(
        "deleteWebhook",
        .DELETE,
        "/webhooks/{webhookId}",
        signed: true,
        operation: "Webhooks:Delete",
        rate: .write
    )
    /// `POST /webhooks/{webhookId}/ping`: sends a `webhook.ping` event now and says how the endpoint answered.
    public static let pingWebhook = Endpoint<NoBody, PingWebhookResponse>(
        "pingWebhook",
        .POST,
        "/webhooks/{webhookId}/ping",
        signed: true,
        operation: "Webhooks:Ping",
        rate: .write
    )
    /// `POST /webhooks/{webhookId}/secret` (Signet): a new secret, the previous one overlapping.
    public static let rotateWebhookSecret = Endpoint<RotateWebhookSecretRequest, Webhook>(
        "rotateWebhookSecret",
        .POST,
        "/webhooks/{webhookId}/secret",
        signed: true,
        operation: "Webhooks:Update",
        rate: .write,
        bodyOptional: true,
        note: "Signet's own: Dfns secrets cannot be rotated; the answer is the only one that shows the new secret"
    )
    /// `GET /webhooks/{webhookId}/events` (paginated, newest first; `kind`, `deliveryFailed`).
    public static let listWebhookEvents = Endpoint<NoBody, ListResponse<WebhookEvent>>(
        "listWebhookEvents",
        .GET,
        "/webhooks/{webhookId}/events",
        operation: "Webhooks:Events:Read",
        rate: .read
    )
    /// `GET /webhooks/{webhookId}/events/{webhookEventId}`.
    public static let getWebhookEvent = Endpoint<NoBody, WebhookEvent>(
        "getWebhookEvent",
        .GET,
        "/webhooks/{webhookId}/events/{webhookEventId}",
        operation: "Webhooks:Events:Read",
        rate: .read
    )

    static let webhooks: [EndpointRule] = [
        listWebhooks.rule, createWebhook.rule, getWebhook.rule, updateWebhook.rule, deleteWebhook.rule,
        pingWebhook.rule, rotateWebhookSecret.rule, listWebhookEvents.rule, getWebhookEvent.rule,
    ]
}
