package import Foundation

/// A webhook of an organisation. Its secret is kept as the HMAC key it is (a digest could not sign):
/// the database's access rules protect it like the token-signing keys (docs/security.md).
package struct WebhookRecord: StoreRow, Equatable {
    /// `wh-…`.
    package var id: String
    package var orgId: String
    package var url: String
    /// Event kinds, or `["*"]`.
    @JSONText package var events: [String]
    /// `Enabled` or `Disabled`.
    package var status: String
    package var webhookDescription: String?
    package var secret: String
    /// The secret before the last rotation, still signing (in its own header) until `previousSecretUntil`.
    package var previousSecret: String?
    @OptionalMilliseconds package var previousSecretUntil: Date?
    @Milliseconds package var createdAt: Date
    @Milliseconds package var updatedAt: Date

    package init(
        id: String,
        orgId: String,
        url: String,
        events: [String],
        status: String,
        description: String?,
        secret: String,
        createdAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.url = url
        self.events = events
        self.status = status
        self.webhookDescription = description
        self.secret = secret
        self.previousSecret = nil
        self.previousSecretUntil = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// Whether it receives new events and retries.
    package var isEnabled: Bool { status.unicodeScalars.elementsEqual("Enabled".unicodeScalars) }

    package static let table = StoreTable.webhooks
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case orgId = "org_id"
        case url, events, status
        case webhookDescription = "description"
        case secret
        case previousSecret = "previous_secret"
        case previousSecretUntil = "previous_secret_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One delivery attempt of an event to a webhook: the durable outbox. A row is written in the
/// transaction of the change it reports, then sent in the background; a failed attempt is settled
/// and, while attempts remain, a new row (its retry) is due later.
package struct WebhookEventRecord: StoreRow, Equatable {
    /// `whe-…`: the id the endpoint sees; the same if the attempt is sent again after a crash.
    package var id: String
    package var webhookId: String
    package var orgId: String
    package var kind: String
    /// The event's `data`, as JSON.
    package var data: String
    /// When the event happened (the same for every attempt).
    @Milliseconds package var createdAt: Date
    /// `pending`, the endpoint's HTTP status, or `failed`.
    package var status: String
    package var error: String?
    /// Unix seconds of the last send.
    package var timestampSent: Int64?
    package var deliveryAttempt: Int
    package var retryOf: String?
    package var deliveryFailed: Bool
    /// When to send it, while it is pending; `nil` once settled.
    @OptionalMilliseconds package var dueAt: Date?
    /// For a failed attempt that will be retried: when its retry is due.
    @OptionalMilliseconds package var nextAttemptAt: Date?

    package init(
        id: String,
        webhookId: String,
        orgId: String,
        kind: String,
        data: String,
        createdAt: Date,
        deliveryAttempt: Int = 1,
        retryOf: String? = nil,
        dueAt: Date
    ) {
        self.id = id
        self.webhookId = webhookId
        self.orgId = orgId
        self.kind = kind
        self.data = data
        self.createdAt = createdAt
        self.status = "pending"
        self.error = nil
        self.timestampSent = nil
        self.deliveryAttempt = deliveryAttempt
        self.retryOf = retryOf
        self.deliveryFailed = false
        self.dueAt = dueAt
        self.nextAttemptAt = nil
    }

    package static let table = StoreTable.webhookEvents
    package static let primaryKey = CodingKeys.id

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case webhookId = "webhook_id"
        case orgId = "org_id"
        case kind, data
        case createdAt = "created_at"
        case status, error
        case timestampSent = "timestamp_sent"
        case deliveryAttempt = "delivery_attempt"
        case retryOf = "retry_of"
        case deliveryFailed = "delivery_failed"
        case dueAt = "due_at"
        case nextAttemptAt = "next_attempt_at"
    }
}

/// How a delivery attempt ended.
package struct WebhookOutcome: Sendable, Equatable {
    /// The endpoint's HTTP status as text, or `failed`.
    package var status: String
    package var error: String?
    package var timestampSent: Int64
    package var delivered: Bool
    /// The retry to queue, for a failed attempt with attempts left.
    package var retry: WebhookEventRecord?

    package init(status: String, error: String?, timestampSent: Int64, delivered: Bool, retry: WebhookEventRecord?) {
        self.status = status
        self.error = error
        self.timestampSent = timestampSent
        self.delivered = delivered
        self.retry = retry
    }
}

/// A lease: which node does a job that one node at a time must do (draining the webhook outbox).
package struct LeaseRow: StoreRow, Equatable {
    package var name: String
    package var holder: String
    @Milliseconds package var expiresAt: Date

    package static let table = StoreTable.leases
    package static let primaryKey = CodingKeys.name

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, holder
        case expiresAt = "expires_at"
    }
}

/// A `token.expiring` notice already sent: one per token and threshold (14, 7, 1 days).
package struct TokenExpiryNoticeRow: StoreRow, Equatable {
    package var tokenId: String
    package var days: Int

    package init(tokenId: String, days: Int) {
        self.tokenId = tokenId
        self.days = days
    }

    package static let table = StoreTable.tokenExpiryNotices
    package static let primaryKey = CodingKeys.tokenId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case tokenId = "token_id"
        case days
    }
}
