import Hummingbird
import SignetAPI

/// `/auth/registration`: a person registers their first credential with a one-time code.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `POST /auth/registration/init` | no | none (the registration code) | anyone (a bearer token is ignored) |
/// | `POST /auth/registration` | no (answers the registration challenge) | none (bearer: the temporary token) | the person registering |
/// | `PUT /auth/registration/code` | yes | `Auth:Users:Update`, and every operation the person holds | user, PAT, service account |
struct RegistrationController: Sendable {
    let registration: RegistrationService
    let signed: SignedRoutes

    /// Routes that need no access token.
    func addPublicRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.post("auth/registration/init") { request, context in
            JSONResponse(
                try await registration.initiate(try await RequestBody.read(RegistrationChallengeRequest.self, from: request, context: context)))
        }
        router.post("auth/registration") { request, context in
            guard let header = request.headers[.authorization], let token = BearerAuthenticator.bearerToken(header) else {
                throw APIError.unauthorized(
                    "Not Authorized: send the temporaryAuthenticationToken of POST /auth/registration/init as the bearer token")
            }
            let body = try await RequestBody.read(RegisterRequest.self, from: request, context: context)
            return JSONResponse(try await registration.register(body, temporaryToken: token))
        }
    }

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.put(
            "auth/registration/code",
            use: signed.handler { signed, _, _ in
                JSONResponse(
                    try await registration.newCode(try RequestBody.decode(RegistrationCodeRequest.self, from: signed.body), caller: signed.caller))
            })
    }
}
