import Foundation
import JWTKit
import Logging
import SignetAPI
import SignetCore
import SignetStore

extension RecoveryService {
    /// `POST /auth/recover/user` with the temporary token as bearer: the recovery key's signature
    /// over `newCredentials`, then, in one transaction, the challenge and the code used up, every
    /// credential of the person deactivated (the recovery key too), the new ones added (the first
    /// factor, and a new recovery key when given), every login session ended, every PAT deleted,
    /// and every outstanding code of theirs (registration, recovery, credential) deleted.
    func recover(_ body: RawBody, temporaryToken: String) async throws -> RegisterResponse {
        let request = try RequestBody.decode(RecoverRequest.self, from: body.bytes)
        guard let newCredentials = (try? JSONValue(parsing: body.bytes))?["newCredentials"] else {
            throw APIError.invalid("newCredentials", "field 'newCredentials' is required")
        }
        guard request.newCredentials.secondFactorCredential == nil else {
            throw APIError.badRequest("secondFactorCredential is not supported; recover with a firstFactorCredential (and a recoveryCredential)")
        }
        guard request.recovery.kind == .recoveryKey else {
            throw APIError.invalid("recovery.kind", "field 'recovery.kind' must be RecoveryKey")
        }
        let challenge = try await recoveryChallenge(temporaryToken)
        guard let user = try await store.user(id: challenge.userId), user.isActive, !user.isDeleted, !user.isServiceAccount else {
            throw Self.refused
        }
        try await verify(request.recovery.credentialAssertion, over: newCredentials, challenge: challenge, user: user)
        let credential = try await newCredential(request.newCredentials.firstFactorCredential, challenge: challenge, user: user)
        var credentials = [credential]
        if let next = request.newCredentials.recoveryCredential {
            credentials.append(try await newRecoveryKey(next, challenge: challenge, user: user))
        }
        try await replaceEverything(
            of: user,
            with: credentials,
            recovery: request.recovery.credentialAssertion,
            challenge: challenge
        )
        logger.notice(
            "account recovered: every other credential of the person deactivated, every login session ended, every PAT and outstanding code deleted",
            metadata: ["user": "\(user.id)", "credential": "\(credential.uuid)"]
        )
        return RegisterResponse(
            credential: .init(uuid: credential.uuid, kind: credential.kind, name: credential.name),
            user: .init(id: user.id, username: user.username, orgId: user.orgId)
        )
    }

    /// The recovery challenge the temporary token names, unused and unexpired, or the one refusal.
    private func recoveryChallenge(_ token: String) async throws -> ChallengeRecord {
        guard let claims = try? await tokens.verify(token, audience: .challenge),
            let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == .recovery,
            ExactText.equals(challenge.orgId, claims.sub.value), challenge.usedAt == nil, challenge.expiresAt > now()
        else {
            throw APIError.unauthorized("Not Authorized: send the temporaryAuthenticationToken of POST /auth/recover/user/init as the bearer token")
        }
        return challenge
    }

    /// The recovery key's signature: by a key the challenge allows, over `clientData` whose challenge
    /// is the base64url of JSON equal (as values, strings by scalars) to `newCredentials`. A wrong
    /// one counts against the challenge.
    private func verify(_ assertion: CredentialAssertion, over newCredentials: JSONValue, challenge: ChallengeRecord, user: UserRecord) async throws {
        do {
            guard let key = try await recoveryKey(named: assertion.credId, of: user),
                challenge.allowedCredentialIds.contains(where: { ExactText.equals($0, key.credentialId) }),
                let publicKey = try? PublicKey(pem: key.publicKeyPEM)
            else { throw APIError.unauthorized("the recovery credential is not one this challenge allows") }
            guard let clientData = Base64URL.decode(assertion.clientData),
                let signed = (try? JSONValue(parsing: clientData))?["challenge"]?.stringValue,
                let bytes = Base64URL.decode(signed), let value = try? JSONValue(parsing: bytes), value == newCredentials
            else {
                throw APIError.unauthorized("the recovery key did not sign these newCredentials (clientData.challenge must be their base64url JSON)")
            }
            do {
                _ = try KeyAssertion.verify(
                    clientData: assertion.clientData,
                    signature: assertion.signature,
                    algorithmHint: assertion.algorithm,
                    publicKey: publicKey,
                    expectedChallenge: signed
                )
            } catch {
                throw APIError.unauthorized("the recovery key's signature is not valid: \(error.description)")
            }
        } catch let error as APIError {
            try await store.recordChallengeFailure(id: challenge.id, at: now())
            throw error
        }
    }

