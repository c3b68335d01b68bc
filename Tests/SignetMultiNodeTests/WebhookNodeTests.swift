import Foundation
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// Webhooks on several nodes: one node at a time delivers, and a node killed mid-delivery loses
/// nothing (the attempt is sent again, under the same event id, after its lease lapses).
@Suite("Webhooks on several nodes", .enabled(if: TestDatabase.postgresURL != nil), .serialized)
struct WebhookNodeTests {
    static func newPat(_ client: SignetClient, _ name: String) async throws -> String {
        let key = try PrivateKey.generate(.ed25519)
        return try await client.personalAccessTokens.create(CreatePersonalAccessTokenRequest(name: name, publicKey: key.publicKey.pemRepresentation))
            .tokenId
    }

    @Test("Events made on two nodes are each delivered once: only the lease holder sends")
    func oneNodeDelivers() async throws {
        try await WebhookReceiver.with { receiver, url in
            let cluster = try await Cluster.start(nodes: 2)
            do {
                let adminA = try await cluster.admin(at: 0)
                let adminB = try cluster.client(
                    adminA,
                    signer: KeySigner(credentialID: cluster.adminCredentialId, privateKey: cluster.adminKey),
                    at: 1
                )
                let webhook = try await adminA.webhooks.create(CreateWebhookRequest(url: url, events: ["token.created"]))
                var tokens: Set<String> = []
                for index in 0..<10 {
                    tokens.insert(try await Self.newPat(index.isMultiple(of: 2) ? adminA : adminB, "pat-\(index)"))
                }
                let deliveries = try await receiver.wait { Set($0.map(\.id)).count >= 10 }
                try await Task.sleep(for: .seconds(2))  // an absence has no event to wait for
                let all = await receiver.deliveries
                #expect(all.count == 10, "\(all.count) deliveries for 10 events: \(all.map(\.id))")
                let delivered = Set(deliveries.compactMap { ($0.data["token"] as? [String: Any])?["id"] as? String })
                #expect(delivered == tokens)
                #expect(all.allSatisfy { WebhookSignature.verify($0.signature ?? "", body: $0.body, secret: webhook.secret ?? "") })
            } catch {
                await cluster.shutdown()
                throw error
            }
            await cluster.shutdown()
        }
    }

    @Test("A node killed while its endpoint holds a delivery: after restart the same event id is delivered, once more")
    func crashMidDelivery() async throws {
        try await WebhookReceiver.with { receiver, url in
            let cluster = try await Cluster.start(nodes: 1)
            do {
                let admin = try await cluster.admin(at: 0)
                let webhook = try await admin.webhooks.create(CreateWebhookRequest(url: url, events: ["token.created"]))
                await receiver.hold(1)
                let tokenId = try await Self.newPat(admin, "in-flight")
                let first = try #require(try await receiver.wait { $0.count >= 1 }.first)
                await cluster.killNode(0)
                try await cluster.startNode(0)
                // The dead node's lease lapses (15 s), then the new process sends the attempt again.
                let again = try await receiver.wait(seconds: 120) { $0.count >= 2 }
                await receiver.release()
                #expect(again.count >= 2 && again[1].id == first.id && again[1].kind == "token.created")
                #expect((again[1].data["token"] as? [String: Any])?["id"] as? String == tokenId)
                try await Task.sleep(for: .seconds(2))
                let received = await receiver.deliveries.map(\.id)
                #expect(received.count == 2, "one resend, not more: \(received)")
                let restarted = try await cluster.admin(at: 0)
                let events = try await restarted.webhooks.events(webhook.id)
                #expect(events.items.map(\.id) == [first.id] && events.items.first?.status == "200" && events.items.first?.deliveryAttempt == 1)
            } catch {
                await receiver.release()
                await cluster.shutdown()
                throw error
            }
            await cluster.shutdown()
        }
    }
}
