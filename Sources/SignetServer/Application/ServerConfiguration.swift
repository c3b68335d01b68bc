package import Foundation
package import SignetCore

/// What a Signet server is configured with. The defaults are the production values.
package struct ServerConfiguration: Sendable {
    /// The address to listen on. Loopback by default: exposing Signet is a deliberate act.
    package var host: String
    /// The port to listen on.
    package var port: Int
    /// The `iss` of every token.
    package var issuer: String
    /// How long a login session's token lives (Dfns: 6 hours).
    package var loginTokenLifetime: TimeInterval
    /// How long a challenge may wait for its signature.
    package var challengeLifetime: TimeInterval
    /// How long a signed user action may wait to be used (at most 5 minutes).
    package var userActionLifetime: TimeInterval
    /// The longest a PAT may live, in days (Dfns: 730), and the lifetime of one created without one.
    package var maximumTokenLifetimeDays: Int
    /// Whether to cache what authorises requests (see the README on several nodes). Off, every
    /// request reads its token, user and permissions from the database.
    package var authorizationCache: Bool
    /// How long a connection may take to send a request's head, and may stay idle between requests,
    /// before it is closed: a client that trickles a request line cannot hold a connection.
    package var connectionTimeout: Duration
    /// How long a request may take to send its body once its head has arrived (408 after that).
    package var bodyTimeout: Duration
    /// The most connections served at once; further ones wait in the listen backlog.
    package var maximumConnections: Int
    /// How often a node rereads the token-signing keys, so a `signet signing-keys rotate` reaches a
    /// running server even where no change notification announces it (SQLite).
    package var signingKeyPollInterval: Duration
    /// Passkeys: the WebAuthn relying party and its allowed origins. `nil`: Fido2 credentials are
    /// refused with a 400 that says how to configure them.
    package var relyingParty: RelyingParty?
    /// The gateway's routes (`--gateway FILE`), if Signet protects an API of the team's own.
    package var gateway: GatewayConfiguration? = nil
    /// The file `gateway` was read from, read again on `SIGHUP`.
    package var gatewayFile: String? = nil
    /// Where each new registration code is delivered (`--registration-webhook`), if anywhere.
    package var registrationWebhook: RegistrationWebhook? = nil
    /// How webhook events are delivered (retries, timeouts, the delivering node's lease).
    package var webhooks = WebhookSettings()
    /// How long a registration code works (4 hours, as Dfns's emailed codes).
    package var registrationCodeLifetime: TimeInterval = 4 * 3600
    /// Whether signed routes accept Fast Auth (one-request signed writes); `--no-fast-auth` refuses
    /// them with `details.kind = "FastAuthDisabled"`, as Dfns does.
    package var fastAuth = true
    /// How long the authorization cache keeps an entry at most (5 seconds; tests lengthen it).
    package var authorizationCacheLifetime: TimeInterval = 5
    /// How often the tokens' last uses noted in memory are written (``TokenUsageFlusher``).
    package var tokenUsageFlushInterval: TimeInterval = 10
    /// The abuse limits (`--rate-limit`, `--no-rate-limits`): token buckets per client address,
    /// username, organisation and token, per node.
    package var abuseLimits = AbuseLimits()
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); without any,
    /// the client is the connection's peer.
    package var trustedProxies: [IPRange] = []
    /// HTTPS on the API's listener (`--tls-cert`, `--tls-key`); `nil` serves plain HTTP (behind a
    /// proxy that terminates TLS, or on loopback).
    package var tls: ServerTLS? = nil
    /// Whether answers served over TLS carry `Strict-Transport-Security` (off for `--dev`: a
    /// browser would then insist on HTTPS for every port of localhost for a year).
    package var strictTransportSecurity = true
    /// Where `/metrics` listens (`--metrics-port`, `--metrics-host`): off without a port; loopback by default.
    package var metricsHost = "127.0.0.1"
    package var metricsPort: Int? = nil
    /// Called with the metrics listener's bound port (useful with port 0).
    package var onMetricsRunning: @Sendable (Int) async -> Void = { _ in }
    /// The current time, read by every service and the authorization cache. Tests move it instead
    /// of sleeping; a server uses the system clock.
    package var now: @Sendable () -> Date = { Date() }

    package init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        issuer: String = "signet",
        loginTokenLifetime: TimeInterval = 6 * 3600,
        challengeLifetime: TimeInterval = 5 * 60,
        userActionLifetime: TimeInterval = 5 * 60,
        maximumTokenLifetimeDays: Int = 730,
        authorizationCache: Bool = true,
        connectionTimeout: Duration = .seconds(30),
        bodyTimeout: Duration = .seconds(30),
        maximumConnections: Int = 1024,
        signingKeyPollInterval: Duration = .seconds(5),
        relyingParty: RelyingParty? = nil
    ) {
        self.relyingParty = relyingParty
        self.connectionTimeout = connectionTimeout
        self.bodyTimeout = bodyTimeout
        self.maximumConnections = maximumConnections
        self.signingKeyPollInterval = signingKeyPollInterval
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
