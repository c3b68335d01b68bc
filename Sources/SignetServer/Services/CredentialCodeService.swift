import Foundation
import JWTKit
import SignetAPI
import SignetCore
import SignetStore

/// Adding a credential from another device with a one-time code (Dfns' "create credential with
/// code" flow): a signed-in person asks for a code (`POST /auth/credentials/code`, signed); the
/// new device, with no access token, trades the code for a challenge (`…/code/init`, which uses
/// the code up) and answers it with the new credential (`…/code/verify`). Codes follow the
/// registration codes' rules: 128 random bits, stored only as a digest, single use, an hour at most.
struct CredentialCodeService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let passkeys: PasskeyService
    let credentials: CredentialService
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    /// The longest a code may live.
    static let maximumLifetime: TimeInterval = 3600
    /// The one refusal of a code, whatever is wrong with it (unknown, used, expired, a user no
    /// longer active), so a guess learns nothing.
    static let refused = APIError.unauthorized("the code is not valid: it is unknown, used or expired; ask for a new one")

    /// `POST /auth/credentials/code`: only a person's login session (a code adds a credential that
    /// can do everything the person can).
    func create(_ request: CreateCredentialCodeRequest, caller: Caller) async throws -> CredentialCode {
        guard caller.isUserLogin else {
            throw APIError.forbidden("codes add credentials to people: ask for one from a person's login session, not as \(caller.errorName)")
        }
        let lifetime = request.expiration.timeIntervalSince(now())
        guard lifetime > 0, lifetime <= Self.maximumLifetime else {
            throw APIError.invalid("expiration", "field 'expiration' must be in the future and at most an hour away")
        }
        let code = RegistrationService.newCode()
        let row = CredentialCodeRow(
            digest: TokenDigest.of(code),
            orgId: caller.orgId,
            userId: caller.userId,
            expiresAt: request.expiration,
            createdAt: now()
        )
        try await store.insertCredentialCode(row)
        return CredentialCode(code: code, expiration: request.expiration)
    }

    /// `POST /auth/credentials/code/init`: uses the code up and issues the new credential's challenge.
    func initiate(_ request: CreateCredentialChallengeWithCodeRequest) async throws -> CredentialChallenge {
        try CredentialService.requireSupported(request.credentialKind)
        guard request.code.utf8.count <= 100, let row = try await store.consumeCredentialCode(digest: TokenDigest.of(request.code), at: now()),
            let user = try await person(row.userId, orgId: row.orgId)
        else { throw Self.refused }
        let challenge = try await challenges.issue(purpose: .credentialCode, user: user, tokenId: nil, credentials: [])
        if request.credentialKind == .fido2 {
            _ = try passkeys.requireRelyingParty()
            return try await passkeys.creationOptions(for: user, challenge: challenge)
        }
        return CredentialChallenge(
            kind: .key,
            user: CredentialChallenge.User(id: user.id, displayName: user.name, name: user.username),
            challengeIdentifier: challenge.challengeIdentifier,
            challenge: challenge.challenge,
            pubKeyCredParams: COSEKey.supportedAlgorithms.map { CredentialChallenge.PublicKeyCredentialParameter(alg: $0) }
        )
    }

    /// `POST /auth/credentials/code/verify`: the new credential, for the person the code was theirs.
    func verify(_ request: CreateCredentialRequest) async throws -> Credential {
        try CredentialService.requireSupported(request.credentialKind)
        let refuse = { (reason: String) in APIError.forbidden("the credential challenge is not valid: \(reason)") }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(request.challengeIdentifier, audience: .challenge)
        } catch {
            throw refuse(error.description)
        }
        guard let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == .credentialCode else {
            throw refuse("it was not issued by POST /auth/credentials/code/init")
        }
        guard let user = try await person(challenge.userId, orgId: challenge.orgId) else { throw refuse("its user is no longer active") }
        return try await credentials.register(request, challenge: challenge, user: user, identityId: user.id)
    }

    /// The user, when an active person of the organisation.
    private func person(_ userId: String, orgId: String) async throws -> UserRecord? {
        guard let user = try await store.user(id: userId), ExactText.equals(user.orgId, orgId), user.isActive, !user.isDeleted,
            !user.isServiceAccount
        else { return nil }
        return user
    }
}
