import HTTPTypes
import Hummingbird
import SignetAPI
import SignetCore
import SignetStore

/// Login, logout and user action signing, and `GET /healthz` (added by ``buildRouter(services:)``).
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /healthz` | no | none | anyone (no token) |
/// | `POST /auth/login/init` | no | none | anyone (a bearer token is ignored) |
/// | `POST /auth/login` | no (answers a login challenge) | none | anyone (a bearer token is ignored) |
/// | `PUT /auth/logout` | no | none | user or service-account login session (a PAT: 400) |
/// | `POST /auth/logout` (the TypeScript SDK 0.5's form of the same) | no | none | as `PUT /auth/logout` |
/// | `GET /auth/whoami` | no | none | user, PAT, service account |
/// | `POST /auth/action/init` | no | none | user, PAT, service account |
/// | `POST /auth/action` | no (answers a user-action challenge) | none | user, PAT, service account |
struct AuthController: Sendable {
    let logins: LoginService
    let userActions: UserActionService
    let permissions: PermissionService
    let cache: AuthorizationCache

    /// Routes that need no bearer token (the SDKs send whatever token they hold; it is ignored).
    func addPublicRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.post("auth/login/init") { request, context in
            JSONResponse(try await logins.initiate(try await RequestBody.read(LoginChallengeRequest.self, from: request, context: context)))
        }
        router.post("auth/login") { request, context in
            JSONResponse(try await logins.login(try await RequestBody.read(SignedChallenge.self, from: request, context: context)))
        }
    }

    /// Routes for an authenticated caller.
    func addAuthenticatedRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        // PUT as the current SDKs send it; POST as the TypeScript SDK 0.5.x did.
        for method: HTTPRequest.Method in [.put, .post] {
            router.on("auth/logout", method: method) { request, context in
                let logout = try await RequestBody.read(LogoutRequest.self, from: request, context: context, optional: true)
                return JSONResponse(try await logins.logout(logout, caller: context.caller))
            }
        }
        // A Signet extension: who the caller is and what this request may do.
        router.get("auth/whoami") { _, context in
            let caller = context.caller
            return try await cache.jsonResponse(.whoami(tokenId: caller.token.id)) {
                let effective = try await permissions.effective(for: caller)
                return WhoAmI(
                    orgId: caller.orgId, userId: caller.userId, username: caller.user.username, userKind: caller.user.kind,
                    isServiceAccount: caller.user.isServiceAccount, tokenId: caller.token.id, tokenKind: caller.token.kind,
                    tokenExpiresAt: caller.token.expiresAt,
                    permissions: effective.grantsAll ? OperationCatalog.current : effective.operations.sorted(),
                    allOperations: effective.grantsAll)
            }
        }
        router.post("auth/action/init") { request, context in
            let challengeRequest = try await RequestBody.read(CreateUserActionChallengeRequest.self, from: request, context: context)
            return JSONResponse(try await userActions.initiate(challengeRequest, caller: context.caller))
        }
        router.post("auth/action") { request, context in
            let answer = try await RequestBody.read(SignedChallenge.self, from: request, context: context)
            return JSONResponse(try await userActions.complete(answer, caller: context.caller))
        }
    }
}
