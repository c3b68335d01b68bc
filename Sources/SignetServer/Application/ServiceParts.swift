import Foundation
import Logging
import NIOConcurrencyHelpers
import SignetCore
import SignetStore

/// What ``SignetServices`` is wired from: the parts most services share, built once, and one
/// builder per service that takes them (so the composition root reads as a list).
struct ServiceParts: Sendable {
    let configuration: ServerConfiguration
    let store: any SignetStore
    let logger: Logger
    let now: @Sendable () -> Date
    let tokens: TokenAuthority
    let cache: AuthorizationCache
    let permissions: PermissionService
    let passkeys: PasskeyService
    let challenges: ChallengeService
    let userActions: UserActionService
    let presenter: TokenPresenter
    let userPresenter: UserPresenter
    let guardrails: AdminGuard
    let declaredOperations: DeclaredOperations
    let limiter: AbuseLimiter
    /// The gateway being served, read by user actions to know where they are used.
    private let servedGateway = NIOLockedValueBox<Gateway?>(nil)

    init(configuration: ServerConfiguration, store: any SignetStore, logger: Logger) {
        let now = configuration.now
        limiter = AbuseLimiter(configuration.abuseLimits, now: now)
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.now = now
        tokens = TokenAuthority(issuer: configuration.issuer, now: now, reloadSource: { try await store.signingKeys() })
        cache = AuthorizationCache(
            store: store,
            enabled: configuration.authorizationCache,
            timeToLive: configuration.authorizationCacheLifetime,
            now: now
        )
        permissions = PermissionService(cache: cache)
        passkeys = PasskeyService(store: store, relyingParty: configuration.relyingParty, now: now)
        challenges = ChallengeService(
            store: store,
            tokens: tokens,
            lifetime: configuration.challengeLifetime,
            passkeys: passkeys,
            now: now
        )
        let served = servedGateway
        userActions = UserActionService(
            store: store,
            tokens: tokens,
            challenges: challenges,
            lifetime: configuration.userActionLifetime,
            now: now,
            audience: { method, path in
                UserActionService.audience(method: method, path: path, gateway: served.withLockedValue { $0 }?.configuration)
            },
            fastAuthEnabled: configuration.fastAuth,
            cache: cache,
            limiter: limiter
        )
        presenter = TokenPresenter(store: store)
        userPresenter = UserPresenter(store: store, tokens: presenter)
        guardrails = AdminGuard(store: store, permissions: permissions)
        declaredOperations = DeclaredOperations(configuration.gateway?.operations ?? [])
    }

    func authenticator() -> BearerAuthenticator {
        BearerAuthenticator(tokens: tokens, cache: cache, store: store, now: now, usage: TokenUsageRecorder(store: store, logger: logger))
    }

    func logins() -> LoginService {
        LoginService(
            store: store,
            tokens: tokens,
            challenges: challenges,
            lifetime: configuration.loginTokenLifetime,
            now: now,
            limiter: limiter
        )
    }

    func pats() -> PatService {
        PatService(
            store: store,
            tokens: tokens,
            permissions: permissions,
            presenter: presenter,
            maximumDays: configuration.maximumTokenLifetimeDays,
            policies: policyGate,
            now: now
        )
    }

    func serviceAccounts() -> ServiceAccountService {
        ServiceAccountService(
            store: store,
            tokens: tokens,
            permissions: permissions,
            guardrails: guardrails,
            presenter: userPresenter,
            policies: policyGate,
            maximumDays: configuration.maximumTokenLifetimeDays,
            now: now
        )
    }

    func registration() -> RegistrationService {
        RegistrationService(
            store: store,
            tokens: tokens,
            challenges: challenges,
            passkeys: passkeys,
            permissions: permissions,
            guardrails: guardrails,
            codeLifetime: configuration.registrationCodeLifetime,
            webhook: configuration.registrationWebhook,
            now: now,
            limiter: limiter
        )
    }

    func users(registration: RegistrationService) -> UserService {
        UserService(
            store: store,
            permissions: permissions,
            guardrails: guardrails,
            presenter: userPresenter,
            registration: registration,
            policies: policyGate,
            now: now
        )
    }

    func roles() -> RoleService {
        RoleService(
            store: store,
            permissions: permissions,
            guardrails: guardrails,
            declaredOperations: declaredOperations,
            policies: policyGate,
            now: now
        )
    }

    /// The operations of the served gateway's routes: what a policy may hold beyond Dfns' activities.
    var routeOperations: @Sendable () -> Set<String> {
        let served = servedGateway
        return { Set(served.withLockedValue { $0 }?.configuration.routes.map(\.operation) ?? []) }
    }

    /// What sends approved gateway requests on: the served gateway, if any.
    var heldForwarding: @Sendable () -> (any HeldRequestForwarding)? {
        let served = servedGateway
        return { () -> (any HeldRequestForwarding)? in served.withLockedValue { $0 } }
    }

    /// Where writes meet the policies.
    var policyGate: PolicyGate { PolicyGate(store: store, now: now) }

    func userGroups() -> UserGroupService {
        UserGroupService(store: store, guardrails: guardrails, users: userPresenter, policies: policyGate, now: now)
    }

    func credentials() -> CredentialService {
        CredentialService(store: store, tokens: tokens, challenges: challenges, passkeys: passkeys, now: now, limiter: limiter)
    }

    func recovery(registration: RegistrationService) -> RecoveryService {
        RecoveryService(
            store: store,
            tokens: tokens,
            challenges: challenges,
            passkeys: passkeys,
            registration: registration,
            webhook: configuration.registrationWebhook,
            logger: logger,
            now: now,
            limiter: limiter
        )
    }

    func credentialCodes(credentials: CredentialService) -> CredentialCodeService {
        CredentialCodeService(
            store: store,
            tokens: tokens,
            challenges: challenges,
            passkeys: passkeys,
            credentials: credentials,
            logger: logger,
            now: now
        )
    }

    func explain() -> ExplainService {
        let declared = declaredOperations
        return ExplainService(store: store, permissions: permissions, declaredOperations: { declared.current })
    }

    /// Signet in front of the team's own API, when the configuration has a gateway.
    func gateway(authenticator: BearerAuthenticator, signed: SignedRoutes) -> Gateway? {
        configuration.gateway.map { gateway in
            Gateway(
                configuration: gateway,
                authenticator: authenticator,
                permissions: permissions,
                cache: cache,
                signed: signed,
                store: store,
                tokens: tokens,
                declaredOperations: declaredOperations,
                policies: policyGate,
                now: now,
                bodyTimeout: configuration.bodyTimeout,
                logger: logger
            )
        }
    }

    /// Tells user actions which gateway is served (its routes are where they may be used).
    func servingGateway(_ gateway: Gateway?) {
        servedGateway.withLockedValue { $0 = gateway }
    }
}
