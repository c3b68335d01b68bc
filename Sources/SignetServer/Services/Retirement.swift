import Foundation
import SignetAPI
import SignetCore
import SignetStore

extension SignetStore {
    /// Deletes a user or service account for good: the record is marked deleted (kept for the audit
    /// log), its login sessions end, its tokens of `tokenKind` are deleted, its credentials are
    /// deactivated, and `user.deleted` is recorded for webhooks (naming `requester`). Run it inside
    /// a transaction. Returns the user as it now stands.
    @discardableResult
    func retire(_ user: UserRecord, tokenKind: TokenKind, at date: Date, requester: WebhookEventData.Requester) async throws -> UserRecord {
        var retired = user
        retired.isActive = false
        retired.isDeleted = true
        try await Events.record(.userDeleted, orgId: user.orgId, data: .init(requester: requester, user: Events.user(retired)), in: self, at: date)
        _ = try await deleteUser(id: user.id, at: date)
        try await deactivateLoginSessions(userId: user.id, at: date)
        for token in try await tokens(userId: user.id, kind: tokenKind) {
            _ = try await deleteToken(id: token.id, at: date)
        }
        for credential in try await credentials(identityId: user.id) where credential.isActive {
            try await setCredentialActive(uuid: credential.uuid, isActive: false)
        }
        return retired
    }
}
