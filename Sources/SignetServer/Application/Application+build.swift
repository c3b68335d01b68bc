import Foundation
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOCore
package import ServiceLifecycle
import SignetAPI
import SignetCore
package import SignetStore

/// Builds the Signet application: the one composition root for the `signet serve` binary and the tests.
///
/// `services` run in the application's service group (the PostgreSQL pool and change listener).
/// Before the server accepts requests, the store's migrations run and the token-signing keys are
/// loaded.
///
/// `onServerRunning` is called with the port the server listens on, once it does (useful with port 0).
package func buildApplication(
    configuration: ServerConfiguration,
    store: any SignetStore,
    services: [any Service] = [],
    logger: Logger = Logger(label: "signet"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let signet = SignetServices(configuration: configuration, store: store, logger: logger)
    if configuration.metricsPort != nil { SignetMetrics.bootstrap() }
    let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: TimeAmount(configuration.connectionTimeout)))
    var app = Application(
        router: buildRouter(services: signet),
        server: try configuration.tls.map { try .tls(http, tlsConfiguration: $0.configuration) } ?? http,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "Signet",
            availableConnectionsDelegate: .maximum(configuration.maximumConnections, logger: logger)
        ),
        services: services + [
            signet.keyReloader,
            StoreJanitor(store: store, logger: logger, now: configuration.now),
            TokenUsageFlusher(recorder: signet.authenticator.usage, interval: .seconds(configuration.tokenUsageFlushInterval)),
            SigningKeyPoller(store: store, tokens: signet.tokens, interval: configuration.signingKeyPollInterval, logger: logger),
        ] + webhookServices(configuration, store: store, logger: logger)
            + gatewayServices(signet.gateway, file: configuration.gatewayFile, logger: logger)
            + metricsServices(configuration, store: store, logger: logger),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    app.beforeServerStarts {
        try await store.migrate()
        try await signet.tokens.load(try await store.signingKeys())
        if let gateway = signet.gateway {
            try await Gateway.checkRoles(of: store, keep: gateway.configuration.operations)
            try await Gateway.checkPolicies(of: store, serving: Set(gateway.configuration.routes.map(\.operation)))
        }
    }
    return app
}

/// The gateway's background services: its HTTP client's shutdown, and the reload on `SIGHUP`.
private func gatewayServices(_ gateway: Gateway?, file: String?, logger: Logger) -> [any Service] {
    guard let gateway else { return [] }
    let reloader: [any Service] = file.map { [GatewayReloader(gateway: gateway, file: $0, logger: logger)] } ?? []
    return [GatewayClientCloser(gateway: gateway)] + reloader
}

/// The webhook dispatcher, unless turned off.
private func webhookServices(_ configuration: ServerConfiguration, store: any SignetStore, logger: Logger) -> [any Service] {
    guard configuration.webhooks.dispatches else { return [] }
    return [WebhookDispatcher(store: store, settings: configuration.webhooks, logger: logger, now: configuration.now)]
}

/// The `/metrics` listener, when configured.
private func metricsServices(_ configuration: ServerConfiguration, store: any SignetStore, logger: Logger) -> [any Service] {
    guard let port = configuration.metricsPort else { return [] }
    return [
        TokenGauges(store: store, logger: logger, now: configuration.now),
        MetricsServer(host: configuration.metricsHost, port: port, logger: logger, onServerRunning: configuration.onMetricsRunning),
    ]
}

/// The router: middleware, then the public routes, then every route behind the bearer token, whose
/// handlers see an ``AuthenticatedRequestContext`` (the caller is never optional there).
func buildRouter(services: SignetServices) -> Router<SignetRequestContext> {
    let router = Router(context: SignetRequestContext.self)
    // Requests by route template, method and status, with durations (only with --metrics-port).
    if services.configuration.metricsPort != nil { router.add(middleware: MetricsMiddleware()) }
    router.add(middleware: ClientAddressMiddleware(trustedProxies: services.configuration.trustedProxies))
    router.add(middleware: RequestLogMiddleware())
    router.add(
        middleware: ResponseHeadersMiddleware(
            strictTransportSecurity: services.configuration.tls != nil && services.configuration.strictTransportSecurity
        )
    )
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: RequestTargetMiddleware())
    router.add(
        middleware: AbuseLimitMiddleware(limiter: services.limiter))
    // The gateway comes before Signet's own body reader: its routes stream bodies up to each
    // upstream's maxBodyBytes, while Signet's own routes keep their small JSON cap.
    if let gateway = services.gateway { router.add(middleware: GatewayMiddleware(gateway: gateway)) }
    router.add(middleware: BodyDeadlineMiddleware(timeout: services.configuration.bodyTimeout))
    if let gateway = services.gateway { GatewayCheckController(gateway: gateway).addRoutes(to: router) }
    WellKnownController(tokens: services.tokens).addRoutes(to: router)
    DashboardController(renderer: services.dashboard, store: services.store).addRoutes(to: router)

    let routes = EndpointRoutes(signed: services.signed, permissions: services.permissions)
    let auth = AuthController(
        logins: services.logins,
        userActions: services.userActions,
        permissions: services.permissions,
        cache: services.cache,
        routes: routes
    )
    auth.addPublicRoutes(to: router)
    let registration = RegistrationController(registration: services.registration, recovery: services.recovery, routes: routes)
    registration.addPublicRoutes(to: router)
    let credentials = CredentialController(credentials: services.credentials, codes: services.credentialCodes, routes: routes)
    credentials.addPublicRoutes(to: router)

    let authenticated = router.group()
        .add(middleware: services.authenticator)
        .add(middleware: TokenExpirationMiddleware())
        .group(context: AuthenticatedRequestContext.self)
    auth.addAuthenticatedRoutes(to: authenticated)
    PatController(pats: services.pats, inventory: services.tokenInventory, routes: routes, cache: services.cache).addRoutes(to: authenticated)
    ServiceAccountController(accounts: services.serviceAccounts, credentials: services.credentials, routes: routes).addRoutes(to: authenticated)
    UserController(users: services.users, routes: routes).addRoutes(to: authenticated)
    RoleController(roles: services.roles, routes: routes).addRoutes(to: authenticated)
    UserGroupController(groups: services.userGroups, routes: routes).addRoutes(to: authenticated)
    PolicyController(policies: services.policies, approvals: services.approvals, routes: routes).addRoutes(to: authenticated)
    WebhookController(webhooks: services.webhooks, routes: routes).addRoutes(to: authenticated)
    OrganizationController(settings: services.organizationSettings, routes: routes).addRoutes(to: authenticated)
    credentials.addRoutes(to: authenticated)
    AuditLogController(auditLogs: services.auditLogs, routes: routes).addRoutes(to: authenticated)
    ExplainController(explain: services.explain, routes: routes).addRoutes(to: authenticated)
    VerificationController(verification: services.verification, routes: routes).addRoutes(to: authenticated)
    registration.addRoutes(to: authenticated)
    return router
}
