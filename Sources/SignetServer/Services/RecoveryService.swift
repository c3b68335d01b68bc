import Foundation
import JWTKit
import Logging
import SignetAPI
import SignetCore
import SignetStore

/// Account recovery with a RecoveryKey credential (Dfns' "recover user"), for a person who lost
/// every other credential: a recovery code sent through the organisation's registration webhook
/// (`POST /auth/recover/user/code`), a challenge for the new credential once the code checks out
/// (`…/init`), and the recovery (`POST /auth/recover/user`): the recovery key signs the new
/// credentials, which then replace every other credential, login session and PAT of the person,
/// together, on every node (the writes announce an authorization change).
struct RecoveryService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let passkeys: PasskeyService
    let registration: RegistrationService
    let webhook: RegistrationWebhook?
    let logger: Logger
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    var limiter = AbuseLimiter.unlimited

    /// How long a recovery code works.
    static let codeLifetime: TimeInterval = 15 * 60
    /// The one refusal: unknown person, wrong or expired code, a credential that is not their recovery key.
    static let refused = APIError.unauthorized(
        "the recovery was refused: unknown organisation or username, a wrong, used or expired recovery code, or a credential that is not the person's recovery key"
    )

    /// The most unexpired recovery codes a person holds at once: asking for more sends nothing, so a
    /// stranger can neither flood the person's channel nor crowd out the code on its way.
    static let maximumOutstandingCodes = 3

    /// `POST /auth/recover/user/code`: the same answer whatever happened, so nobody learns who exists.
    func sendCode(_ request: SendRecoveryCodeRequest) async throws -> MessageResponse {
        let answer = MessageResponse(message: "If the person exists and holds a recovery key, a recovery code is on its way to them")
        let orgId = request.orgId ?? ""
        guard orgId.utf8.count <= 128, request.username.utf8.count <= 254 else { return answer }
        try limiter.admitChallenge(orgId: orgId, username: request.username)
        guard let user = try await person(orgId: orgId, username: request.username),
            try await store.credentials(identityId: user.id).contains(where: { $0.kind == .recoveryKey && $0.isActive })
        else { return answer }
        let code = RegistrationService.newCode()
        let expiresAt = now().addingTimeInterval(Self.codeLifetime)
        let digest = TokenDigest.of(code)
        guard try await store.addRecoveryCode(userId: user.id, digest: digest, expiresAt: expiresAt, at: now(), keeping: Self.maximumOutstandingCodes)
        else { return answer }
        if let webhook {
            webhook.deliver(user: user, code: code, expiresAt: expiresAt, purpose: .recovery)
        } else {
            logger.warning("a recovery code was asked for, but no registration webhook is configured to deliver it", metadata: ["user": "\(user.id)"])
        }
        return answer
    }

    /// `POST /auth/recover/user/init`: checks the code and issues the challenge. A wrong code
    /// changes nothing (codes hold 128 bits; the per-address limits bound guessing), so nobody can
    /// spend a person's code by guessing wrong on purpose.
    func initiate(_ request: CreateRecoveryChallengeRequest) async throws -> RecoveryChallenge {
        let orgId = request.orgId ?? ""
        guard orgId.utf8.count <= 128, request.username.utf8.count <= 254, request.verificationCode.utf8.count <= 100 else { throw Self.refused }
        try limiter.admitChallenge(orgId: orgId, username: request.username)
        let digest = TokenDigest.of(request.verificationCode)
        guard let user = try await person(orgId: orgId, username: request.username),
            try await store.recoveryCodeIsValid(userId: user.id, digest: digest, at: now()),
            let key = try await recoveryKey(named: request.credentialId, of: user)
        else { throw Self.refused }
        let challenge = try await challenges.issue(
            purpose: .recovery,
            for: .init(orgId: user.orgId, userId: user.id, username: user.username),
            tokenId: nil,
            allowedCredentialIds: [key.credentialId],
            payload: digest
        )
        var registration = try await RegistrationService.challengeResponse(for: user, challenge: challenge, store: store, passkeys: passkeys)
        // The person's passkeys end with the recovery: one still on this device must not block the new one.
        registration.excludeCredentials = []
        return RecoveryChallenge(
            registration: registration,
            allowedRecoveryCredentials: [AllowedRecoveryCredential(id: key.credentialId, encryptedRecoveryKey: key.encryptedPrivateKey)]
        )
    }

    /// An active person of the organisation.
    func person(orgId: String, username: String) async throws -> UserRecord? {
        guard let user = try await store.user(orgId: orgId, username: username), user.isActive, !user.isDeleted, !user.isServiceAccount
        else { return nil }
        return user
    }

    /// The person's active recovery key named by its credentialId or `cr-…` uuid.
    func recoveryKey(named name: String, of user: UserRecord) async throws -> CredentialRecord? {
        try await store.credentials(identityId: user.id).first { credential in
            credential.kind == .recoveryKey && credential.isActive
                && (ExactText.equals(credential.credentialId, name) || ExactText.equals(credential.uuid, name))
        }
    }
}
