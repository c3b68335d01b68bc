import Foundation
import SignetAPI
import SignetStore

extension SignetStore {
    /// Deletes a user or service account for good: the record is marked deleted (kept for the audit
    /// log), its login sessions end, its tokens of `tokenKind` are deleted and its credentials are
    /// deactivated. Run it inside a transaction.
    func retire(_ user: UserRecord, tokenKind: TokenKind, at date: Date) async throws {
        _ = try await deleteUser(id: user.id, at: date)
        try await deactivateLoginSessions(userId: user.id, at: date)
        for token in try await tokens(userId: user.id, kind: tokenKind) {
            _ = try await deleteToken(id: token.id, at: date)
        }
        for credential in try await credentials(identityId: user.id) where credential.isActive {
            try await setCredentialActive(uuid: credential.uuid, isActive: false)
        }
    }
}
