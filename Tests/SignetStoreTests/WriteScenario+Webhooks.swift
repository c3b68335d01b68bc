import Foundation
import SignetCore
import SignetStore

extension WriteScenario {
    /// The writes of webhooks and their outbox.
    static let webhookWrites: [(String, Write)] = [
        (
            "insertWebhook(_)",
            { store, f in
                let webhook = WebhookRecord(
                    id: f.webhookId,
                    orgId: f.orgId,
                    url: "https://h.example",
                    events: ["*"],
                    status: "Enabled",
                    description: nil,
                    secret: "s",
                    createdAt: f.now
                )
                try await store.insertWebhook(webhook)
            }
        ),
        (
            "updateWebhook(_)",
            { store, f in
                guard var webhook = try await store.webhook(id: f.webhookId) else { return }
                webhook.webhookDescription = "changed"
                try await store.updateWebhook(webhook)
            }
        ),
        ("recordEvent(orgId)", { store, f in _ = try await store.recordEvent(orgId: f.orgId, kind: "user.invited", data: "{}", at: f.now) }),
        (
            "settleWebhookEvent(id)",
            { store, f in
                guard let event = try await store.dueWebhookEvents(at: f.now, limit: 1).first else { return }
                let outcome = WebhookOutcome(status: "200", error: nil, timestampSent: 1, delivered: true, retry: nil)
                _ = try await store.settleWebhookEvent(id: event.id, outcome: outcome)
            }
        ),
        ("purgeWebhookEvents(before)", { store, f in _ = try await store.purgeWebhookEvents(before: f.now.addingTimeInterval(1)) }),
        ("acquireLease(_)", { store, f in _ = try await store.acquireLease("l", holder: "h", until: f.now.addingTimeInterval(9), at: f.now) }),
        ("releaseLease(_)", { store, _ in try await store.releaseLease("l", holder: "h") }),
        ("noteTokenExpiry(tokenId)", { store, f in _ = try await store.noteTokenExpiry(tokenId: f.tokenId, days: 7) }),
        (
            "deleteWebhook(id)",
            { store, f in
                _ = try await store.recordEvent(orgId: f.orgId, kind: "user.invited", data: "{}", at: f.now)
                try await store.deleteWebhook(id: f.webhookId)
            }
        ),
    ]
}
