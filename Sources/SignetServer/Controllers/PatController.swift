import Hummingbird
import SignetAPI

/// `/auth/pats`: personal access tokens. A PAT acts for its user; its effective permissions are the
/// user's ∩ its own. The routes, their signing and operations are ``Endpoints``' PAT entries; who
/// may do what beyond that is ``PatService``'s.
struct PatController: Sendable {
    let pats: PatService
    let inventory: TokenInventoryService
    let routes: EndpointRoutes
    let cache: AuthorizationCache

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(
            Endpoints.listPats,
            to: router,
            responding: { call in
                try await cache.jsonResponse(.pats(userId: call.caller.userId)) { try await pats.list(caller: call.caller) }
            }
        )
        routes.add(Endpoints.listUserPats, to: router) { call in try await pats.list(ofUser: try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.listTokens, to: router) { call in try await inventory.list(call.request, caller: call.caller) }
        routes.add(Endpoints.createPat, to: router, responding: { call in try await pats.create(call.body, caller: call.caller) })
        routes.add(Endpoints.getPat, to: router) { call in try await pats.get(try call.parameter("tokenId"), caller: call.caller) }
        routes.add(Endpoints.updatePat, to: router) { call in try await pats.update(try call.parameter("tokenId"), call.body, caller: call.caller) }
        routes.add(Endpoints.activatePat, to: router) { call in try await pats.setActive(try call.parameter("tokenId"), true, caller: call.caller) }
        routes.add(Endpoints.deactivatePat, to: router) { call in
            try await pats.setActive(try call.parameter("tokenId"), false, caller: call.caller)
        }
        routes.add(Endpoints.deletePat, to: router) { call in try await pats.delete(try call.parameter("tokenId"), caller: call.caller) }
    }
}
