import Foundation
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// Registration by code: an administrator creates a person (or issues them a new code), the person
/// registers their first credential, a passkey or a key, with the one-time code. Codes are 128
/// random bits, kept only as their digest, single use, and expire (4 hours by default).
struct RegistrationService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let passkeys: PasskeyService
    let permissions: PermissionService
    let guardrails: AdminGuard
    let codeLifetime: TimeInterval
    /// Delivers new codes to the operator's endpoint, when configured.
    let webhook: RegistrationWebhook?
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    /// Registration challenges per username and organisation (``AbuseLimits``).
    var limiter = AbuseLimiter.unlimited

    /// Every wrong, used, replaced or expired code, and every unknown person, gets this one answer.
    static let refused = APIError.unauthorized(
        "the registration code is not valid (wrong, already used, replaced or expired); ask an administrator for a new one"
    )

    /// Gives `user` a new code (the previous one stops working); returns it, to show once.
    func issueCode(for user: UserRecord) async throws -> (code: String, expiresAt: Date) {
        guard let issued = try await Self.issueCode(store: store, userId: user.id, lifetime: codeLifetime, now: now()) else {
            throw APIError.notFound("user \(user.id) not found")
        }
        try await DeferredSingleUse.settleCurrent(in: store)  // written with the code already; never a replay's code
        webhook?.deliver(user: user, code: issued.code, expiresAt: issued.expiresAt)
        return issued
    }

    /// A new code for `userId`, stored as its digest (the previous one stops working); `nil` when
    /// there is no such user. Also used by ``SetupLink`` outside a running server.
    static func issueCode(
        store: any SignetStore,
        userId: String,
        lifetime: TimeInterval,
        now: Date
    ) async throws -> (
        code: String, expiresAt: Date
    )? {
        let code = newCode()
        let expiresAt = now.addingTimeInterval(lifetime)
        guard try await store.setRegistrationCode(userId: userId, digest: TokenDigest.of(code), expiresAt: expiresAt) != nil else {
            return nil
        }
        return (code, expiresAt)
    }

    /// 16 random bytes in base64url, never starting with `-`: a code pasted after `--code` must not
    /// read as an option (one code in 64 did, and `signet register` refused it).
    static func newCode() -> String {
        while true {
            let code = Base64URL.encode(Identifier.randomBytes(16))
            if code.utf8.first != UInt8(ascii: "-") { return code }
        }
    }

    /// `PUT /auth/registration/code` (signed): a new code for a person. The caller must hold every
    /// operation the person holds: a code lets whoever has it add a credential to that account.
    func newCode(_ request: RegistrationCodeRequest, caller: Caller) async throws -> User {
        guard ExactText.equals(request.orgId, caller.orgId), let user = try await store.user(orgId: caller.orgId, username: request.username),
            !user.isServiceAccount, !user.isDeleted
        else { throw APIError.notFound("no person \(TextRules.escaped(request.username)) in organisation \(TextRules.escaped(request.orgId))") }
        try await guardrails.requireCanGrant(
            try await store.permissions(identityId: user.id),
            caller: caller,
            what: "a registration code for \(user.id)"
        )
        // The new code and its event are one commit; the code is mailed only after it.
        let (date, lifetime) = (now(), codeLifetime)
        let (code, expiresAt) = try await store.transaction { store in
            guard let issued = try await Self.issueCode(store: store, userId: user.id, lifetime: lifetime, now: date) else {
                throw APIError.notFound("user \(user.id) not found")
            }
            let data = WebhookEventData(requester: Events.requester(caller), user: Events.user(user))
            try await Events.record(.userInvited, orgId: user.orgId, data: data, in: store, at: date)
            return issued
        }
        try await DeferredSingleUse.settleCurrent(in: store)  // written with the code already; never a replay's code
        webhook?.deliver(user: user, code: code, expiresAt: expiresAt)
        return UserInfo(registering: user, code: code, expiresAt: expiresAt)
    }

    /// `POST /auth/registration/init`: checks the code and answers a challenge for a passkey or a key.
    func initiate(_ request: RegistrationChallengeRequest) async throws -> RegistrationChallenge {
        // No organisation id or email is longer; the limits' keys stay small.
        guard request.orgId.utf8.count <= 128, request.username.utf8.count <= 254 else { throw Self.refused }
        try limiter.admitChallenge(orgId: request.orgId, username: request.username)
        guard let user = try await store.user(orgId: request.orgId, username: request.username), user.isActive, !user.isServiceAccount,
            let code = try await store.registrationCode(userId: user.id), code.expiresAt > now()
        else { throw Self.refused }
        let digest = code.digest
        guard ConstantTime.equals(TokenDigest.of(request.registrationCode), digest) else {
            // A wrong guess counts against the code: it dies at the fifth.
            try await store.recordRegistrationCodeFailure(userId: user.id, digest: digest)
            throw Self.refused
        }
        let challenge = try await challenges.issue(
            purpose: .registration,
            for: .init(orgId: user.orgId, userId: user.id, username: user.username),
            tokenId: nil,
            allowedCredentialIds: [],
            payload: digest
        )
        return try await Self.challengeResponse(for: user, challenge: challenge, store: store, passkeys: passkeys)
    }

    /// The challenge for a person's new credential, in the shape of registration (and recovery).
    static func challengeResponse(
        for user: UserRecord,
        challenge: UserActionChallenge,
        store: any SignetStore,
        passkeys: PasskeyService
    ) async throws -> RegistrationChallenge {
        let existing = try await store.credentials(identityId: user.id).filter { $0.kind == .fido2 }
        let relyingParty = passkeys.relyingParty
        return RegistrationChallenge(
            user: CredentialChallenge.User(id: user.id, displayName: user.name, name: user.username),
            temporaryAuthenticationToken: challenge.challengeIdentifier,
            challenge: challenge.challenge,
            rp: relyingParty.map { RelyingPartyInfo(id: $0.id, name: $0.name) },
            supportedCredentialKinds: SupportedCredentialKinds(firstFactor: relyingParty == nil ? [.key] : [.fido2, .key]),
            authenticatorSelection: relyingParty == nil
                ? nil : AuthenticatorSelection(residentKey: "preferred", requireResidentKey: false, userVerification: "required"),
            attestation: "direct",
            pubKeyCredParams: COSEKey.supportedAlgorithms.map { CredentialChallenge.PublicKeyCredentialParameter(alg: $0) },
            excludeCredentials: existing.map { AllowedCredential(id: $0.credentialId) }
        )
    }

    /// `POST /auth/registration` with the temporary token as bearer: registers the first credential
    /// and uses up the code, both or neither.
    func register(_ request: RegisterRequest, temporaryToken: String) async throws -> RegisterResponse {
        guard request.secondFactorCredential == nil, request.recoveryCredential == nil else {
            throw APIError.badRequest("secondFactorCredential and recoveryCredential are not supported; register one firstFactorCredential")
        }
        let challenge = try await registrationChallenge(temporaryToken)
        guard let user = try await store.user(id: challenge.userId), user.isActive, !user.isDeleted else { throw Self.refused }
        let submitted = request.firstFactorCredential
        let name = try Validate.name(submitted.credentialName ?? (submitted.credentialKind == .fido2 ? "Passkey" : "Key"), field: "credentialName")
        let credential: CredentialRecord
        switch submitted.credentialKind {
        case .fido2: credential = try await passkeys.register(submitted.credentialInfo, name: name, challenge: challenge, user: user)
        case .key: credential = try await key(submitted.credentialInfo, name: name, challenge: challenge, user: user)
        default:
            throw APIError.badRequest("credentialKind '\(submitted.credentialKind.rawValue)' is not supported; register a Fido2 or Key credential")
        }
        let now = self.now()
        do {
            try await store.transaction { store in
                guard try await store.consumeChallenge(id: challenge.id, at: now),
                    try await store.consumeRegistrationCode(userId: user.id, digest: challenge.payload ?? "", at: now)
                else { throw Self.refused }
                try await store.insertCredential(credential)
                var registered = user
                registered.isRegistered = true
                let data = WebhookEventData(credential: Events.credential(credential), user: Events.user(registered))
                try await Events.record(.userRegistered, orgId: user.orgId, data: data, in: store, at: now)
            }
        } catch StoreError.notFound {
            throw Self.refused  // the person was deleted or deactivated meanwhile: nothing was used up
        }
        return RegisterResponse(
            credential: .init(uuid: credential.uuid, kind: credential.kind, name: credential.name),
            user: .init(id: user.id, username: user.username, orgId: user.orgId)
        )
    }

    /// The registration challenge the temporary token names, or the one refusal.
    private func registrationChallenge(_ token: String) async throws -> ChallengeRecord {
        guard let claims = try? await tokens.verify(token, audience: .challenge),
            let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == .registration,
            ExactText.equals(challenge.orgId, claims.sub.value)
        else {
            throw APIError.unauthorized("Not Authorized: send the temporaryAuthenticationToken of POST /auth/registration/init as the bearer token")
        }
        return challenge
    }

    /// A Key credential registered with a code: its attestation verified as for `POST /auth/credentials`.
    func key(_ info: KeyCredentialInfo, name: String, challenge: ChallengeRecord, user: UserRecord) async throws -> CredentialRecord {
        try Validate.credId(info.credId)
        let publicKey = try await Validate.newKey(info, challenge: challenge, orgId: user.orgId, store: store)
        return CredentialRecord(
            uuid: Identifier.make(.credential),
            orgId: user.orgId,
            credentialId: info.credId,
            identityId: user.id,
            name: name,
            publicKeyPEM: publicKey.pemRepresentation,
            fingerprint: publicKey.fingerprint,
            algorithm: publicKey.algorithm,
            createdAt: now()
        )
    }
}

extension UserInfo {
    /// The answer that shows a new registration code once.
    init(registering user: UserRecord, code: String, expiresAt: Date) {
        self.init(
            username: user.username,
            name: user.name,
            userId: user.id,
            kind: user.kind,
            credentialUuid: "",
            orgId: user.orgId,
            permissions: nil,
            isActive: user.isActive,
            isServiceAccount: false,
            isRegistered: user.isRegistered,
            permissionAssignments: [],
            externalId: user.externalId,
            isSSORequired: false
        )
        registrationCode = code
        registrationCodeExpiresAt = expiresAt
    }
}
