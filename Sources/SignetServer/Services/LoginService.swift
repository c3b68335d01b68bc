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

    /// One answer for every way a login can fail before a signature is checked, so the response
    /// does not tell a stranger which usernames exist or are active.
    static let refused = APIError.unauthorized(
        "login failed: unknown organisation or username, deactivated user, or no active Key credential")

    /// `POST /auth/login/init`.
    func initiate(_ request: LoginChallengeRequest) async throws -> UserActionChallenge {
        guard let username = request.username?.trimmingCharacters(in: .whitespaces), !username.isEmpty,
            username.utf8.count <= 254
        else { throw APIError.badRequest("field 'username' is required (the user's email)") }
        guard let orgId = request.orgId, !orgId.isEmpty else {
            throw APIError.badRequest("field 'orgId' is required")
        }
        guard let user = try await store.user(orgId: orgId, username: username), user.isActive, !user.isServiceAccount
        else { throw Self.refused }
        let credentials = try await store.credentials(identityId: user.id).filter { $0.isActive && $0.kind == .key }
        guard !credentials.isEmpty else { throw Self.refused }
        return try await challenges.issue(purpose: .login, user: user, tokenId: nil, credentials: credentials)
    }

    /// `POST /auth/login`: verifies the signed challenge and opens a 6-hour session.
    func login(_ answer: SignedChallenge) async throws -> LoginResponse {
        let verified = try await challenges.verify(
            answer, purpose: .login, tokenId: nil, refuse: { APIError.unauthorized("login failed: \($0)") })
        guard let user = try await store.user(id: verified.challenge.userId), user.isActive, !user.isDeleted else {
            throw Self.refused
        }
        let now = Date()
        let id = Identifier.make(.loginSession)
        let expiresAt = now.addingTimeInterval(lifetime)
        let token = try await tokens.mint(
            audience: .access, id: id, username: user.username,
            metadata: AppMetadata(userId: user.id, orgId: user.orgId, tokenKind: .login), issuedAt: now, expiresAt: expiresAt)
        try await store.insertToken(
            AccessTokenRecord(
                id: id, orgId: user.orgId, kind: .login, userId: user.id, credentialUuid: verified.credential.uuid,
                name: "login", tokenDigest: TokenDigest.of(token), createdAt: now, expiresAt: expiresAt))
        return LoginResponse(token: token)
    }

    /// `PUT /auth/logout`: ends this session, or all the user's sessions.
    func logout(_ request: LogoutRequest, caller: Caller) async throws -> MessageResponse {
        guard caller.token.kind == .login else {
            throw APIError.badRequest(
                "logout ends login sessions; end a personal access token with PUT /auth/pats/{tokenId}/deactivate")
        }
        let now = Date()
        if request.allSessions == true {
            try await store.deactivateLoginSessions(userId: caller.userId, at: now)
        } else {
            var token = caller.token
            token.isActive = false
            token.updatedAt = now
            try await store.updateToken(token)
        }
        return MessageResponse(message: "logged out")
    }
}
