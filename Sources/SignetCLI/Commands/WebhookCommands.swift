import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet webhooks …`.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Webhooks: the organisation's events, POSTed and signed to your endpoints.",
        discussion: """
            Each delivery carries X-DFNS-WEBHOOK-SIGNATURE (sha256= HMAC-SHA256 of the body with the
            webhook's secret), as Dfns signs its events. Event kinds and the receiver's check: docs/webhooks.md.
              signet webhooks create --url https://hooks.example.com/signet --events token.created,token.expiring
              signet webhooks ping wh-…
              signet webhooks events wh-… --failed
            """,
        subcommands: [Create.self, List.self, Get.self, Update.self, Delete.self, Ping.self, RotateSecret.self, Events.self, Event.self]
    )

    struct Create: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Register a webhook; prints its secret, once.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Where events are POSTed: https://…, or http:// to localhost.") var url: String
        @Option(help: "Comma-separated event kinds, or * for all of them (docs/webhooks.md lists them).") var events: String
        @Option(help: "What it is for.") var description: String?
        @Flag(help: "Create it disabled.") var disabled = false

        func run(client: SignetClient) async throws {
            let request = CreateWebhookRequest(
                url: url,
                events: WebhookCommand.kinds(events),
                status: disabled ? "Disabled" : nil,
                description: description
            )
            let webhook = try await client.webhooks.create(request)
            try WebhookCommand.show(webhook, json: options.json)
            if !options.json { print("\nKeep the secret now: it is not shown again (rotate it with `signet webhooks rotate-secret`).") }
        }
    }

    struct List: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List webhooks.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws {
            var webhooks: [Webhook] = []
            var token: String?
            repeat {
                let page = try await client.webhooks.list(limit: 500, paginationToken: token)
                webhooks += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(webhooks) }
            Output.table(["ID", "STATUS", "URL", "EVENTS"], webhooks.map { [$0.id, $0.status, $0.url, $0.events.joined(separator: ",")] })
        }
    }

    struct Get: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show a webhook (never its secret).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String

        func run(client: SignetClient) async throws { try WebhookCommand.show(try await client.webhooks.get(id), json: options.json) }
    }

    struct Update: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Change a webhook's URL, events, description, or enable or disable it.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String
        @Option(help: "A new URL.") var url: String?
        @Option(help: "New comma-separated event kinds, or *.") var events: String?
        @Option(help: "A new description.") var description: String?
        @Flag(help: "Enable it.") var enable = false
        @Flag(help: "Disable it: it receives nothing, and its pending retries are dropped.") var disable = false

        func validate() throws {
            if enable && disable { throw ValidationError("give --enable or --disable, not both") }
            if url == nil && events == nil && description == nil && !enable && !disable {
                throw ValidationError("nothing to change: give --url, --events, --description, --enable or --disable")
            }
        }

        func run(client: SignetClient) async throws {
            let request = UpdateWebhookRequest(
                url: url,
                events: events.map(WebhookCommand.kinds),
                status: enable ? "Enabled" : disable ? "Disabled" : nil,
                description: description
            )
            try WebhookCommand.show(try await client.webhooks.update(id, request), json: options.json)
        }
    }

    struct Delete: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a webhook and its delivery attempts.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String

        func run(client: SignetClient) async throws {
            try await client.webhooks.delete(id)
            if options.json { return try Output.json(DeleteWebhookResponse()) }
            print("Deleted webhook \(id).")
        }
    }

    struct Ping: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signed webhook.ping now and show how the endpoint answered.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String

        func run(client: SignetClient) async throws {
            let answer = try await client.webhooks.ping(id)
            if options.json { return try Output.json(answer) }
            Output.fields([("status", answer.status), ("error", answer.error ?? "—")])
        }
    }

    struct RotateSecret: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a webhook a new secret; prints it, once.",
            discussion: """
                Until the overlap ends, each delivery also carries X-Signet-Webhook-Previous-Signature,
                signed with the previous secret: deploy the new secret to the receiver within it.
                """
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String
        @Option(help: "How long the previous secret keeps signing, in seconds (0 to 604800; default 86400).") var overlapSeconds: Int?

        func run(client: SignetClient) async throws {
            try WebhookCommand.show(try await client.webhooks.rotateSecret(id, overlapSeconds: overlapSeconds), json: options.json)
        }
    }

    struct Events: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "List a webhook's delivery attempts.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String
        @Option(help: "Only this event kind.") var kind: String?
        @Flag(help: "Only failed attempts.") var failed = false

        func run(client: SignetClient) async throws {
            var events: [WebhookEvent] = []
            var token: String?
            repeat {
                let page = try await client.webhooks.events(id, kind: kind, deliveryFailed: failed ? true : nil, limit: 500, paginationToken: token)
                events += page.items
                token = page.nextPageToken
            } while token != nil
            if options.json { return try Output.json(events) }
            Output.table(
                ["ID", "KIND", "ATTEMPT", "STATUS", "DATE", "NEXT ATTEMPT"],
                events.map {
                    [$0.id, $0.kind, String($0.deliveryAttempt), $0.status, Output.date($0.date), $0.nextAttemptDate.map(Output.date) ?? ""]
                }
            )
        }
    }

    struct Event: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show one delivery attempt.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The webhook's id (wh-…).") var id: String
        @Argument(help: "The event's id (whe-…).") var eventId: String

        func run(client: SignetClient) async throws { try Output.json(try await client.webhooks.event(id, eventId)) }
    }

    /// `a,b` → `["a", "b"]`, spaces trimmed, empty items dropped.
    static func kinds(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func show(_ webhook: Webhook, json: Bool) throws {
        if json { return try Output.json(webhook) }
        var fields = [
            ("id", webhook.id), ("url", webhook.url), ("status", webhook.status), ("events", webhook.events.joined(separator: ",")),
            ("description", webhook.description ?? "—"),
        ]
        if let secret = webhook.secret { fields.append(("secret", secret)) }
        if let until = webhook.previousSecretValidUntil { fields.append(("previous secret signs until", Output.date(until))) }
        Output.fields(fields)
    }
}
