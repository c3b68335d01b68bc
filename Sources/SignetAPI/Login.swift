/// `POST /auth/login/init`.
public struct LoginChallengeRequest: Codable, Sendable, Equatable {
    /// The user's username (their email).
    public var username: String?
    /// The organisation.
    public var orgId: String?

    /// Creates the request.
    public init(username: String, orgId: String) {
        self.username = username
        self.orgId = orgId
    }
}

/// `POST /auth/login`'s answer.
public struct LoginResponse: Codable, Sendable, Equatable {
    /// The login session's access token (6 hours).
    public var token: String

    /// Creates the response.
    public init(token: String) { self.token = token }
}

/// `PUT /auth/logout`.
public struct LogoutRequest: Codable, Sendable, Equatable {
    /// End every login session of the user, not just this one.
    public var allSessions: Bool?

    /// Creates the request.
    public init(allSessions: Bool? = nil) { self.allSessions = allSessions }
}