    /// The new credential, attested for the recovery challenge as at registration.
    private func newCredential(_ submitted: RegistrationCredential, challenge: ChallengeRecord, user: UserRecord) async throws -> CredentialRecord {
        let name = try Validate.name(submitted.credentialName ?? (submitted.credentialKind == .fido2 ? "Passkey" : "Key"), field: "credentialName")
        switch submitted.credentialKind {
        case .fido2: return try await passkeys.register(submitted.credentialInfo, name: name, challenge: challenge, user: user)
        case .key: return try await registration.key(submitted.credentialInfo, name: name, challenge: challenge, user: user)
        default:
            throw APIError.badRequest(
                "credentialKind '\(submitted.credentialKind.rawValue)' is not supported; recover with a Fido2 or Key credential"
            )
        }
    }

    /// The next recovery key, registered with the recovery (a RecoveryKey attested for the same challenge).
    private func newRecoveryKey(_ submitted: RegistrationCredential, challenge: ChallengeRecord, user: UserRecord) async throws -> CredentialRecord {
        guard submitted.credentialKind == .recoveryKey else {
            throw APIError.invalid("newCredentials.recoveryCredential", "field 'newCredentials.recoveryCredential' must be a RecoveryKey")
        }
        let request = CreateCredentialRequest(
            credentialKind: .recoveryKey,
            credentialInfo: submitted.credentialInfo,
            credentialName: submitted.credentialName ?? "Recovery key",
            challengeIdentifier: "",
            encryptedPrivateKey: submitted.encryptedPrivateKey
        )
        var key = try await registration.key(
            submitted.credentialInfo,
            name: try Validate.name(request.credentialName),
            challenge: challenge,
            user: user
        )
        key.kind = .recoveryKey
        key.encryptedPrivateKey = try CredentialService.encryptedKey(request)
        return key
    }

    /// Everything of the recovery that writes, all or nothing, under the person's credential lock
    /// (which adding and deactivating credentials take too), with the recovery key and the person
    /// checked again inside it: a deactivation that won the race wins.
    private func replaceEverything(
        of user: UserRecord,
        with credentials: [CredentialRecord],
        recovery assertion: CredentialAssertion,
        challenge: ChallengeRecord
    ) async throws {
        let now = self.now()
        try await store.transaction { store in
            try await store.lock("credentials:\(user.id)")
            guard let current = try await store.user(id: user.id), current.isActive, !current.isDeleted,
                let key = try await store.credentials(identityId: user.id).first(where: {
                    $0.kind == .recoveryKey && $0.isActive
                        && (ExactText.equals($0.credentialId, assertion.credId) || ExactText.equals($0.uuid, assertion.credId))
                }),
                try await store.consumeChallenge(id: challenge.id, at: now),
                try await store.consumeRecoveryCode(userId: user.id, digest: challenge.payload ?? "", at: now)
            else { throw Self.refused }
            for old in try await store.credentials(identityId: user.id) where old.isActive {
                try await store.setCredentialActive(uuid: old.uuid, isActive: false)
            }
            for credential in credentials { try await store.insertCredential(credential) }
            try await store.deactivateLoginSessions(userId: user.id, at: now)
            // PATs are deleted, not deactivated: one planted by whoever held the account must not come back.
            for pat in try await store.tokens(userId: user.id, kind: .pat) where !pat.isDeleted {
                _ = try await store.deleteToken(id: pat.id, at: now)
            }
            try await store.deleteOutstandingCodes(userId: user.id)
            try await store.insertUserAction(Self.auditRecord(of: user, key: key, assertion: assertion, challenge: challenge, at: now))
            var used = key
            used.isActive = false  // deactivated above with every other credential
            let data = WebhookEventData(credential: Events.credential(used), user: Events.user(current))
            try await Events.record(.recoveryUsed, orgId: user.orgId, data: data, in: store, at: now)
        }
    }

    /// The recovery in the audit log, as a used user action signed by the recovery key (its
    /// `clientData` carries the new credentials it signed), with the temporary token's kind.
    static func auditRecord(
        of user: UserRecord,
        key: CredentialRecord,
        assertion: CredentialAssertion,
        challenge: ChallengeRecord,
        at now: Date
    ) -> UserActionRecord {
        UserActionRecord(
            id: Identifier.make(.userAction),
            orgId: user.orgId,
            userId: user.id,
            tokenId: challenge.id,
            tokenKind: .temporary,
            credentialUuid: key.uuid,
            challengeId: challenge.id,
            httpMethod: "POST",
            httpPath: "/auth/recover/user",
            payload: "",
            clientData: assertion.clientData,
            signature: assertion.signature,
            createdAt: now,
            expiresAt: now,
            usedAt: now,
            resultStatus: 200
        )
    }
}
