import Foundation
import SignetAPI
import SignetCore
import SignetStore

extension PasskeyService {
    /// Flags a passkey as a possible clone: deactivated (first, so nothing later can leave it usable),
    /// its sessions ended, the refused ceremony in the audit log. Returns the refusal to throw.
    func flag(
        _ credential: CredentialRecord,
        _ assertion: CredentialAssertion,
        _ challenge: ChallengeRecord,
        _ reason: String,
        _ refuse: (String) -> APIError
    ) async throws -> APIError {
        try await store.flagCredential(uuid: credential.uuid)
        // Then, together: its sessions end, the audit record and the webhook event are written.
        try await store.transaction { store in
            try await store.deactivateLoginSessions(credentialUuid: credential.uuid, at: now())
            try await recordFlag(credential, assertion: assertion, challenge: challenge, reason: reason, in: store)
            var flagged = credential
            flagged.isActive = false
            let data = WebhookEventData(credential: Events.credential(flagged))
            try await Events.record(.credentialCounterRegression, orgId: credential.orgId, data: data, in: store, at: now())
        }
        return refuse(
            Self.possibleClone + "\(reason); the passkey \(credential.uuid) is deactivated until you (or an administrator) "
                + "re-enable it with another credential (PUT /auth/credentials/activate)"
        )
    }

    /// The audit log's record of a passkey flagged as a possible clone: the refused ceremony, with the
    /// assertion as evidence (it never authorises anything: no token names it).
    private func recordFlag(
        _ credential: CredentialRecord,
        assertion: CredentialAssertion,
        challenge: ChallengeRecord,
        reason: String,
        in store: any SignetStore
    )
        async throws
    {
        let now = self.now()
        let event = ["event": "PasskeyFlagged", "credentialUuid": credential.uuid, "reason": reason + "; the passkey is deactivated"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var record = UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: credential.orgId,
            userId: credential.identityId,
            tokenId: challenge.tokenId ?? "",
            tokenKind: .login,
            credentialUuid: credential.uuid,
            challengeId: challenge.id,
            httpMethod: "POST",
            httpPath: challenge.purpose == .login ? "/auth/login" : "/auth/action",
            payload: String(decoding: try encoder.encode(event), as: UTF8.self),
            clientData: assertion.clientData,
            signature: assertion.signature,
            createdAt: now,
            expiresAt: now,
            usedAt: now,
            resultStatus: challenge.purpose == .login ? 401 : 403
        )
        record.authenticatorData = assertion.authenticatorData ?? ""
        try await store.insertUserAction(record)
    }
}
