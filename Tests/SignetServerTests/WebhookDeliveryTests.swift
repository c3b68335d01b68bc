import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// How webhook events travel: retries, secret rotation, ping, and the events that no request makes.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    @Test("A failed attempt is retried as a new event naming the one before; after 5 attempts it stops", arguments: TestDatabase.available)
    func retries(database: TestDatabase.Kind) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestServer.with(database, configuration: .fastWebhooks()) { server, api in
                let admin = try await server.admin(api)
                await receiver.answer([.internalServerError, .serviceUnavailable])
                let webhook = try await WebhookTests.create(api, as: admin, url: url, events: ["token.created"])
                let (pat, _) = try await api.createPat(as: admin)
                let deliveries = try await receiver.wait { $0.count >= 3 }
                try await Task.sleep(for: .milliseconds(500))  // no fourth attempt follows a success
                #expect(await receiver.deliveries.count == 3)
                #expect(deliveries.map { $0.event["deliveryAttempt"] as? Int } == [1, 2, 3])
                #expect(
                    deliveries[1].event["retryOf"] as? String == deliveries[0].id && deliveries[2].event["retryOf"] as? String == deliveries[1].id
                )
                #expect(Set(deliveries.map(\.id)).count == 3)
                #expect(deliveries.allSatisfy { ($0.data["token"] as? [String: Any])?["id"] as? String == pat.tokenId })
                #expect(deliveries.map { $0.event["date"] as? String }.allSatisfy { $0 == deliveries[0].event["date"] as? String })

                let path = "/webhooks/\(webhook.id)/events"
                let failed = try await api.send(.get, path + "?deliveryFailed=true", token: admin.token).decode(ListResponse<WebhookEvent>.self)
                #expect(
                    Set(failed.items.map(\.status)) == ["500", "503"] && failed.items.allSatisfy { $0.nextAttemptDate != nil && $0.error != nil }
                )
                let all = try await api.send(.get, path, token: admin.token).decode(ListResponse<WebhookEvent>.self)
                #expect(all.items.count == 3 && all.items.filter { !$0.deliveryFailed }.map(\.deliveryAttempt) == [3])

                // An endpoint that always fails gets five attempts, the last with no next one.
                await receiver.answer(Array(repeating: .badGateway, count: 5))
                _ = try await api.createPat(as: admin)
                let after = try await receiver.wait { $0.count >= 8 }
                try await Task.sleep(for: .milliseconds(800))
                #expect(await receiver.deliveries.count == 8 && after.suffix(5).map { $0.event["deliveryAttempt"] as? Int } == [1, 2, 3, 4, 5])
                var last = try await api.send(.get, "\(path)/\(after[7].id)", token: admin.token).decode(WebhookEvent.self)
                for _ in 0..<600 where last.status == "pending" {
                    try await Task.sleep(for: .milliseconds(50))
                    last = try await api.send(.get, "\(path)/\(after[7].id)", token: admin.token).decode(WebhookEvent.self)
                }
                #expect(last.deliveryFailed && last.nextAttemptDate == nil && last.status == "502")
            }
        }
    }

    @Test("During a rotation's overlap a delivery carries both signatures; after it, or with no overlap, only the new one")
    func secretRotation() async throws {
        try await WebhookReceiver.with { receiver, url in
            let clock = TestClock()
            try await TestServer.with(.sqlite, configuration: .fastWebhooks(clock: clock)) { server, api in
                let admin = try await server.admin(api)
                let webhook = try await WebhookTests.create(api, as: admin, url: url, events: ["token.created"])
                let old = try #require(webhook.secret)
                let rotated = try await api.signed(.post, "/webhooks/\(webhook.id)/secret", as: admin, body: #"{"overlapSeconds":3600}"#)
                let rotatedWebhook = try rotated.decode(Webhook.self)
                let new = try #require(rotatedWebhook.secret)
                #expect(new != old && rotatedWebhook.previousSecretValidUntil != nil)
                _ = try await api.createPat(as: admin)
                let first = try #require(try await receiver.wait { $0.count >= 1 }.first)
                #expect(WebhookSignature.verify(first.signature ?? "", body: first.body, secret: new))
                #expect(WebhookSignature.verify(first.previousSignature ?? "", body: first.body, secret: old))
                #expect(!WebhookSignature.verify(first.signature ?? "", body: first.body, secret: old))

                clock.advance(by: 3601)  // the overlap is over: the old secret signs nothing
                _ = try await api.createPat(as: admin)
                let second = try await receiver.wait { $0.count >= 2 }[1]
                #expect(WebhookSignature.verify(second.signature ?? "", body: second.body, secret: new) && second.previousSignature == nil)
                let read = try await api.send(.get, "/webhooks/\(webhook.id)", token: admin.token).decode(Webhook.self)
                #expect(read.previousSecretValidUntil == nil && read.secret == nil)

                let immediate = try await api.signed(.post, "/webhooks/\(webhook.id)/secret", as: admin, body: #"{"overlapSeconds":0}"#)
                let newest = try #require(try immediate.decode(Webhook.self).secret)
                _ = try await api.createPat(as: admin)
                let third = try await receiver.wait { $0.count >= 3 }[2]
                #expect(WebhookSignature.verify(third.signature ?? "", body: third.body, secret: newest) && third.previousSignature == nil)
                // Without a body the overlap is a day.
                let defaulted = try await api.signed(.post, "/webhooks/\(webhook.id)/secret", as: admin).decode(Webhook.self)
                let overlap = defaulted.previousSecretValidUntil.map { $0.timeIntervalSince(clock.now()) } ?? 0
                #expect(abs(overlap - 86_400) < 60)
                for body in [#"{"overlapSeconds":-1}"#, #"{"overlapSeconds":604801}"#, #"{"overlap":1}"#] {
                    #expect(try await api.signed(.post, "/webhooks/\(webhook.id)/secret", as: admin, body: body).status == .badRequest, "\(body)")
                }
            }
        }
    }

    @Test("Ping sends a signed webhook.ping and reports the answer; an endpoint that cannot be reached is reported, not thrown")
    func ping() async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestServer.with(.sqlite, configuration: .fastWebhooks()) { server, api in
                let admin = try await server.admin(api)
                let webhook = try await WebhookTests.create(api, as: admin, url: url, events: ["user.invited"])
                let reply = try await api.signed(.post, "/webhooks/\(webhook.id)/ping", as: admin).decode(PingWebhookResponse.self)
                #expect(reply.status == "200" && reply.error == nil)
                let ping = try #require(try await receiver.wait { $0.count >= 1 }.first)
                #expect(ping.kind == "webhook.ping" && ping.data["webhookId"] as? String == webhook.id)
                #expect(WebhookSignature.verify(ping.signature ?? "", body: ping.body, secret: webhook.secret ?? ""))
                // A replayed ping is refused before anything is sent (it writes nothing, so its
                // single use is written on its own before the ping leaves).
                let path = "/webhooks/\(webhook.id)/ping"
                let fast = try FastAuthHeader(method: "POST", path: path, body: [], orgId: server.orgId).header(admin.signer)
                let headers = ["X-DFNS-USERACTION": fast, "Host": "localhost"]
                #expect(try await api.send(.post, path, token: admin.token, headers: headers).status == .ok)
                #expect(try await receiver.wait { $0.count >= 2 }.count == 2)
                let replay = try await api.send(.post, path, token: admin.token, headers: headers)
                #expect(replay.status == .forbidden && replay.errorMessage?.contains("already used") == true, "\(replay.body)")
                #expect(try await receiver.wait { _ in true }.count == 2, "the replay sent nothing")
                await receiver.answer([.notFound])
                let refused = try await api.signed(.post, "/webhooks/\(webhook.id)/ping", as: admin).decode(PingWebhookResponse.self)
                #expect(refused.status == "404" && refused.error != nil)

                let closed = try await WebhookTests.create(api, as: admin, url: "http://127.0.0.1:9/hook")
                let unreachable = try await api.signed(.post, "/webhooks/\(closed.id)/ping", as: admin).decode(PingWebhookResponse.self)
                #expect(unreachable.status == "failed" && unreachable.error?.contains("could not be reached") == true)
                // Pings are not events: nothing is listed.
                let events = try await api.send(.get, "/webhooks/\(webhook.id)/events", token: admin.token).decode(ListResponse<WebhookEvent>.self)
                #expect(events.items.isEmpty)
            }
        }
    }

    @Test("An endpoint that answers its head and trickles its body is cut off at the timeout: ping reports it")
    func tricklingEndpoint() async throws {
        try await WebhookReceiver.with { _, url in
            var configuration = ServerConfiguration.fastWebhooks()
            configuration.webhooks.timeout = .seconds(1)
            try await TestServer.with(.sqlite, configuration: configuration) { server, api in
                let admin = try await server.admin(api)
                let slow = url.replacingOccurrences(of: "/hook", with: "/slow")
                let webhook = try await WebhookTests.create(api, as: admin, url: slow)
                let started = ContinuousClock.now
                let reply = try await api.signed(.post, "/webhooks/\(webhook.id)/ping", as: admin).decode(PingWebhookResponse.self)
                #expect(reply.status == "failed" && reply.error?.contains("did not answer within") == true, "\(reply)")
                // The trickle (300 s) was not waited for: a bound only a real failure reaches, even on a loaded machine.
                #expect(ContinuousClock.now - started < .seconds(240))
            }
        }
    }

    @Test("token.expiring goes out 14, 7 and 1 days before, once per threshold crossed, never for short-lived tokens")
    func expiringTokens() async throws {
        try await WebhookReceiver.with { receiver, url in
            let clock = TestClock()
            var configuration = ServerConfiguration.fastWebhooks(clock: clock)
            configuration.webhooks.expiryScanInterval = 0
            try await TestServer.with(.sqlite, configuration: configuration) { server, api in
                let admin = try await server.admin(api)
                _ = try await WebhookTests.create(api, as: admin, url: url, events: ["token.expiring"])
                let (pat, _) = try await api.createPat(as: admin, secondsValid: 20 * 86_400)
                // A PAT made for an hour never lived a day before its expiry: no notice.
                _ = try await api.createPat(as: admin, secondsValid: 3600)
                try await Task.sleep(for: .seconds(1))  // several scans (one per poll); an absence has no event
                #expect(await receiver.deliveries.isEmpty)
                clock.advance(by: 10 * 86_400)  // 10 days left: the 14-day notice, saying 10
                let first = try await receiver.wait { $0.count >= 1 }
                #expect(first[0].data["daysLeft"] as? Int == 10 && (first[0].data["token"] as? [String: Any])?["id"] as? String == pat.tokenId)
                clock.advance(by: 9.5 * 86_400)  // half a day left: the 7-day one is skipped, the 1-day one sent
                let second = try await receiver.wait { $0.count >= 2 }
                try await Task.sleep(for: .milliseconds(500))
                #expect(await receiver.deliveries.count == 2 && second[1].data["daysLeft"] as? Int == 1)
                #expect(second[1].data["requester"] == nil)
            }
        }
    }

    @Test("signet signing-keys rotate, run beside a server on its SQLite file, announces the new key to every organisation's webhooks")
    func signingKeyRotation() async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestServer.with(.sqlite, configuration: .fastWebhooks()) { server, api in
                let admin = try await server.admin(api)
                let webhook = try await WebhookTests.create(api, as: admin, url: url, events: ["signing_key.rotated"])
                let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("signet").path
                let process = try ChildProcess(
                    executable: ProcessInfo.processInfo.environment["SIGNET_BINARY"] ?? binary,
                    arguments: ["signing-keys", "rotate", "--database", server.directory + "/signet.sqlite", "--json"],
                    environment: [:],
                    directory: server.directory,
                    output: server.directory + "/rotate.out",
                    error: server.directory + "/rotate.err"
                )
                #expect(await process.exitStatus() == 0)
                let kid = try await server.store.signingKeys().last?.kid
                let delivery = try #require(try await receiver.wait { $0.count >= 1 }.first)
                #expect(delivery.kind == "signing_key.rotated" && delivery.data["signingKeyId"] as? String == kid)
                #expect(WebhookSignature.verify(delivery.signature ?? "", body: delivery.body, secret: webhook.secret ?? ""))
            }
        }
    }
}
