import Hummingbird
import SignetAPI

/// `/auth/users`: the people of the organisation.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/users` | no | `Auth:Users:Read` | user, PAT, service account |
/// | `POST /auth/users` | yes | `Auth:Users:Create` | user, PAT, service account |
/// | `GET /auth/users/{id}` | no | `Auth:Users:Read` | user, PAT, service account |
/// | `PUT /auth/users/{id}` | yes | `Auth:Users:Update` | user, PAT, service account |
/// | `PUT /auth/users/{id}/activate` | yes | `Auth:Users:Activate` | user, PAT, service account |
/// | `PUT /auth/users/{id}/deactivate` | yes | `Auth:Users:Deactivate` | CustomerEmployee login or service account (never a PAT); not oneself |
/// | `DELETE /auth/users/{id}` | yes | `Auth:Users:Delete` | user, PAT, service account; not oneself |
struct UserController: Sendable {
    let users: UserService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/users") { request, context in
            JSONResponse(try await users.list(try Pagination(request), kind: request.uri.queryParameters.get("kind"), caller: context.caller))
        }
        router.post(
            "auth/users",
            use: signed.handler { signed, _, _ in
                JSONResponse(try await users.create(try RequestBody.decode(CreateUserRequest.self, from: signed.body), caller: signed.caller))
            })
        router.get("auth/users/:id") { _, context in
            JSONResponse(try await users.get(try context.parameters.require("id"), caller: context.caller))
        }
        router.put(
            "auth/users/:id",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(UpdateUserRequest.self, from: signed.body)
                return JSONResponse(try await users.update(try context.parameters.require("id"), request, caller: signed.caller))
            })
        router.put(
            "auth/users/:id/activate",
            use: signed.handler { signed, _, context in
                JSONResponse(try await users.activate(try context.parameters.require("id"), caller: signed.caller))
            })
        router.put(
            "auth/users/:id/deactivate",
            use: signed.handler { signed, _, context in
                JSONResponse(try await users.deactivate(try context.parameters.require("id"), caller: signed.caller))
            })
        router.delete(
            "auth/users/:id",
            use: signed.handler { signed, _, context in
                JSONResponse(try await users.delete(try context.parameters.require("id"), caller: signed.caller))
            })
    }
}
