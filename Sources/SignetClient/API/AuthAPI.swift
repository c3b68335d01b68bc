import Foundation
public import SignetAPI

/// Login, logout, user action signing, and who the caller is.
public struct AuthAPI: Sendable {
    let transport: Transport
    let organizationID: String

    /// `POST /auth/login/init`.
    public func createLoginChallenge(username: String) async throws -> UserActionChallenge {
        try await transport.send(Endpoints.loginInit, body: LoginChallengeRequest(username: username, orgId: organizationID))
    }

    /// `POST /auth/login`.
    public func login(_ answer: SignedChallenge) async throws -> LoginResponse {
        try await transport.send(Endpoints.login, body: answer)
    }

    /// `PUT /auth/logout`: ends this session, or every session of the user.
    @discardableResult
    public func logout(allSessions: Bool = false) async throws -> MessageResponse {
        try await transport.send(Endpoints.logout, body: LogoutRequest(allSessions: allSessions))
    }

    /// `POST /auth/action/init`, for callers that sign elsewhere (delegated signing).
    public func createUserActionChallenge(_ request: CreateUserActionChallengeRequest) async throws -> UserActionChallenge {
        try await transport.send(Endpoints.actionInit, body: request)
    }

    /// `POST /auth/action`.
    public func signUserActionChallenge(_ answer: SignedChallenge) async throws -> UserActionResponse {
        try await transport.send(Endpoints.action, body: answer)
    }

    /// `GET /auth/whoami` (Signet only): identity, token expiry and effective permissions.
    public func whoami() async throws -> WhoAmI {
        try await transport.send(Endpoints.whoami)
    }
}
