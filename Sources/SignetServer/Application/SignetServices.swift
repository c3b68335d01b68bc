import Foundation
import Logging
import NIOConcurrencyHelpers
import SignetCore
import SignetStore

/// Every service of a Signet server, built once from the configuration and the store: the one
/// place that wires them together. ``buildRouter(services:)`` only adds routes over them, and
/// ``buildApplication(configuration:store:services:logger:onServerRunning:)`` only adds the
/// background services and the HTTP server.
struct SignetServices: Sendable {
    let configuration: ServerConfiguration
    let store: any SignetStore
    let logger: Logger
    /// Mints and verifies Signet's JWTs; its keys are loaded before the server starts.
    let tokens: TokenAuthority
    let cache: AuthorizationCache
    let authenticator: BearerAuthenticator
    let permissions: PermissionService
    let userActions: UserActionService
    let logins: LoginService
    /// Wraps the handlers of routes that need a signed user action.
    let signed: SignedRoutes
    let pats: PatService
    /// Every PAT and service-account token of an organisation, for administrators.
    let tokenInventory: TokenInventoryService
    let serviceAccounts: ServiceAccountService
    let users: UserService
    let roles: RoleService
    let userGroups: UserGroupService
    let policies: PolicyService
    let approvals: ApprovalService
    let webhooks: WebhookService
    let organizationSettings: OrganizationSettingsService
    let credentials: CredentialService
    let credentialCodes: CredentialCodeService
    let auditLogs: AuditLogService
    let registration: RegistrationService
    let recovery: RecoveryService
    /// The dashboard's pages, rendered once.
    let dashboard: DashboardRenderer
    /// The operations the gateway configuration declares (replaced on reload).
    let declaredOperations: DeclaredOperations
    /// Signet in front of the team's own API, when configured.
    let gateway: Gateway?
    let explain: ExplainService
    let verification: VerificationService
    /// The abuse limits' buckets, shared by the middleware and the services.
    let limiter: AbuseLimiter
    /// Loads the signing keys when they change; a service of the application's service group.
    let keyReloader: SigningKeyReloader

    init(configuration: ServerConfiguration, store: any SignetStore, logger: Logger) {
        let parts = ServiceParts(configuration: configuration, store: store, logger: logger)
        self.configuration = configuration
        self.limiter = parts.limiter
        self.store = store
        self.logger = logger
        self.tokens = parts.tokens
        self.cache = parts.cache
        self.authenticator = parts.authenticator()
        self.permissions = parts.permissions
        self.userActions = parts.userActions
        self.logins = parts.logins()
        self.signed = SignedRoutes(userActions: parts.userActions, store: store, logger: logger)
        self.pats = parts.pats()
        self.tokenInventory = TokenInventoryService(store: store, permissions: parts.permissions, presenter: parts.presenter, now: parts.now)
        self.serviceAccounts = parts.serviceAccounts()
        self.registration = parts.registration()
        self.recovery = parts.recovery(registration: registration)
        self.users = parts.users(registration: registration)
        self.declaredOperations = parts.declaredOperations
        self.roles = parts.roles()
        self.userGroups = parts.userGroups()
        self.policies = PolicyService(store: store, gate: parts.policyGate, now: parts.now, routeOperations: parts.routeOperations)
        self.approvals = ApprovalService(
            store: store,
            declaredOperations: parts.declaredOperations,
            now: parts.now,
            forwarding: parts.heldForwarding,
            issuers: TokenIssuers(pats: pats, serviceAccounts: serviceAccounts, permissions: parts.permissions)
        )
        self.webhooks = WebhookService(store: store, settings: configuration.webhooks, now: parts.now)
        self.organizationSettings = OrganizationSettingsService(store: store, serverMaximumDays: configuration.maximumTokenLifetimeDays)
        self.credentials = parts.credentials()
        self.credentialCodes = parts.credentialCodes(credentials: credentials)
        self.auditLogs = AuditLogService(store: store, permissions: parts.permissions, now: parts.now)
        self.dashboard = DashboardRenderer(relyingPartyId: configuration.relyingParty?.id)
        self.explain = parts.explain()
        self.verification = VerificationService(
            authenticator: authenticator,
            permissions: parts.permissions,
            userActions: parts.userActions,
            tokens: parts.tokens,
            limiter: parts.limiter
        )
        self.gateway = parts.gateway(authenticator: authenticator, signed: signed)
        parts.servingGateway(gateway)
        self.keyReloader = SigningKeyReloader(store: store, tokens: parts.tokens, cache: parts.cache, logger: logger)
    }
}
