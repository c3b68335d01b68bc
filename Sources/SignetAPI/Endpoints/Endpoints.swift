/// Signet's HTTP API, one entry per route: the catalogue ``Endpoint`` describes. Adding a route is
/// an entry here (and in its resource's list, which ``all`` joins), its handler, and its tests;
/// `EndpointCatalogueTests` fails when the router and this list disagree.
///
/// Operations are named as the Dfns API names them (`Auth:Pats:Create`); the server checks a
/// route's operation before its handler runs, after a signed route's user action is used up.
public enum Endpoints {
    /// Every route of the API (the dashboard's pages and assets are not API routes).
    public static let all: [EndpointRule] =
        session + tokens + people + recovery + roles + userGroups + policies + webhooks + organization + records

    // MARK: Sessions and signing

    /// `GET /healthz`: the node answers.
    public static let health = Endpoint<NoBody, MessageResponse>("health", .GET, "/healthz", callers: .anyone, rate: .open)
    /// `GET /.well-known/jwks.json`: the public keys that verify `X-Signet-Identity`.
    public static let jwks = Endpoint<NoBody, RawBody>("jwks", .GET, "/.well-known/jwks.json", callers: .anyone, rate: .open)
    /// `GET /openapi.json` (Signet's): the OpenAPI 3.1 document of these routes (`docs/openapi.json`).
    public static let openAPI = Endpoint<NoBody, RawBody>("openAPI", .GET, "/openapi.json", callers: .anyone, rate: .open)
    /// `POST /auth/login/init`: a login challenge (a bearer token is ignored).
    public static let loginInit = Endpoint<LoginChallengeRequest, UserActionChallenge>(
        "loginInit",
        .POST,
        "/auth/login/init",
        callers: .anyone,
        rate: .authentication
    )
    /// `POST /auth/login`: answers the login challenge; a 6-hour session.
    public static let login = Endpoint<SignedChallenge, LoginResponse>("login", .POST, "/auth/login", callers: .anyone, rate: .authentication)
    /// `PUT /auth/logout`: ends the session (or all of them).
    public static let logout = Endpoint<LogoutRequest, MessageResponse>(
        "logout",
        .PUT,
        "/auth/logout",
        callers: .loginSession,
        rate: .write,
        bodyOptional: true,
        note: "a PAT: 400"
    )
    /// `POST /auth/logout`: the TypeScript SDK 0.5's form of ``logout``.
    public static let logoutPost = Endpoint<LogoutRequest, MessageResponse>(
        "logoutPost",
        .POST,
        "/auth/logout",
        callers: .loginSession,
        rate: .write,
        bodyOptional: true,
        note: "a PAT: 400"
    )
    /// `GET /auth/whoami` (Signet's): who the caller is and what it may do.
    public static let whoami = Endpoint<NoBody, WhoAmI>("whoami", .GET, "/auth/whoami", rate: .read)
    /// `POST /auth/action/init`: a challenge to sign a user action.
    public static let actionInit = Endpoint<CreateUserActionChallengeRequest, UserActionChallenge>(
        "actionInit",
        .POST,
        "/auth/action/init",
        rate: .write
    )
    /// `POST /auth/action`: the signed challenge, for the user action token.
    public static let action = Endpoint<SignedChallenge, UserActionResponse>("action", .POST, "/auth/action", rate: .write)

    static let session: [EndpointRule] = [
        health.rule, jwks.rule, openAPI.rule, loginInit.rule, login.rule, logout.rule, logoutPost.rule, whoami.rule, actionInit.rule, action.rule,
    ]

    // MARK: Records and checks

    /// `GET /auth/action/logs`: the audit log.
    public static let listAuditLogs = Endpoint<NoBody, ListResponse<AuditLog>>(
        "listAuditLogs",
        .GET,
        "/auth/action/logs",
        operation: "Auth:Logs:Read",
        rate: .read
    )
    /// `GET /auth/action/logs/{id}`.
    public static let getAuditLog = Endpoint<NoBody, AuditLog>(
        "getAuditLog",
        .GET,
        "/auth/action/logs/{id}",
        operation: "Auth:Logs:Read",
        rate: .read
    )
    /// `GET /auth/audit/export?paginationToken&limit` (Signet's): the audit log as its hash chain,
    /// oldest first, with the evidence `signet audit verify` checks offline.
    public static let exportAuditLog = Endpoint<NoBody, AuditExportPage>(
        "exportAuditLog",
        .GET,
        "/auth/audit/export",
        operation: "Auth:Logs:Read",
        rate: .read
    )
    /// `GET /auth/permissions/explain?operation=X[&identityId=ID]` (Signet's).
    public static let explain = Endpoint<NoBody, PermissionExplanation>(
        "explain",
        .GET,
        "/auth/permissions/explain",
        rate: .read,
        note: "with identityId: Permissions:Read and Auth:Users:Read"
    )
    /// `POST /oauth2/introspect` (RFC 7662, a form).
    public static let introspect = Endpoint<RawBody, IntrospectionResponse>(
        "introspect",
        .POST,
        "/oauth2/introspect",
        operation: "Auth:Tokens:Introspect",
        callers: .serviceAccount,
        rate: .read
    )
    /// `POST /auth/action/verify` (Signet's): an API checks and uses up its caller's user action.
    public static let verifyAction = Endpoint<RawBody, VerifiedUserAction>(
        "verifyAction",
        .POST,
        "/auth/action/verify",
        operation: "Auth:Actions:Verify",
        rate: .write
    )

    static let records: [EndpointRule] = [listAuditLogs.rule, getAuditLog.rule, exportAuditLog.rule, explain.rule, introspect.rule, verifyAction.rule]
}
