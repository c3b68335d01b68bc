import Foundation
import Hummingbird
import Logging
import SignetAPI
import SignetCore
import SignetStore

/// Builds the Signet application: the one composition root for the `signet serve` binary and the tests.
public func buildApplication(
    configuration: ServerConfiguration, store: any SignetStore, logger: Logger = Logger(label: "signet")
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration: configuration, store: store)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Signet"),
        logger: logger)
}

/// Builds the router with every route, its services and middleware.
public func buildRouter(configuration: ServerConfiguration, store: any SignetStore) async throws -> Router<SignetRequestContext> {
    let tokens = try await SigningKeys.authority(store: store, issuer: configuration.issuer)
    let permissions = PermissionService(store: store)
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
    router.get("healthz") { _, _ in JSONResponse(MessageResponse(message: "ok")) }

    let auth = AuthController(logins: logins, userActions: userActions, permissions: permissions)
    auth.addPublicRoutes(to: router)

    let authenticated = router.group().add(middleware: BearerAuthenticator(tokens: tokens, store: store))
    auth.addAuthenticatedRoutes(to: authenticated)
    PatController(
        pats: PatService(
            store: store, tokens: tokens, permissions: permissions, presenter: presenter,
            maximumDays: configuration.maximumTokenLifetimeDays),
        signed: signed
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
    return router
}
