public import Foundation

/// A webhook: where Signet POSTs the events of its organisation that it subscribes to, signed
/// with its secret (Dfns' webhook shape).
public struct Webhook: Codable, Sendable, Equatable {
    /// `wh-…`.
    public var id: String
    public var url: String
    /// Event kinds, or `["*"]` for all of them.
    public var events: [String]
    /// `Enabled` or `Disabled`: a disabled webhook receives nothing, and its pending retries stop.
    public var status: String
    public var description: String?
    public var dateCreated: Date
    public var dateUpdated: Date
    /// The signing secret: only in the answers that create it (`POST /webhooks` and
    /// `POST /webhooks/{webhookId}/secret`), never stored or shown again in the clear elsewhere.
    public var secret: String?
    /// During a secret rotation's overlap: until when deliveries also carry the previous secret's
    /// signature (a Signet extension).
    public var previousSecretValidUntil: Date?

    public init(
        id: String,
        url: String,
        events: [String],
        status: String,
        description: String?,
        dateCreated: Date,
        dateUpdated: Date,
        secret: String? = nil,
        previousSecretValidUntil: Date? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.status = status
        self.description = description
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.secret = secret
        self.previousSecretValidUntil = previousSecretValidUntil
    }
}

/// `POST /webhooks`.
public struct CreateWebhookRequest: Codable, Sendable, Equatable, KnownFields {
    /// `https://…`, or `http://` to a loopback address.
    public var url: String
    /// 1 to 100 event kinds, or `["*"]`.
    public var events: [String]
    /// `Enabled` (the default) or `Disabled`.
    public var status: String?
    /// Up to 1,000 characters.
    public var description: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case url, events, status, description
    }

    public init(url: String, events: [String], status: String? = nil, description: String? = nil) {
        self.url = url
        self.events = events
        self.status = status
        self.description = description
    }
}

/// `PUT /webhooks/{webhookId}`: fields left out keep their value.
public struct UpdateWebhookRequest: Codable, Sendable, Equatable, KnownFields {
    public var url: String?
    public var events: [String]?
    public var status: String?
    public var description: String?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case url, events, status, description
    }

    public init(url: String? = nil, events: [String]? = nil, status: String? = nil, description: String? = nil) {
        self.url = url
        self.events = events
        self.status = status
        self.description = description
    }
}

/// `POST /webhooks/{webhookId}/secret` (a Signet extension): a new secret, the previous one still
/// signing (in its own header) for the overlap.
public struct RotateWebhookSecretRequest: Codable, Sendable, Equatable, KnownFields {
    /// How long deliveries also carry the previous secret's signature: 0 to 604,800 (7 days);
    /// 86,400 (a day) when left out.
    public var overlapSeconds: Int?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case overlapSeconds
    }

    public init(overlapSeconds: Int? = nil) { self.overlapSeconds = overlapSeconds }
}

/// `DELETE /webhooks/{webhookId}`.
public struct DeleteWebhookResponse: Codable, Sendable, Equatable {
    public var deleted: Bool

    public init(deleted: Bool = true) { self.deleted = deleted }
}

/// `POST /webhooks/{webhookId}/ping`: how the endpoint answered a test event.
public struct PingWebhookResponse: Codable, Sendable, Equatable {
    /// The endpoint's HTTP status (`"200"`), or `"failed"` when it could not be reached.
    public var status: String
    public var error: String?

    public init(status: String, error: String? = nil) {
        self.status = status
        self.error = error
    }
}

/// One delivery attempt of an event to a webhook (Dfns' webhook event): a retry is a new event
/// with its own id, the same `data`, and `retryOf` naming the attempt before.
public struct WebhookEvent: Codable, Sendable, Equatable {
    /// `whe-…`.
    public var id: String
    public var kind: String
    /// When the event happened.
    public var date: Date
    public var data: WebhookEventData
    /// The endpoint's HTTP status, a short reason it could not be reached, or `"pending"`.
    public var status: String
    public var error: String?
    /// Unix seconds of the last send, as in the body the endpoint received.
    public var timestampSent: Int?
    /// 1 for the first attempt.
    public var deliveryAttempt: Int
    public var retryOf: String?
    public var deliveryFailed: Bool
    /// When the next attempt is due, for a failed attempt that will be retried.
    public var nextAttemptDate: Date?

