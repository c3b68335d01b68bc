import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// Login, logout and user action signing, and `GET /healthz`.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct AuthController: Sendable {
    let logins: LoginService
    let userActions: UserActionService
    let permissions: PermissionService
    let cache: AuthorizationCache
    let routes: EndpointRoutes

    /// Routes that need no bearer token (the SDKs send whatever token they hold; it is ignored).
    func addPublicRoutes(to router: some RouterMethods<SignetRequestContext>) {
        EndpointRoutes.addPublic(Endpoints.health, to: router) { _, _ in MessageResponse(message: "ok") }
        EndpointRoutes.addPublic(Endpoints.loginInit, to: router) { body, _ in try await logins.initiate(body) }
        EndpointRoutes.addPublic(Endpoints.login, to: router) { body, _ in try await logins.login(body) }
    }

    /// Routes for an authenticated caller.
    func addAuthenticatedRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        // PUT as the current SDKs send it; POST as the TypeScript SDK 0.5.x did.
        for endpoint in [Endpoints.logout, Endpoints.logoutPost] {
            routes.add(endpoint, to: router) { call in try await logins.logout(call.body, caller: call.caller) }
        }
        routes.add(
            Endpoints.whoami,
            to: router,
            responding: { call in
                let caller = call.caller
                return try await cache.jsonResponse(.whoami(userId: caller.userId, tokenId: caller.token.id)) {
                    let effective = try await permissions.effective(for: caller)
                    return WhoAmI(
                        orgId: caller.orgId,
                        userId: caller.userId,
                        username: caller.user.username,
                        userKind: caller.user.kind,
                        isServiceAccount: caller.user.isServiceAccount,
                        tokenId: caller.token.id,
                        tokenKind: caller.token.kind,
                        tokenExpiresAt: caller.token.expiresAt,
                        permissions: effective.grantsAll ? OperationCatalog.current : effective.operations.sorted(),
                        allOperations: effective.grantsAll
                    )
                }
            }
        )
        routes.add(Endpoints.actionInit, to: router) { call in try await userActions.initiate(call.body, caller: call.caller) }
        routes.add(Endpoints.action, to: router) { call in try await userActions.complete(call.body, caller: call.caller) }
    }
}
