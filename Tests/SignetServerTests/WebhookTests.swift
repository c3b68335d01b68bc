import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// `/webhooks`: the routes with Dfns' shapes, and deliveries signed as Dfns signs them.
@Suite("Webhooks")
struct WebhookTests {
    static func create(_ api: APIClient, as admin: Identity, url: String, events: [String] = ["*"]) async throws -> Webhook {
        let reply = try await api.signed(.post, "/webhooks", as: admin, body: try api.json(CreateWebhookRequest(url: url, events: events)))
        #expect(reply.status == .ok, "\(reply.body)")
        return try reply.decode(Webhook.self)
    }

    @Test("Create shows the secret once; read, list, update and delete; bad input is a 400 naming the field", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let webhook = try await Self.create(api, as: admin, url: "https://hooks.example.com/signet", events: ["token.created", "wallet.created"])
            #expect(webhook.id.hasPrefix("wh-") && webhook.status == "Enabled" && webhook.events == ["token.created", "wallet.created"])
            #expect(webhook.secret?.hasPrefix("whsec-") == true && (webhook.secret?.utf8.count ?? 0) == 49)
            let read = try await api.send(.get, "/webhooks/\(webhook.id)", token: admin.token)
            #expect(read.status == .ok && !read.body.contains("secret"), "\(read.body)")
            let list = try await api.send(.get, "/webhooks", token: admin.token).decode(ListResponse<Webhook>.self)
            #expect(list.items.map(\.id) == [webhook.id] && list.items[0].secret == nil)

            let body = #"{"status":"Disabled","events":["*"],"description":"ops"}"#
            let updated = try await api.signed(.put, "/webhooks/\(webhook.id)", as: admin, body: body).decode(Webhook.self)
            #expect(updated.status == "Disabled" && updated.events == ["*"] && updated.description == "ops" && updated.url == webhook.url)
            #expect(updated.secret == nil)

            for body in [
                #"{"url":"http://hooks.example.com/x","events":["*"]}"#, #"{"url":"ftp://h/x","events":["*"]}"#,
                #"{"url":"https://user:pw@h.example/x","events":["*"]}"#, #"{"url":"https://h.example/x#f","events":["*"]}"#,
                #"{"url":"https://h.example/a b","events":["*"]}"#, #"{"url":"https://h.example/x","events":[]}"#,
                #"{"url":"https://h.example/x","events":["token.made"]}"#, #"{"url":"https://h.example/x","events":["*"],"status":"On"}"#,
                #"{"url":"https://h.example/x","events":["*"],"extra":1}"#, #"{"events":["*"]}"#,
            ] {
                let reply = try await api.signed(.post, "/webhooks", as: admin, body: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.body)")
            }
            #expect(try await api.signed(.put, "/webhooks/\(webhook.id)", as: admin, body: #"{"url":"http://h.example"}"#).status == .badRequest)
            for path in [
                "/webhooks/wh-aaaaa-aaaaa-aaaaaaaaaaaaaaaa", "/webhooks/nope", "/webhooks/\(webhook.id)/events/whe-aaaaa-aaaaa-aaaaaaaaaaaaaaaa",
            ] {
                #expect(try await api.send(.get, path, token: admin.token).status == .notFound, "\(path)")
            }
            #expect(try await api.send(.get, "/webhooks/\(webhook.id)/events?deliveryFailed=maybe", token: admin.token).status == .badRequest)
            #expect(try await api.send(.get, "/webhooks/\(webhook.id)/events?kind=nope", token: admin.token).status == .badRequest)

            let deleted = try await api.signed(.delete, "/webhooks/\(webhook.id)", as: admin)
            #expect(deleted.status == .ok && deleted.body == #"{"deleted":true}"#, "\(deleted.body)")
            #expect(try await api.send(.get, "/webhooks/\(webhook.id)", token: admin.token).status == .notFound)
        }
    }

    @Test("Another organisation's webhooks and events answer 404 to every route, and are never listed", arguments: TestDatabase.available)
    func otherOrganisation(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.webhooks.dispatches = false
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            try await server.store.insertOrganization(OrganizationRecord(id: "or-other", name: "Other", createdAt: Date()))
            let theirs = WebhookRecord(
                id: Identifier.make(.webhook),
                orgId: "or-other",
                url: "https://other.example/hook",
                events: ["*"],
                status: "Enabled",
                description: nil,
                secret: "their-secret",
                createdAt: Date()
            )
            try await server.store.insertWebhook(theirs)
            _ = try await server.store.recordEvent(orgId: "or-other", kind: "user.invited", data: "{}", at: Date())
            let theirEvent = try #require(
                try await server.store.webhookEvents(webhookId: theirs.id, kind: nil, deliveryFailed: nil, afterId: nil, limit: 1).first
            )
            let mine = try await Self.create(api, as: admin, url: "https://hooks.example.com/mine")
            for path in [
                "/webhooks/\(theirs.id)", "/webhooks/\(theirs.id)/events", "/webhooks/\(theirs.id)/events/\(theirEvent.id)",
                "/webhooks/\(mine.id)/events/\(theirEvent.id)",
            ] {
                let reply = try await api.send(.get, path, token: admin.token)
                #expect(reply.status == .notFound && !reply.body.contains("their-secret"), "\(path): \(reply.body)")
            }
            for (method, path, body) in [
                (HTTPRequest.Method.put, "/webhooks/\(theirs.id)", #"{"status":"Disabled"}"#), (.delete, "/webhooks/\(theirs.id)", nil),
                (.post, "/webhooks/\(theirs.id)/ping", nil), (.post, "/webhooks/\(theirs.id)/secret", "{}"),
            ] {
                #expect(try await api.signed(method, path, as: admin, body: body).status == .notFound, "\(method) \(path)")
            }
            let list = try await api.send(.get, "/webhooks", token: admin.token).decode(ListResponse<Webhook>.self)
            #expect(list.items.map(\.id) == [mine.id])
            let stored = try await server.store.webhook(id: theirs.id)
            #expect(stored?.status == "Enabled" && stored?.secret == "their-secret" && stored?.previousSecret == nil)  // untouched
        }
    }

    @Test("Without Webhooks:* operations, or unsigned, every route is refused", arguments: TestDatabase.available)
    func permissions(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let webhook = try await Self.create(api, as: admin, url: "https://hooks.example.com/x")
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (_, pat) = try await api.createPat(as: admin, permissionId: readers.id)
            #expect(try await api.send(.get, "/webhooks", token: pat.token).status == .forbidden)
            #expect(try await api.send(.get, "/webhooks/\(webhook.id)/events", token: pat.token).status == .forbidden)
            #expect(try await api.signed(.post, "/webhooks/\(webhook.id)/ping", as: pat).status == .forbidden)
            let unsigned = try await api.send(.post, "/webhooks", token: admin.token, body: #"{"url":"https://h.example","events":["*"]}"#)
            #expect(unsigned.status == .unauthorized || unsigned.status == .forbidden, "\(unsigned.body)")
        }
    }

    @Test("Token events reach the endpoint once each, signed over the exact body, and are listed as delivered", arguments: TestDatabase.available)
    func tokenEvents(database: TestDatabase.Kind) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestServer.with(database, configuration: .fastWebhooks()) { server, api in
                let admin = try await server.admin(api)
                let webhook = try await Self.create(
                    api,
                    as: admin,
                    url: url,
                    events: ["token.created", "token.deactivated", "token.reactivated", "token.deleted"]
                )
                let secret = try #require(webhook.secret)
                let (pat, _) = try await api.createPat(as: admin, name: "ci")
                #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: admin).status == .ok)
                #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/activate", as: admin).status == .ok)
                #expect(try await api.signed(.delete, "/auth/pats/\(pat.tokenId)", as: admin).status == .ok)
                let deliveries = try await receiver.wait { $0.count >= 4 }
                #expect(Set(deliveries.map(\.kind)) == ["token.created", "token.deactivated", "token.reactivated", "token.deleted"])
                #expect(Set(deliveries.map(\.id)).count == 4 && deliveries.allSatisfy { $0.id.hasPrefix("whe-") })
                for delivery in deliveries {
                    #expect(WebhookSignature.verify(delivery.signature ?? "", body: delivery.body, secret: secret))
                    #expect(!WebhookSignature.verify(delivery.signature ?? "", body: delivery.body + [0x20], secret: secret))
                    #expect(delivery.previousSignature == nil)
                    let token = delivery.data["token"] as? [String: Any]
                    #expect(token?["id"] as? String == pat.tokenId && token?["name"] as? String == "ci" && token?["kind"] as? String == "Pat")
                    #expect((delivery.data["requester"] as? [String: Any])?["userId"] as? String == server.organization.userId)
                    let sent = (delivery.event["timestampSent"] as? Int) ?? 0
                    #expect(abs(sent - Int(Date().timeIntervalSince1970)) < 300 && delivery.event["deliveryAttempt"] as? Int == 1)
                    #expect(!String(decoding: delivery.body, as: UTF8.self).contains("accessToken"))
                }
                // The listing shows each attempt as delivered, with Dfns' fields (once settled, just
                // after the endpoint answered).
                var events = ListResponse<WebhookEvent>(items: [])
                for _ in 0..<600 where events.items.count < 4 || events.items.contains(where: { $0.status == "pending" }) {
                    events = try await api.send(.get, "/webhooks/\(webhook.id)/events", token: admin.token).decode(ListResponse<WebhookEvent>.self)
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(events.items.count == 4 && events.items.allSatisfy { $0.status == "200" && !$0.deliveryFailed && $0.timestampSent != nil })
                let one = try await api.send(.get, "/webhooks/\(webhook.id)/events/\(deliveries[0].id)", token: admin.token).decode(WebhookEvent.self)
                #expect(one.id == deliveries[0].id && one.kind == deliveries[0].kind && one.data.token?.id == pat.tokenId)
                let created = "/webhooks/\(webhook.id)/events?kind=token.created&deliveryFailed=false"
                #expect(try await api.send(.get, created, token: admin.token).decode(ListResponse<WebhookEvent>.self).items.count == 1)
            }
        }
    }

    @Test("A disabled webhook, or one not subscribed to the kind, receives nothing", arguments: TestDatabase.available)
    func subscriptions(database: TestDatabase.Kind) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestServer.with(database, configuration: .fastWebhooks()) { server, api in
                let admin = try await server.admin(api)
                let disabled = try await Self.create(api, as: admin, url: url)
                _ = try await api.signed(.put, "/webhooks/\(disabled.id)", as: admin, body: #"{"status":"Disabled"}"#)
                _ = try await Self.create(api, as: admin, url: url, events: ["user.deleted"])
                let users = try await Self.create(api, as: admin, url: url, events: ["user.invited"])
                _ = try await api.createPat(as: admin)
                _ = try await api.createUser(as: admin, email: "new@example.com")
                _ = try await receiver.wait { $0.count >= 1 }
                try await Task.sleep(for: .seconds(1))  // an absence has no event to wait for
                let deliveries = await receiver.deliveries
                #expect(deliveries.count == 1 && deliveries.first?.kind == "user.invited", "\(deliveries.map(\.kind))")
                let events = try await api.send(.get, "/webhooks/\(users.id)/events", token: admin.token).decode(ListResponse<WebhookEvent>.self)
                #expect(events.items.count == 1)
                let none = try await api.send(.get, "/webhooks/\(disabled.id)/events", token: admin.token).decode(ListResponse<WebhookEvent>.self)
                #expect(none.items.isEmpty)
            }
        }
    }
}
