import Hummingbird
import SignetAPI

/// `/auth/registration`: a person registers their first credential with a one-time code; and
/// `/auth/recover/user`: a person who lost every other credential recovers with their recovery key.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct RegistrationController: Sendable {
    let registration: RegistrationService
    let recovery: RecoveryService
    let routes: EndpointRoutes

    /// Routes that need no access token.
    func addPublicRoutes(to router: some RouterMethods<SignetRequestContext>) {
        EndpointRoutes.addPublic(Endpoints.registrationInit, to: router) { body, _ in try await registration.initiate(body) }
        EndpointRoutes.addPublic(Endpoints.register, to: router) { body, request in
            // The route has refused a request without a bearer token before reading its body.
            let token = request.headers[.authorization].flatMap(BearerAuthenticator.bearerToken) ?? ""
            return try await registration.register(body, temporaryToken: token)
        }
        EndpointRoutes.addPublic(Endpoints.recoveryCode, to: router) { body, _ in try await recovery.sendCode(body) }
        EndpointRoutes.addPublic(Endpoints.recoveryInit, to: router) { body, _ in try await recovery.initiate(body) }
        EndpointRoutes.addPublic(Endpoints.recover, to: router) { body, request in
            let token = request.headers[.authorization].flatMap(BearerAuthenticator.bearerToken) ?? ""
            return try await recovery.recover(body, temporaryToken: token)
        }
    }

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.newRegistrationCode, to: router) { call in try await registration.newCode(call.body, caller: call.caller) }
    }
}
