import Foundation
import SignetAPI
import SignetStore

extension SignetStore {
    /// Deletes a user or service account for good: the record is marked deleted (kept for the audit
    /// log), its login sessions end, its tokens of `tokenKind` are deleted and its credentials are
    /// deactivated. Run it inside a transaction.
    func retire(_ user: UserRecord, tokenKind: TokenKind, at date: Date) async throws {
        var user = user
        user.isActive = false
        user.isDeleted = true
        user.updatedAt = date
        try await updateUser(user)
        try await deactivateLoginSessions(userId: user.id, at: date)
        for var token in try await tokens(userId: user.id, kind: tokenKind) {
            token.isActive = false
            token.isDeleted = true
            token.updatedAt = date
            try await updateToken(token)
        }
        for credential in try await credentials(identityId: user.id) where credential.isActive {
            try await setCredentialActive(uuid: credential.uuid, isActive: false)
        }
    }
}
