import Foundation

/// What a Signet server is configured with. The defaults are the production values.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Loopback by default: exposing Signet is a deliberate act.
    public var host: String
    /// The port to listen on.
    public var port: Int
    /// The `iss` of every token.
    public var issuer: String
    /// How long a login session's token lives (Dfns: 6 hours).
    public var loginTokenLifetime: TimeInterval
    /// How long a challenge may wait for its signature.
    public var challengeLifetime: TimeInterval
    /// How long a signed user action may wait to be used (at most 5 minutes).
    public var userActionLifetime: TimeInterval
    /// The longest a PAT may live, in days (Dfns: 730), and the lifetime of one created without one.
    public var maximumTokenLifetimeDays: Int
    /// Whether to cache what authorises requests (see the README on several nodes). Off, every
    /// request reads its token, user and permissions from the database.
    public var authorizationCache: Bool

    public init(
        host: String = "127.0.0.1", port: Int = 8080, issuer: String = "signet", loginTokenLifetime: TimeInterval = 6 * 3600,
        challengeLifetime: TimeInterval = 5 * 60, userActionLifetime: TimeInterval = 5 * 60, maximumTokenLifetimeDays: Int = 730,
        authorizationCache: Bool = true
    ) {
        self.host = host
        self.port = port
        self.issuer = issuer
        self.loginTokenLifetime = loginTokenLifetime
        self.challengeLifetime = challengeLifetime
        self.userActionLifetime = min(userActionLifetime, 5 * 60)
        self.maximumTokenLifetimeDays = maximumTokenLifetimeDays
        self.authorizationCache = authorizationCache
    }
}
