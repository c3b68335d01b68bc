import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Records the events webhooks receive. Each is written by the transaction of the change it
/// reports (``SignetStore/recordEvent(orgId:kind:data:at:)``): the change and its event are
/// committed together or not at all, and the background dispatcher sends it later.
enum Events {
    /// Queues `kind` for the organisation's subscribed webhooks, in `store`'s transaction.
    static func record(
        _ kind: WebhookEventKind.Signet,
        orgId: String,
        data: WebhookEventData,
        in store: any SignetStore,
        at date: Date
    )
        async throws
    {
        let text = String(decoding: try SignetJSON.encoder().encode(data), as: UTF8.self)
        _ = try await store.recordEvent(orgId: orgId, kind: kind.rawValue, data: text, at: date)
    }

    /// Runs `change` and records the event it reports (when `event` gives one) in one transaction.
    static func recording<T: Sendable>(
        in store: any SignetStore,
        at date: Date,
        _ change: @Sendable (any SignetStore) async throws -> T,
        event: @escaping @Sendable (T) -> (WebhookEventKind.Signet, orgId: String, WebhookEventData)?
    ) async throws -> T {
        try await store.transaction { store in
            let result = try await change(store)
            if let (kind, orgId, data) = event(result) { try await record(kind, orgId: orgId, data: data, in: store, at: date) }
            return result
        }
    }

    static func requester(_ caller: Caller) -> WebhookEventData.Requester {
        .init(userId: caller.userId, tokenId: caller.token.id)
    }

    static func token(_ token: AccessTokenRecord) -> WebhookEventData.Token {
        .init(
            id: token.id,
            kind: token.kind.rawValue,
            name: token.name,
            userId: token.userId,
            isActive: token.isActive,
            dateExpires: token.expiresAt
        )
    }

    static func credential(_ credential: CredentialRecord) -> WebhookEventData.Credential {
        .init(
            uuid: credential.uuid,
            credentialId: credential.credentialId,
            kind: credential.kind.rawValue,
            name: credential.name,
            identityId: credential.identityId,
            isActive: credential.isActive
        )
    }

    static func user(_ user: UserRecord) -> WebhookEventData.User {
        .init(id: user.id, username: user.username, kind: user.kind.rawValue, isServiceAccount: user.isServiceAccount, isActive: user.isActive)
    }
}
