import Hummingbird
import SignetAPI

/// `/webhooks`: webhooks, their secrets, pings and delivery attempts.
///
/// Its routes, whether each is signed and the operation it requires are its ``Endpoints`` entries
/// (listed in docs/api-routes.md); the rules beyond those are its service's.
struct WebhookController: Sendable {
    let webhooks: WebhookService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listWebhooks, to: router) { call in try await webhooks.list(try Pagination(call.request), caller: call.caller) }
        routes.add(Endpoints.createWebhook, to: router) { call in try await webhooks.create(call.body, caller: call.caller) }
        routes.add(Endpoints.getWebhook, to: router) { call in try await webhooks.get(try call.parameter("webhookId"), caller: call.caller) }
        routes.add(Endpoints.updateWebhook, to: router) { call in
            try await webhooks.update(try call.parameter("webhookId"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.deleteWebhook, to: router) { call in
            try await webhooks.delete(try call.parameter("webhookId"), caller: call.caller)
        }
        routes.add(Endpoints.pingWebhook, to: router) { call in try await webhooks.ping(try call.parameter("webhookId"), caller: call.caller) }
        routes.add(Endpoints.rotateWebhookSecret, to: router) { call in
            try await webhooks.rotateSecret(try call.parameter("webhookId"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.listWebhookEvents, to: router) { call in
            let query = call.request.uri.queryParameters
            return try await webhooks.events(
                try call.parameter("webhookId"),
                kind: query.get("kind"),
                deliveryFailed: query.get("deliveryFailed"),
                try Pagination(call.request),
                caller: call.caller
            )
        }
        routes.add(Endpoints.getWebhookEvent, to: router) { call in
            try await webhooks.event(try call.parameter("webhookId"), eventId: try call.parameter("webhookEventId"), caller: call.caller)
        }
    }
}
