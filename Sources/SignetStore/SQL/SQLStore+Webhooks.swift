package import Foundation
import SQLKit
import SignetCore

extension SQLStore {
    package func insertWebhook(_ webhook: WebhookRecord) async throws {
        try await write(.webhooks) { try await $0.insertRow(webhook) }
    }

    package func webhook(id: String) async throws -> WebhookRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM webhooks WHERE id = \(bind: id)").first(decoding: WebhookRecord.self)
        }
    }

    package func webhooks(orgId: String, afterId: String?, limit: Int) async throws -> [WebhookRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM webhooks WHERE org_id = \(bind: orgId)")
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: WebhookRecord.self)
        }
    }

    package func updateWebhook(_ webhook: WebhookRecord) async throws {
        try await write(.webhooks) { database in
            try await database.raw(
                """
                UPDATE webhooks SET url = \(bind: webhook.url), events = \(bind: jsonText(webhook.events)),
                    status = \(bind: webhook.status), description = \(bind: webhook.webhookDescription),
                    secret = \(bind: webhook.secret), previous_secret = \(bind: webhook.previousSecret),
                    previous_secret_until = \(bind: webhook.previousSecretUntil?.milliseconds),
                    updated_at = \(bind: webhook.updatedAt.milliseconds)
                WHERE id = \(bind: webhook.id)
                """
            ).run()
        }
    }

    package func deleteWebhook(id: String) async throws {
        guard transactionDatabase != nil else { return try await transaction { try await $0.deleteWebhook(id: id) } }
        try await write(.webhookEvents, .webhooks) { database in
            try await database.raw("DELETE FROM webhook_events WHERE webhook_id = \(bind: id)").run()
            try await database.raw("DELETE FROM webhooks WHERE id = \(bind: id)").run()
        }
    }

    package func recordEvent(orgId: String, kind: String, data: String, at date: Date) async throws -> Int {
        let candidates = try await read { database in
            try await database.raw(
                "SELECT id, events FROM webhooks WHERE org_id = \(bind: orgId) AND status = 'Enabled'"
            ).all()
        }
        var deliveries: [WebhookEventRecord] = []
        for row in candidates {
            let events = try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "events", as: String.self).utf8))
            guard WebhookEventKind.matches(events, kind: kind) else { continue }
            deliveries.append(
                WebhookEventRecord(
                    id: Identifier.timeOrdered(.webhookEvent, at: date),
                    webhookId: try row.decode(column: "id", as: String.self),
                    orgId: orgId,
                    kind: kind,
                    data: data,
                    createdAt: date,
                    dueAt: date
                )
            )
        }
        guard !deliveries.isEmpty else { return 0 }
        try await write(.webhookEvents) { [deliveries] database in
            for delivery in deliveries { try await database.insertRow(delivery) }
        }
        return deliveries.count
    }

    package func webhookEvents(
        webhookId: String,
        kind: String?,
        deliveryFailed: Bool?,
        afterId: String?,
        limit: Int
    ) async throws
        -> [WebhookEventRecord]
    {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM webhook_events WHERE webhook_id = \(bind: webhookId)")
            if let kind {
                query.appendLiteral(" AND kind = ")
                query.appendInterpolation(bind: kind)
            }
            if let deliveryFailed { query.appendLiteral(deliveryFailed ? " AND delivery_failed = TRUE" : " AND delivery_failed = FALSE") }
            // Newest first: attempt ids begin with their time.
            query.appendPage(before: afterId, limit: limit)
            return try await database.raw(query).all(decoding: WebhookEventRecord.self)
        }
    }

    package func webhookEvent(id: String) async throws -> WebhookEventRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM webhook_events WHERE id = \(bind: id)").first(decoding: WebhookEventRecord.self)
        }
    }

    package func dueWebhookEvents(at date: Date, limit: Int) async throws -> [WebhookEventRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM webhook_events WHERE due_at IS NOT NULL AND due_at <= \(bind: date.milliseconds)
                ORDER BY due_at, id LIMIT \(bind: limit)
                """
            ).all(decoding: WebhookEventRecord.self)
        }
    }

    package func settleWebhookEvent(id: String, outcome: WebhookOutcome) async throws -> Bool {
        try await sqlTransaction { store in
            try await store.write(.webhookEvents) { database in
                let settled =
                    try await database.raw(
                        """
                        UPDATE webhook_events SET status = \(bind: outcome.status), error = \(bind: outcome.error),
                            timestamp_sent = \(bind: outcome.timestampSent), delivery_failed = \(bind: !outcome.delivered),
                            next_attempt_at = \(bind: outcome.retry?.dueAt?.milliseconds), due_at = NULL
                        WHERE id = \(bind: id) AND due_at IS NOT NULL RETURNING id
                        """
                    ).first() != nil
                if settled, let retry = outcome.retry { try await database.insertRow(retry) }
                return settled
            }
        }
    }

    package func acquireLease(_ name: String, holder: String, until expiry: Date, at date: Date) async throws -> Bool {
        try await write(.leases) { database in
            try await database.raw(
                """
                INSERT INTO leases (name, holder, expires_at) VALUES (\(bind: name), \(bind: holder), \(bind: expiry.milliseconds))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at < \(bind: date.milliseconds)
                """
            ).run()
            let row = try await database.raw("SELECT holder FROM leases WHERE name = \(bind: name)").first()
            return try row.map { try $0.decode(column: "holder", as: String.self) }.map { ExactText.equals($0, holder) } ?? false
        }
    }

    package func releaseLease(_ name: String, holder: String) async throws {
        try await write(.leases) { database in
            try await database.raw("DELETE FROM leases WHERE name = \(bind: name) AND holder = \(bind: holder)").run()
        }
    }

    package func tokensExpiring(between start: Date, and end: Date) async throws -> [AccessTokenRecord] {
        let rows = try await read { database in
            // A token ends at its effective expiry (its organisation's PAT limit may come first),
            // never after its own: the own expiry's index narrows the scan.
            try await database.raw(
                """
                SELECT t.*, \(unsafeRaw: Self.effectiveExpiry) AS effective_expires_at
                FROM access_tokens t JOIN organizations o ON o.id = t.org_id
                WHERE t.kind IN ('Pat', 'ServiceAccount') AND t.is_deleted = FALSE AND t.is_active = TRUE
                    AND t.expires_at > \(bind: start.milliseconds)
                    AND \(unsafeRaw: Self.effectiveExpiry) > \(bind: start.milliseconds)
                    AND \(unsafeRaw: Self.effectiveExpiry) <= \(bind: end.milliseconds)
                """
            ).all()
        }
        return try rows.map { row in
            var token = try row.decode(model: AccessTokenRecord.self)
            token.expiresAt = Date(milliseconds: try row.decode(column: "effective_expires_at", as: Int64.self))
            return token
        }
    }

    package func noteTokenExpiry(tokenId: String, days: Int) async throws -> Bool {
        try await write(.tokenExpiryNotices) { database in
            try await database.raw(
                """
                INSERT INTO token_expiry_notices (token_id, days) VALUES (\(bind: tokenId), \(bind: days))
                ON CONFLICT DO NOTHING RETURNING token_id
                """
            ).first() != nil
        }
    }

    package func notedTokenExpiries(tokenIds: [String]) async throws -> [String: Set<Int>] {
        guard !tokenIds.isEmpty else { return [:] }
        let rows = try await read { database in
            try await database.raw("SELECT token_id, days FROM token_expiry_notices WHERE token_id IN (\(binds: tokenIds))").all()
        }
        var noted: [String: Set<Int>] = [:]
        for row in rows {
            noted[try row.decode(column: "token_id", as: String.self), default: []].insert(try row.decode(column: "days", as: Int.self))
        }
        return noted
    }

    package func purgeWebhookEvents(before date: Date) async throws -> Int {
        try await write(.webhookEvents, .tokenExpiryNotices) { database in
            // Notices of tokens that can no longer expire later: deleted or expired.
            try await database.raw(
                """
                DELETE FROM token_expiry_notices WHERE token_id IN (
                    SELECT id FROM access_tokens WHERE is_deleted = TRUE OR expires_at < \(bind: date.milliseconds))
                """
            ).run()
            return try await database.raw(
                "DELETE FROM webhook_events WHERE due_at IS NULL AND created_at < \(bind: date.milliseconds) RETURNING id"
            ).all().count
        }
    }
}
