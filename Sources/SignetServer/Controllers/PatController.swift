import Hummingbird
import SignetAPI

/// `/auth/pats`: personal access tokens. A PAT acts for its user; its effective permissions are the
/// user's ∩ its own.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/pats` | no | none (the caller's user's PATs) | user, PAT, service account (an empty list) |
/// | `POST /auth/pats` | yes | `Auth:Pats:Create` | user login (CustomerEmployee or EndUser) only |
/// | `GET /auth/pats/{tokenId}` | no | none (own user's PATs; others 404) | user, PAT, service account (404) |
/// | `PUT /auth/pats/{tokenId}` | yes | none (own user's PATs) | user; a PAT only itself |
/// | `PUT /auth/pats/{tokenId}/activate` | yes | none (own user's PATs) | user; a PAT only itself |
/// | `PUT /auth/pats/{tokenId}/deactivate` | yes | none (own user's PATs) | user; a PAT only itself |
/// | `DELETE /auth/pats/{tokenId}` | yes | none (own user's PATs) | user; a PAT only itself |
/// | `GET /auth/users/{userId}/pats` | no | `Auth:Users:Read` and every operation that person holds (Signet's addition) | user, PAT, service account |
struct PatController: Sendable {
    let pats: PatService
    let signed: SignedRoutes
    let cache: AuthorizationCache

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/pats") { _, context in
            try await cache.jsonResponse(.pats(userId: context.caller.userId)) { try await pats.list(caller: context.caller) }
        }
        router.get("auth/users/:id/pats") { _, context in
            JSONResponse(try await pats.list(ofUser: try context.parameters.require("id"), caller: context.caller))
        }
        router.post(
            "auth/pats",
            use: signed.handler { signed, _, _ in
                let request = try RequestBody.decode(CreatePersonalAccessTokenRequest.self, from: signed.body)
                return JSONResponse(try await pats.create(request, caller: signed.caller))
            })
        router.get("auth/pats/:tokenId") { _, context in
            JSONResponse(try await pats.get(try context.parameters.require("tokenId"), caller: context.caller))
        }
        router.put(
            "auth/pats/:tokenId",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(UpdatePersonalAccessTokenRequest.self, from: signed.body)
                return JSONResponse(try await pats.update(try context.parameters.require("tokenId"), request, caller: signed.caller))
            })
        router.put(
            "auth/pats/:tokenId/activate",
            use: signed.handler { signed, _, context in
                JSONResponse(try await pats.setActive(try context.parameters.require("tokenId"), true, caller: signed.caller))
            })
        router.put(
            "auth/pats/:tokenId/deactivate",
            use: signed.handler { signed, _, context in
                JSONResponse(try await pats.setActive(try context.parameters.require("tokenId"), false, caller: signed.caller))
            })
        router.delete(
            "auth/pats/:tokenId",
            use: signed.handler { signed, _, context in
                JSONResponse(try await pats.delete(try context.parameters.require("tokenId"), caller: signed.caller))
            })
    }
}
