import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SignetAPI
import SignetCore
import SignetStore

/// Builds the Signet application: the one composition root for the `signet serve` binary and the tests.
///
/// `services` run in the application's service group (the PostgreSQL pool and change listener).
/// Before the server accepts requests, the store's migrations run and the token-signing keys are
/// loaded.
///
/// `onServerRunning` is called with the port the server listens on, once it does (useful with port 0).
public func buildApplication(
    configuration: ServerConfiguration, store: any SignetStore, services: [any Service] = [],
    logger: Logger = Logger(label: "signet"), onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let (router, tokens) = buildRouter(configuration: configuration, store: store)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.connectionTimeout))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Signet",
            availableConnectionsDelegate: .maximum(configuration.maximumConnections, logger: logger)),
        services: services + [
            StoreJanitor(store: store, logger: logger),
            SigningKeyPoller(store: store, tokens: tokens, interval: configuration.signingKeyPollInterval, logger: logger),
        ],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    app.beforeServerStarts {
        try await store.migrate()
        try await tokens.load(try await store.signingKeys())
    }
    return app
}

/// Builds the router with every route, its services and middleware, and the token authority whose
/// keys must be loaded before the first request.
public func buildRouter(configuration: ServerConfiguration, store: any SignetStore) -> (Router<SignetRequestContext>, TokenAuthority) {
    let tokens = TokenAuthority(issuer: configuration.issuer, reloadSource: { try await store.signingKeys() })
    let cache = AuthorizationCache(store: store, enabled: configuration.authorizationCache)
    store.changes.subscribe { change in
        guard change == .signingKeys else { return }
        Task {
            if let keys = try? await store.signingKeys() { try? await tokens.load(keys) }
            // Callers verified under the old keys are checked again under the new ones.
            cache.invalidate()
        }
    }
    let permissions = PermissionService(cache: cache)
    let challenges = ChallengeService(store: store, tokens: tokens, lifetime: configuration.challengeLifetime)
    let userActions = UserActionService(
        store: store, tokens: tokens, challenges: challenges, lifetime: configuration.userActionLifetime)
    let logins = LoginService(store: store, tokens: tokens, challenges: challenges, lifetime: configuration.loginTokenLifetime)
    let presenter = TokenPresenter(store: store)
    let users = UserPresenter(store: store, tokens: presenter)
    let guardrails = AdminGuard(store: store, permissions: permissions)
    let signed = SignedRoutes(userActions: userActions, store: store)

    let router = Router(context: SignetRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyDeadlineMiddleware(timeout: configuration.bodyTimeout))
    router.get("healthz") { _, _ in JSONResponse(MessageResponse(message: "ok")) }

    let auth = AuthController(logins: logins, userActions: userActions, permissions: permissions, cache: cache)
    auth.addPublicRoutes(to: router)

    let authenticated = router.group().add(middleware: BearerAuthenticator(tokens: tokens, cache: cache, store: store))
    auth.addAuthenticatedRoutes(to: authenticated)
    PatController(
        pats: PatService(
            store: store, tokens: tokens, permissions: permissions, presenter: presenter,
            maximumDays: configuration.maximumTokenLifetimeDays),
        signed: signed, cache: cache
    ).addRoutes(to: authenticated)
    ServiceAccountController(
        accounts: ServiceAccountService(
            store: store, tokens: tokens, permissions: permissions, guardrails: guardrails, presenter: users,
            maximumDays: configuration.maximumTokenLifetimeDays),
        signed: signed
    ).addRoutes(to: authenticated)
    UserController(
        users: UserService(store: store, permissions: permissions, guardrails: guardrails, presenter: users), signed: signed
    ).addRoutes(to: authenticated)
    PermissionController(roles: RoleService(store: store, permissions: permissions, guardrails: guardrails), signed: signed)
        .addRoutes(to: authenticated)
    CredentialController(
        credentials: CredentialService(store: store, tokens: tokens, challenges: challenges),
        auditLogs: AuditLogService(store: store, permissions: permissions), signed: signed
    ).addRoutes(to: authenticated)
    return (router, tokens)
}
