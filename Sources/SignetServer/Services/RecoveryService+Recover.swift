import Foundation
import JWTKit
import Logging
import SignetAPI
import SignetCore
import SignetStore

extension RecoveryService {
    /// `POST /auth/recover/user` with the temporary token as bearer: the recovery key's signature
    /// over `newCredentials`, then, in one transaction, the challenge and the code used up, every
    /// credential of the person deactivated (the recovery key too), the new one added, and every
    /// login session and PAT of theirs deactivated.
    func recover(_ body: RawBody, temporaryToken: String) async throws -> RegisterResponse {
        let request = try RequestBody.decode(RecoverRequest.self, from: body.bytes)
        guard let newCredentials = (try? JSONValue(parsing: body.bytes))?["newCredentials"] else {
            throw APIError.invalid("newCredentials", "field 'newCredentials' is required")
        }
        guard request.newCredentials.secondFactorCredential == nil, request.newCredentials.recoveryCredential == nil else {
            throw APIError.badRequest(
                "secondFactorCredential and recoveryCredential are not supported; recover with one firstFactorCredential, then add a recovery key"
            )
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
        try await replaceEverything(of: user, with: credential, challenge: challenge)
        logger.notice(
            "account recovered: every other credential, login session and PAT of the person was deactivated",
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
            guard let clientData = Base64URL.decode(assertion.clientData), let signed = (try? JSONValue(parsing: clientData))?["challenge"]?.stringValue,
                let bytes = Base64URL.decode(signed), let value = try? JSONValue(parsing: bytes), value == newCredentials
            else { throw APIError.unauthorized("the recovery key did not sign these newCredentials (clientData.challenge must be their base64url JSON)") }
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
            throw APIError.badRequest("credentialKind '\(submitted.credentialKind.rawValue)' is not supported; recover with a Fido2 or Key credential")
        }
    }

    /// Everything of the recovery that writes, all or nothing.
    private func replaceEverything(of user: UserRecord, with credential: CredentialRecord, challenge: ChallengeRecord) async throws {
        let now = self.now()
        try await store.transaction { store in
            guard try await store.consumeChallenge(id: challenge.id, at: now),
                try await store.consumeRecoveryCode(userId: user.id, digest: challenge.payload ?? "", at: now)
            else { throw Self.refused }
            for old in try await store.credentials(identityId: user.id) where old.isActive {
                try await store.setCredentialActive(uuid: old.uuid, isActive: false)
            }
            try await store.insertCredential(credential)
            try await store.deactivateLoginSessions(userId: user.id, at: now)
            for pat in try await store.tokens(userId: user.id, kind: .pat) where pat.isActive {
                _ = try await store.setTokenActive(id: pat.id, isActive: false, at: now)
            }
        }
    }
}
