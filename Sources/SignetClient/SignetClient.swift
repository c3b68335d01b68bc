public import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SignetAPI
import SignetCore

/// A client for Signet, or any server that speaks the Dfns Auth API.
///
/// ```swift
/// let signer = try KeySigner(credentialID: credId, privateKeyPEM: pem)
/// let client = try SignetClient(baseURL: "http://127.0.0.1:8080", organizationID: orgId, authToken: token, signer: signer)
/// let pats = try await client.personalAccessTokens.list()
/// ```
///
/// Requests that change something are signed transparently: with a ``KeySigner`` the client signs
/// the request itself (Fast Auth, one request); otherwise, or with `Configuration.fastAuth` off, it
/// asks for a challenge, has the signer sign it, and sends the request with the resulting
/// `X-DFNS-USERACTION`.
public struct SignetClient: Sendable {
    /// Timeouts, retries and limits.
    public struct Configuration: Sendable {
        /// How long one HTTP request may take.
        public var timeout: Duration
        /// How many times an idempotent read (GET) is tried before giving up on connection
        /// failures and 502/503/504. Signed requests are never retried.
        public var readAttempts: Int
        /// The pause before a retry, multiplied by the attempt number.
        public var retryDelay: Duration
        /// The largest response accepted, in bytes.
        public var maximumResponseSize: Int
        /// Whether changes are signed with Fast Auth (one request; the default, when the signer is a
        /// ``FastAuthSigner``) or with the three-request flow (`/auth/action/init`, `/auth/action`,
        /// the request), which every Dfns-compatible server accepts.
        public var fastAuth = true

        public init(
            timeout: Duration = .seconds(30),
            readAttempts: Int = 3,
            retryDelay: Duration = .milliseconds(200),
            maximumResponseSize: Int = 16 << 20
        ) {
            self.timeout = timeout
            self.readAttempts = readAttempts
            self.retryDelay = retryDelay
            self.maximumResponseSize = maximumResponseSize
        }
    }

    /// The organisation this client acts in.
    public let organizationID: String
    /// The bearer token the client presents.
    public var authToken: String? { transport.authToken }
    let transport: Transport

    /// Creates a client. When `authToken` is given, it must belong to `organizationID` (as the
    /// TypeScript SDK checks), or this throws ``SignetClientError/organizationMismatch(expected:actual:)``.
    public init(
        baseURL: String,
        organizationID: String,
        authToken: String?,
        signer: (any Signer)? = nil,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared
    ) throws {
        if let authToken {
            let actual = try Self.organization(of: authToken)
            guard actual == organizationID else { throw SignetClientError.organizationMismatch(expected: organizationID, actual: actual) }
        }
        self.organizationID = organizationID
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.transport = Transport(
            baseURL: base,
            organizationID: organizationID,
            authToken: authToken,
            signer: signer,
            configuration: configuration,
            httpClient: httpClient
        )
    }

    /// Logs in with a Key credential and returns a client holding the session token (valid 6 hours).
    public static func login(
        baseURL: String,
        organizationID: String,
        username: String,
        signer: any Signer,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared
    ) async throws -> SignetClient {
        let anonymous = try SignetClient(
            baseURL: baseURL,
            organizationID: organizationID,
            authToken: nil,
            configuration: configuration,
            httpClient: httpClient
        )
        let challenge = try await anonymous.auth.createLoginChallenge(username: username)
        let response = try await anonymous.auth.login(
            SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try await signer.sign(challenge))
        )
        return try SignetClient(
            baseURL: baseURL,
            organizationID: organizationID,
            authToken: response.token,
            signer: signer,
            configuration: configuration,
            httpClient: httpClient
        )
    }

    /// The `app_metadata.orgId` (or `tenantId`) of a Dfns-style access token.
    public static func organization(of token: String) throws -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])), let claims = try? JSONValue(parsing: payload)
        else { throw SignetClientError.invalidToken }
        let metadata = claims["https://custom/app_metadata"]
        return metadata?["orgId"]?.stringValue ?? metadata?["tenantId"]?.stringValue
    }

    /// Login, logout, user action signing, and who the caller is.
    /// Calls a route of your own API through Signet's gateway (`signet serve --gateway`), as the
    /// Dfns SDKs call theirs: with the bearer token, and for `signed` requests a user action for
    /// exactly the JSON `body` sent. `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    public func send<Body: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: String,
        _ path: String,
        body: Body?,
        signed: Bool,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        try await transport.send(HTTPMethod(rawValue: method.uppercased()), path, body: body, signed: signed, as: type)
    }

    public var auth: AuthAPI { AuthAPI(transport: transport, organizationID: organizationID) }
    /// Personal access tokens.
    public var personalAccessTokens: PersonalAccessTokensAPI { PersonalAccessTokensAPI(transport: transport) }
    /// Service accounts.
    public var serviceAccounts: ServiceAccountsAPI { ServiceAccountsAPI(transport: transport) }
    /// Users.
    public var users: UsersAPI { UsersAPI(transport: transport) }
    /// Roles ("permissions") and assignments.
    public var permissions: PermissionsAPI { PermissionsAPI(transport: transport) }
    /// User groups: people given roles together.
    public var userGroups: UserGroupsAPI { UserGroupsAPI(transport: transport) }
    /// Policies (`/v2/policies`).
    public var policies: PoliciesAPI { PoliciesAPI(transport: transport) }
    /// Approvals of changes policies hold (`/v2/policy-approvals`).
    public var approvals: ApprovalsAPI { ApprovalsAPI(transport: transport) }
    /// Webhooks and their delivery attempts.
    public var webhooks: WebhooksAPI { WebhooksAPI(transport: transport) }
    /// The organisation's token policy.
    public var organization: OrganizationAPI { OrganizationAPI(transport: transport) }
    /// The caller's credentials and key rotation.
    public var credentials: CredentialsAPI { CredentialsAPI(transport: transport) }
    /// The audit log.
    public var auditLogs: AuditLogsAPI { AuditLogsAPI(transport: transport) }
}
