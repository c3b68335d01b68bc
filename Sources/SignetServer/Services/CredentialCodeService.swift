import Foundation
import JWTKit
import Logging
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
    let logger: Logger
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
        // A minute of slack for a client clock ahead of the server's ("an hour from now").
        guard lifetime > 0, lifetime <= Self.maximumLifetime + 60 else {
            throw APIError.invalid("expiration", "field 'expiration' must be in the future and at most an hour away")
        }
        let code = RegistrationService.newCode()
        let row = CredentialCodeRow(
            digest: TokenDigest.of(code),
            orgId: caller.orgId,
            userId: caller.userId,
            tokenId: caller.token.id,
            expiresAt: request.expiration,
            createdAt: now()
        )
        try await store.insertCredentialCode(row)
        return CredentialCode(code: code, expiration: request.expiration)
    }

    /// `POST /auth/credentials/code/init`: uses the code up and issues the new credential's challenge.
    func initiate(_ request: CreateCredentialChallengeWithCodeRequest) async throws -> CredentialChallenge {
        try Self.requireKind(request.credentialKind)
        if request.credentialKind == .fido2 { _ = try passkeys.requireRelyingParty() }  // before the code is used up
        guard request.code.utf8.count <= 100, let row = try await store.consumeCredentialCode(digest: TokenDigest.of(request.code), at: now()),
            try await sessionIsLive(row.tokenId), let user = try await person(row.userId, orgId: row.orgId)
        else { throw Self.refused }
        // The challenge carries the session that asked for the code: it must still be live at verify.
        let challenge = try await challenges.issue(purpose: .credentialCode, user: user, tokenId: row.tokenId, credentials: [])
        if request.credentialKind == .fido2 { return try await passkeys.creationOptions(for: user, challenge: challenge) }
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
        try Self.requireKind(request.credentialKind)
        let refuse = { (reason: String) in APIError.forbidden("the credential challenge is not valid: \(reason)") }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(request.challengeIdentifier, audience: .challenge)
        } catch {
            throw refuse(error.description)
        }
        guard let challenge = try await store.challenge(id: claims.jti.value), challenge.purpose == .credentialCode,
            ExactText.equals(challenge.orgId, claims.sub.value)
        else { throw refuse("it was not issued by POST /auth/credentials/code/init") }
        guard try await sessionIsLive(challenge.tokenId ?? ""), let user = try await person(challenge.userId, orgId: challenge.orgId) else {
            throw refuse("the session that asked for the code has ended, or its person is no longer active")
        }
        let credential = try await credentials.register(
            request,
            challenge: challenge,
            user: user,
            identityId: user.id,
            tokenId: challenge.tokenId ?? ""
        )
        // Unsigned (the new device has nothing to sign with yet): the log is its record.
        logger.notice(
            "a credential was added with a one-time code",
            metadata: ["user": "\(user.id)", "credential": "\(credential.credentialUuid)", "session": "\(challenge.tokenId ?? "")"]
        )
        return credential
    }

    /// Codes add Key and Fido2 credentials (a recovery key is added from the person's own session).
    private static func requireKind(_ kind: CredentialKind) throws {
        guard kind == .key || kind == .fido2 else {
            throw APIError.badRequest("credentialKind '\(kind.rawValue)' is not supported here; add a Key or Fido2 credential with a code")
        }
    }

    /// Whether the login session that asked for the code is still active and unexpired: a code dies
    /// with its session (a logout, or the deactivation of the credential that opened it).
    private func sessionIsLive(_ tokenId: String) async throws -> Bool {
        guard !tokenId.isEmpty, let token = try await store.token(id: tokenId) else { return false }
        return token.isActive && !token.isDeleted && token.expiresAt > now()
    }

    /// The user, when an active person of the organisation.
    private func person(_ userId: String, orgId: String) async throws -> UserRecord? {
        guard let user = try await store.user(id: userId), ExactText.equals(user.orgId, orgId), user.isActive, !user.isDeleted,
            !user.isServiceAccount
        else { return nil }
        return user
    }
}
