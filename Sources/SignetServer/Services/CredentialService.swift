import Foundation
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// The caller's credentials, and key rotation: a new Key credential is added with a user action
/// signed by a current key, then the old one is deactivated. The bearer token does not change.
///
/// "The caller" is the signing identity: a PAT manages its own keys, a service account its own,
/// a person theirs.
struct CredentialService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let passkeys: PasskeyService
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    /// Credential challenges count as signed writes of the token (``AbuseLimits``).
    var limiter = AbuseLimiter.unlimited

    func list(caller: Caller) async throws -> ListResponse<Credential> {
        ListResponse(items: try await store.credentials(identityId: caller.signingIdentityId).map(Self.present))
    }

    /// `POST /auth/credentials/init`: a Key challenge, or a person's passkey creation options.
    func initiate(_ request: CreateCredentialChallengeRequest, caller: Caller) async throws -> CredentialChallenge {
        try limiter.admitWrite(tokenId: caller.token.id)
        switch request.kind {
        case .key:
            let challenge = try await challenges.issue(purpose: .credential, user: caller.user, tokenId: caller.token.id, credentials: [])
            return CredentialChallenge(
                kind: .key,
                user: CredentialChallenge.User(id: caller.signingIdentityId, displayName: caller.user.name, name: caller.user.username),
                challengeIdentifier: challenge.challengeIdentifier,
                challenge: challenge.challenge,
                pubKeyCredParams: COSEKey.supportedAlgorithms.map { CredentialChallenge.PublicKeyCredentialParameter(alg: $0) }
            )
        case .recoveryKey:
            try Self.requirePersonForRecoveryKey(caller)
            let challenge = try await challenges.issue(purpose: .credential, user: caller.user, tokenId: caller.token.id, credentials: [])
            return CredentialChallenge(
                kind: .recoveryKey,
                user: CredentialChallenge.User(id: caller.userId, displayName: caller.user.name, name: caller.user.username),
                challengeIdentifier: challenge.challengeIdentifier,
                challenge: challenge.challenge,
                pubKeyCredParams: COSEKey.supportedAlgorithms.map { CredentialChallenge.PublicKeyCredentialParameter(alg: $0) }
            )
        case .fido2:
            try PasskeyService.requirePerson(caller)
            _ = try passkeys.requireRelyingParty()
            let challenge = try await challenges.issue(purpose: .credential, user: caller.user, tokenId: caller.token.id, credentials: [])
            return try await passkeys.creationOptions(for: caller.user, challenge: challenge)
        default:
            throw APIError.badRequest("kind '\(request.kind.rawValue)' is not supported; Signet registers Key, Fido2 and RecoveryKey credentials")
        }
    }

    /// `POST /auth/credentials` (signed): verifies the new key's attestation and adds the credential.
    func create(_ request: CreateCredentialRequest, caller: Caller) async throws -> Credential {
        if request.credentialKind == .fido2 { try PasskeyService.requirePerson(caller) }
        if request.credentialKind == .recoveryKey { try Self.requirePersonForRecoveryKey(caller) }
        try Self.requireSupported(request.credentialKind)
        let challenge = try await credentialChallenge(request.challengeIdentifier, caller: caller)
        return try await register(request, challenge: challenge, user: caller.user, identityId: caller.signingIdentityId, tokenId: caller.token.id)
    }

    /// Refuses the kinds Signet does not register.
    static func requireSupported(_ kind: CredentialKind) throws {
        guard kind == .key || kind == .fido2 || kind == .recoveryKey else {
            throw APIError.badRequest(
                "credentialKind '\(kind.rawValue)' is not supported; Signet registers Key, Fido2 and RecoveryKey credentials"
            )
        }
    }

    /// A recovery key recovers a person's account: only a person adds one, from their own login session.
    static func requirePersonForRecoveryKey(_ caller: Caller) throws {
        guard caller.isUserLogin else {
            throw APIError.forbidden("recovery keys belong to people: add one from a user's login session, not as \(caller.errorName)")
        }
    }

    /// The longest `encryptedPrivateKey` kept, in bytes.
    static let maximumEncryptedKeyBytes = 16_384

    /// Verifies the new credential's attestation against `challenge`, uses the challenge up, and
    /// adds the credential to `identityId` (a passkey only ever to `user`, a person). The insert
    /// holds the identity's credential lock (as deactivation and recovery do) and happens only if
    /// the token behind the request (`tokenId`) is still active then: a credential cannot slip in
    /// after a recovery or a revocation that ended that token.
    func register(
        _ request: CreateCredentialRequest,
        challenge: ChallengeRecord,
        user: UserRecord,
        identityId: String,
        tokenId: String
    ) async throws -> Credential {
        let name = try Validate.name(request.credentialName, field: "credentialName")
        let used = APIError.forbidden("the credential challenge is not valid: it has already been used or has expired; ask for a new one")
        let credential: CredentialRecord
        if request.credentialKind == .fido2 {
            credential = try await passkeys.register(request.credentialInfo, name: name, challenge: challenge, user: user)
            guard try await store.consumeChallenge(id: challenge.id, at: now()) else { throw used }
        } else {
            let credId = request.credentialInfo.credId
            try Validate.credId(credId)
            let sealed = try Self.encryptedKey(request)
            let publicKey = try await Validate.newKey(request.credentialInfo, challenge: challenge, orgId: user.orgId, store: store)
            guard try await store.consumeChallenge(id: challenge.id, at: now()) else { throw used }
            var record = CredentialRecord(
                uuid: Identifier.make(.credential),
                orgId: user.orgId,
                credentialId: credId,
                identityId: identityId,
                kind: request.credentialKind,
                name: name,
                publicKeyPEM: publicKey.pemRepresentation,
                fingerprint: publicKey.fingerprint,
                algorithm: publicKey.algorithm,
                createdAt: now()
            )
            record.encryptedPrivateKey = sealed
            credential = record
        }
        try await store.transaction { store in
            try await store.lock("credentials:\(user.id)")
            guard let token = try await store.token(id: tokenId), token.isActive, !token.isDeleted else {
                throw APIError.unauthorized("Not Authorized: the session behind this request has ended")
            }
            try await store.insertCredential(credential)
            let data = WebhookEventData(requester: .init(userId: user.id, tokenId: tokenId), credential: Events.credential(credential))
            try await Events.record(.credentialCreated, orgId: user.orgId, data: data, in: store, at: now())
        }
        return Self.present(credential)
    }

    /// A RecoveryKey's `encryptedPrivateKey` (at most 16 KiB, printable ASCII), refused for other kinds.
    static func encryptedKey(_ request: CreateCredentialRequest) throws -> String? {
        guard let sealed = request.encryptedPrivateKey else { return nil }
        guard request.credentialKind == .recoveryKey else {
            throw APIError.invalid("encryptedPrivateKey", "field 'encryptedPrivateKey' is only for RecoveryKey credentials")
        }
        guard !sealed.isEmpty, sealed.utf8.count <= maximumEncryptedKeyBytes, sealed.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw APIError.invalid(
                "encryptedPrivateKey",
                "field 'encryptedPrivateKey' must be 1 to \(maximumEncryptedKeyBytes) printable ASCII characters"
            )
        }
        return sealed
    }

    /// `PUT /auth/credentials/activate` and `…/deactivate` (signed). The last active credential of
    /// an identity cannot be deactivated: nothing could sign for it any more.
    func setActive(_ request: CredentialUuidRequest, _ isActive: Bool, caller: Caller) async throws -> MessageResponse {
        let identityId = caller.signingIdentityId
        let credential = try await ownCredential(request.credentialUuid, caller: caller)
        guard credential.isActive != isActive else {
            return MessageResponse(message: "credential \(credential.uuid) is already \(isActive ? "active" : "inactive")")
        }
        try await store.transaction { store in
            // Serialised per identity on every node: two concurrent deactivations must not both
            // see the other credential still active.
            try await store.lock("credentials:\(identityId)")
            try await store.setCredentialActive(uuid: credential.uuid, isActive: isActive)
            // The event is part of the change: a refusal below rolls both back.
            var changed = credential
            changed.isActive = isActive
            let data = WebhookEventData(requester: Events.requester(caller), credential: Events.credential(changed))
            try await Events.record(isActive ? .credentialReactivated : .credentialDeactivated, orgId: caller.orgId, data: data, in: store, at: now())
            guard !isActive else { return }
            if try await store.credentials(identityId: identityId).allSatisfy({ !$0.isActive || $0.kind == .recoveryKey }) {
                throw APIError.conflict("credential \(credential.uuid) is the last active credential; add another before deactivating it")
            }
            // A credential deactivated (because it leaked, say) ends the sessions it opened.
            try await store.deactivateLoginSessions(credentialUuid: credential.uuid, at: now())
        }
        return MessageResponse(message: "credential \(credential.uuid) \(isActive ? "activated" : "deactivated")")
    }

    /// `DELETE /auth/credentials/{credentialUuid}` (signed): deletes one of the caller's credentials
    /// for good (it stays, inactive, for the audit log), never the last active one.
    func delete(_ credentialUuid: String, caller: Caller) async throws -> EmptyResponse {
        let identityId = caller.signingIdentityId
        let credential = try await ownCredential(credentialUuid, caller: caller)
        try await store.transaction { store in
            try await store.lock("credentials:\(identityId)")
            guard let deleted = try await store.deleteCredential(uuid: credential.uuid) else {
                throw APIError.notFound("credential \(credential.uuid) not found")
            }
            let data = WebhookEventData(requester: Events.requester(caller), credential: Events.credential(deleted))
            try await Events.record(.credentialDeleted, orgId: caller.orgId, data: data, in: store, at: now())
            if try await store.credentials(identityId: identityId).allSatisfy({ !$0.isActive || $0.kind == .recoveryKey }) {
                throw APIError.conflict("credential \(credential.uuid) is the last active credential; add another before deleting it")
            }
            try await store.deactivateLoginSessions(credentialUuid: credential.uuid, at: now())
        }
        return EmptyResponse()
    }

    /// `POST /auth/service-accounts/credentials`: the calling service account adds a Key credential
    /// from a public key alone (as it was created: its signed user action proves it holds one of its
    /// current keys), so its key can be rotated with overlap.
    /// Its route admits service accounts only (``EndpointCallers/serviceAccount``).
    func addKey(_ request: CreateServiceAccountCredentialRequest, caller: Caller) async throws -> Credential {
        let publicKey = try Validate.publicKey(request.publicKey)
        let name = try Validate.name(request.name ?? caller.user.name)
        try await Validate.keyIsNew(publicKey, orgId: caller.orgId, store: store)
        let credential = CredentialRecord.key(orgId: caller.orgId, identityId: caller.user.id, name: name, publicKey: publicKey, createdAt: now())
        try await store.transaction { store in
            try await store.insertCredential(credential)
            let data = WebhookEventData(requester: Events.requester(caller), credential: Events.credential(credential))
            try await Events.record(.credentialCreated, orgId: caller.orgId, data: data, in: store, at: now())
        }
        return Self.present(credential)
    }

    /// One of the caller's own live credentials, or a 404 (the same whether it exists elsewhere or not).
    private func ownCredential(_ uuid: String, caller: Caller) async throws -> CredentialRecord {
        guard Identifier.isWellFormed(uuid, prefix: .credential), let credential = try await store.credential(uuid: uuid),
            credential.identityId == caller.signingIdentityId, !credential.isDeleted
        else { throw APIError.notFound("credential \(TextRules.escaped(uuid)) not found") }
        return credential
    }

    /// The challenge `POST /auth/credentials/init` issued to this caller, or a 403.
    private func credentialChallenge(_ identifier: String, caller: Caller) async throws -> ChallengeRecord {
        let refuse = { (reason: String) in APIError.forbidden("the credential challenge is not valid: \(reason)") }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(identifier, audience: .challenge)
        } catch {
            throw refuse(error.description)
        }
        guard let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == .credential,
            challenge.tokenId == caller.token.id, challenge.orgId == caller.orgId
        else { throw refuse("it was not issued to this caller by POST /auth/credentials/init") }
        return challenge
    }

    static func present(_ credential: CredentialRecord) -> Credential {
        var presented = Credential(
            kind: credential.kind,
            credentialId: credential.credentialId,
            credentialUuid: credential.uuid,
            dateCreated: credential.createdAt,
            isActive: credential.isActive,
            name: credential.name,
            publicKey: credential.publicKeyPEM,
            relyingPartyId: credential.relyingPartyId,
            origin: credential.origin
        )
        if credential.kind == .fido2 {
            presented.backupEligible = credential.backupEligible
            presented.backedUp = credential.backedUp
            presented.isFlagged = credential.isFlagged
        }
        return presented
    }
}
