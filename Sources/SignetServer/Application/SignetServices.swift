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
    let serviceAccounts: ServiceAccountService
    let users: UserService
    let roles: RoleService
    let credentials: CredentialService
    let auditLogs: AuditLogService
    let registration: RegistrationService
    /// The dashboard's pages, rendered once.
    let dashboard: DashboardRenderer
    /// The operations the gateway configuration declares (replaced on reload).
    let declaredOperations: DeclaredOperations
    /// Signet in front of the team's own API, when configured.
    let gateway: Gateway?
    let explain: ExplainService
    let verification: VerificationService

    init(configuration: ServerConfiguration, store: any SignetStore, logger: Logger) {
        let now = configuration.now
        let tokens = TokenAuthority(issuer: configuration.issuer, now: configuration.now, reloadSource: { try await store.signingKeys() })
        let cache = AuthorizationCache(
            store: store, enabled: configuration.authorizationCache, timeToLive: configuration.authorizationCacheLifetime, now: now)
        let permissions = PermissionService(cache: cache)
        let passkeys = PasskeyService(store: store, relyingParty: configuration.relyingParty, now: now)
        let challenges = ChallengeService(
            store: store, tokens: tokens, lifetime: configuration.challengeLifetime, passkeys: passkeys, now: now)
        let gatewayConfiguration = NIOLockedValueBox<Gateway?>(nil)
        let userActions = UserActionService(
            store: store, tokens: tokens, challenges: challenges, lifetime: configuration.userActionLifetime, now: now,
            audience: { method, path in
                UserActionService.audience(method: method, path: path, gateway: gatewayConfiguration.withLockedValue { $0 }?.configuration)
            }, fastAuthEnabled: configuration.fastAuth, cache: cache)
        let presenter = TokenPresenter(store: store)
        let userPresenter = UserPresenter(store: store, tokens: presenter)
        let guardrails = AdminGuard(store: store, permissions: permissions)
        let maximumDays = configuration.maximumTokenLifetimeDays
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.tokens = tokens
        self.cache = cache
        self.authenticator = BearerAuthenticator(
            tokens: tokens, cache: cache, store: store, now: now, usage: TokenUsageRecorder(store: store, logger: logger))
        self.permissions = permissions
        self.userActions = userActions
        self.logins = LoginService(
            store: store, tokens: tokens, challenges: challenges, lifetime: configuration.loginTokenLifetime, now: now)
        self.signed = SignedRoutes(userActions: userActions, store: store, logger: logger)
        self.pats = PatService(
            store: store, tokens: tokens, permissions: permissions, presenter: presenter, maximumDays: maximumDays, now: now)
        self.serviceAccounts = ServiceAccountService(
            store: store, tokens: tokens, permissions: permissions, guardrails: guardrails, presenter: userPresenter,
            maximumDays: maximumDays, now: now)
        let registration = RegistrationService(
            store: store, tokens: tokens, challenges: challenges, passkeys: passkeys, permissions: permissions, guardrails: guardrails,
            codeLifetime: configuration.registrationCodeLifetime, webhook: configuration.registrationWebhook, now: now)
        self.registration = registration
        self.users = UserService(
            store: store, permissions: permissions, guardrails: guardrails, presenter: userPresenter, registration: registration, now: now)
        let declaredOperations = DeclaredOperations(configuration.gateway?.operations ?? [])
        self.declaredOperations = declaredOperations
        self.roles = RoleService(
            store: store, permissions: permissions, guardrails: guardrails, declaredOperations: declaredOperations, now: now)
        self.credentials = CredentialService(store: store, tokens: tokens, challenges: challenges, passkeys: passkeys, now: now)
        self.auditLogs = AuditLogService(store: store, permissions: permissions, now: now)
        self.dashboard = DashboardRenderer(relyingPartyId: configuration.relyingParty?.id)
        self.explain = ExplainService(store: store, permissions: permissions, declaredOperations: { declaredOperations.current })
        let (authenticator, signed) = (self.authenticator, self.signed)
        self.verification = VerificationService(authenticator: authenticator, permissions: permissions, userActions: userActions, tokens: tokens)
        self.gateway = configuration.gateway.map { gateway in
            Gateway(
                configuration: gateway, authenticator: authenticator, permissions: permissions, cache: cache, signed: signed,
                store: store, tokens: tokens, declaredOperations: declaredOperations, now: now,
                bodyTimeout: configuration.bodyTimeout, logger: logger)
        }
        gatewayConfiguration.withLockedValue { $0 = self.gateway }
        Self.reloadSigningKeysOnChange(store: store, tokens: tokens, cache: cache, logger: logger)
    }

    /// When the signing keys change (a rotation on this node, another node, or found by
    /// ``SigningKeyPoller``), load them and empty the cache: callers verified under the old keys are
    /// checked again under the new ones.
    private static func reloadSigningKeysOnChange(
        store: any SignetStore, tokens: TokenAuthority, cache: AuthorizationCache, logger: Logger
    ) {
        store.changes.subscribe { change in
            guard change == .signingKeys else { return }
            Task {
                do {
                    try await tokens.load(try await store.signingKeys())
                } catch {
                    logger.error(
                        "could not reload the token-signing keys; tokens signed by a new key are refused until it loads",
                        metadata: ["error": "\(error)"])
                }
                cache.invalidate()
            }
        }
    }
}
