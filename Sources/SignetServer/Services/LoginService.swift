import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Key-credential login and logout.
struct LoginService: Sendable {
    let store: any SignetStore
    let tokens: TokenAuthority
    let challenges: ChallengeService
    let lifetime: TimeInterval
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date
    /// Login challenges per username and organisation (``AbuseLimits``).
    var limiter = AbuseLimiter.unlimited

    /// One answer for every way a login can fail, so the response does not tell a stranger which
    /// usernames exist, are active, or have which credentials.
    static let refused = APIError.unauthorized(
        "login failed: unknown organisation or username, deactivated user, or a credential or signature that was not accepted"
    )

    /// `POST /auth/login/init`.
    ///
    /// An unknown organisation or username, a deactivated user, a service account or a user without
    /// an active credential gets a challenge indistinguishable from a real one: its credential
    /// id is derived from the username with a server secret (the same on every node and every
    /// time), and answering it fails with the same 401 as a wrong signature.
    func initiate(_ request: LoginChallengeRequest) async throws -> UserActionChallenge {
        let username = request.username?.trimmingCharacters(in: .whitespaces) ?? ""
        if username.isEmpty, challenges.passkeys.relyingParty != nil, let orgId = request.orgId, Identifier.isWellFormed(orgId, prefix: .organization)
        {
            // No username: any discoverable passkey of the organisation may answer; its userHandle says whose it is.
            try limiter.admitChallenge(orgId: orgId)
            return try await challenges.issue(
                purpose: .login,
                for: .init(orgId: orgId, userId: "", username: ""),
                tokenId: nil,
                allowedCredentialIds: []
            )
        }
        guard !username.isEmpty, username.utf8.count <= 254 else {
            throw APIError.invalid("username", "field 'username' is required (the user's email), unless you log in with a discoverable passkey")
        }
        guard TextRules.forbiddenScalar(in: username) == nil else {
            throw APIError.invalid("username", "field 'username' must not contain control, format or separator characters")
        }
        guard let orgId = request.orgId, !orgId.isEmpty, orgId.utf8.count <= 128 else {
            throw APIError.invalid("orgId", "field 'orgId' is required")
        }
        // Before anything is looked up or written, and alike for usernames that exist or not.
        try limiter.admitChallenge(orgId: orgId, username: username)
        if let user = try await store.user(orgId: orgId, username: username), user.isActive, !user.isServiceAccount {
            let credentials = try await store.credentials(identityId: user.id).filter(\.isActive)
            let keys = ChallengeService.keyIds(credentials)
            let passkeys = credentials.filter { $0.kind == .fido2 }
            if !keys.isEmpty || !passkeys.isEmpty {
                return try await challenges.issue(
                    purpose: .login,
                    for: .init(orgId: user.orgId, userId: user.id, username: username),
                    tokenId: nil,
                    allowedCredentialIds: keys,
                    passkeys: passkeys
                )
            }
        }
        guard let decoy = LoginDecoy(tokens: tokens, orgId: orgId, username: username) else { throw Self.refused }
        return try await challenges.issue(
            purpose: .login,
            for: .init(orgId: orgId, userId: decoy.userId, username: username),
            tokenId: nil,
            allowedCredentialIds: decoy.listedIds
        )
    }

    /// `POST /auth/login`: verifies the signed challenge and opens a 6-hour session.
    func login(_ answer: SignedChallenge) async throws -> LoginResponse {
        let verified = try await challenges.verify(
            answer,
            purpose: .login,
            tokenId: nil,
            refuse: { reason in
                // Expiry and reuse apply alike to real and decoy challenges; a flagged passkey is told only
                // to whoever signed with it; everything else is one answer.
                reason.hasPrefix("the challenge") || reason.hasPrefix(PasskeyService.possibleClone)
                    ? APIError.unauthorized("login failed: \(reason)") : Self.refused
            }
        )
        // The session and the challenge's use are one commit (a replayed answer opens nothing).
        let token = try await verified.committing(in: store) { try await openSession(for: verified) }
        return LoginResponse(token: token)
    }

    /// Opens the session a verified login answer asks for; returns its token.
    private func openSession(for verified: ChallengeService.Answer) async throws -> String {
        guard let user = try await store.user(id: verified.userId), user.isActive, !user.isDeleted, !user.isServiceAccount else {
            throw Self.refused
        }
        let now = self.now()
        let id = Identifier.make(.loginSession)
        let expiresAt = now.addingTimeInterval(lifetime)
        let token = try await tokens.mint(
            audience: .access,
            id: id,
            username: user.username,
            metadata: AppMetadata(userId: user.id, orgId: user.orgId, tokenKind: .login),
            issuedAt: now,
            expiresAt: expiresAt
        )
        try await store.insertToken(
            AccessTokenRecord(
                id: id,
                orgId: user.orgId,
                kind: .login,
                userId: user.id,
                credentialUuid: verified.credential.uuid,
                name: "login",
                tokenDigest: TokenDigest.of(token),
                createdAt: now,
                expiresAt: expiresAt
            )
        )
        return token
    }

    /// `PUT /auth/logout`: ends this session, or all the user's sessions.
    func logout(_ request: LogoutRequest, caller: Caller) async throws -> MessageResponse {
        guard caller.token.kind == .login else {
            throw APIError.badRequest(
                "logout ends login sessions; end a personal access token with PUT /auth/pats/{tokenId}/deactivate"
            )
        }
        let now = self.now()
        if request.allSessions == true {
            try await store.deactivateLoginSessions(userId: caller.userId, at: now)
        } else {
            _ = try await store.setTokenActive(id: caller.token.id, isActive: false, at: now)
        }
        return MessageResponse(message: "logged out")
    }
}
