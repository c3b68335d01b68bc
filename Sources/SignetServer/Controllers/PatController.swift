import Hummingbird
import SignetAPI

/// `/auth/pats`: personal access tokens.
struct PatController: Sendable {
    let pats: PatService
    let signed: SignedRoutes
    let cache: AuthorizationCache

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/pats") { _, context in
            let caller = try context.requireCaller()
            return try await cache.jsonResponse(.pats(userId: caller.userId)) { try await pats.list(caller: caller) }
        }
        router.post("auth/pats", use: signed.handler { signed, _, _ in
            let request = try RequestBody.decode(CreatePersonalAccessTokenRequest.self, from: signed.body)
            return JSONResponse(try await pats.create(request, caller: signed.caller))
        })
        router.get("auth/pats/:tokenId") { _, context in
            JSONResponse(try await pats.get(try context.parameters.require("tokenId"), caller: try context.requireCaller()))
        }
        router.put("auth/pats/:tokenId", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(UpdatePersonalAccessTokenRequest.self, from: signed.body)
            return JSONResponse(try await pats.update(try context.parameters.require("tokenId"), request, caller: signed.caller))
        })
        router.put("auth/pats/:tokenId/activate", use: signed.handler { signed, _, context in
            JSONResponse(try await pats.setActive(try context.parameters.require("tokenId"), true, caller: signed.caller))
        })
        router.put("auth/pats/:tokenId/deactivate", use: signed.handler { signed, _, context in
            JSONResponse(try await pats.setActive(try context.parameters.require("tokenId"), false, caller: signed.caller))
        })
        router.delete("auth/pats/:tokenId", use: signed.handler { signed, _, context in
            JSONResponse(try await pats.delete(try context.parameters.require("tokenId"), caller: signed.caller))
        })
    }
}