    public init(
        id: String,
        kind: String,
        date: Date,
        data: WebhookEventData,
        status: String,
        error: String? = nil,
        timestampSent: Int? = nil,
        deliveryAttempt: Int,
        retryOf: String? = nil,
        deliveryFailed: Bool,
        nextAttemptDate: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.date = date
        self.data = data
        self.status = status
        self.error = error
        self.timestampSent = timestampSent
        self.deliveryAttempt = deliveryAttempt
        self.retryOf = retryOf
        self.deliveryFailed = deliveryFailed
        self.nextAttemptDate = nextAttemptDate
    }
}

/// What an event is about: the members its kind names (docs/webhooks.md lists them per kind).
public struct WebhookEventData: Codable, Sendable, Equatable {
    /// Who made the change, when a caller did (not for `token.expiring`, say).
    public var requester: Requester?
    public var token: Token?
    public var credential: Credential?
    public var user: User?
    /// `token.expiring`: whole days left (14, 7 or 1).
    public var daysLeft: Int?
    /// `signing_key.rotated`: the new key's id (the `kid` of the tokens it signs).
    public var signingKeyId: String?
    /// `webhook.ping`: the webhook pinged.
    public var webhookId: String?

    public init(
        requester: Requester? = nil,
        token: Token? = nil,
        credential: Credential? = nil,
        user: User? = nil,
        daysLeft: Int? = nil,
        signingKeyId: String? = nil,
        webhookId: String? = nil
    ) {
        self.requester = requester
        self.token = token
        self.credential = credential
        self.user = user
        self.daysLeft = daysLeft
        self.signingKeyId = signingKeyId
        self.webhookId = webhookId
    }

    /// The user and token behind a change.
    public struct Requester: Codable, Sendable, Equatable {
        public var userId: String
        public var tokenId: String?

        public init(userId: String, tokenId: String?) {
            self.userId = userId
            self.tokenId = tokenId
        }
    }

    /// A PAT or a service account's token (never its secret).
    public struct Token: Codable, Sendable, Equatable {
        public var id: String
        /// `Pat` or `ServiceAccount`.
        public var kind: String
        public var name: String
        /// The user it acts as (the service account's id for its token).
        public var userId: String
        public var isActive: Bool
        public var dateExpires: Date

        public init(id: String, kind: String, name: String, userId: String, isActive: Bool, dateExpires: Date) {
            self.id = id
            self.kind = kind
            self.name = name
            self.userId = userId
            self.isActive = isActive
            self.dateExpires = dateExpires
        }
    }

    /// A credential (a passkey, a key, a recovery key).
    public struct Credential: Codable, Sendable, Equatable {
        public var uuid: String
        public var credentialId: String
        public var kind: String
        public var name: String
        /// Whose it is: a user, or a token (a PAT's own key).
        public var identityId: String
        public var isActive: Bool

        public init(uuid: String, credentialId: String, kind: String, name: String, identityId: String, isActive: Bool) {
            self.uuid = uuid
            self.credentialId = credentialId
            self.kind = kind
            self.name = name
            self.identityId = identityId
            self.isActive = isActive
        }
    }

    /// A person or a service account.
    public struct User: Codable, Sendable, Equatable {
        public var id: String
        public var username: String
        public var kind: String
        public var isServiceAccount: Bool
        public var isActive: Bool

        public init(id: String, username: String, kind: String, isServiceAccount: Bool, isActive: Bool) {
            self.id = id
            self.username = username
            self.kind = kind
            self.isServiceAccount = isServiceAccount
            self.isActive = isActive
        }
    }
}
