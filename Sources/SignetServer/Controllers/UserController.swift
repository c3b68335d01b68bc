import Hummingbird
import SignetAPI

/// `/auth/users`: the people of the organisation.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct UserController: Sendable {
    let users: UserService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listUsers, to: router) { call in
            try await users.list(try Pagination(call.request), kind: call.request.uri.queryParameters.get("kind"), caller: call.caller)
        }
        routes.add(Endpoints.createUser, to: router) { call in try await users.create(call.body, caller: call.caller) }
        routes.add(Endpoints.getUser, to: router) { call in try await users.get(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.updateUser, to: router) { call in try await users.update(try call.parameter("id"), call.body, caller: call.caller) }
        routes.add(Endpoints.activateUser, to: router) { call in try await users.activate(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.deactivateUser, to: router) { call in try await users.deactivate(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.deleteUser, to: router) { call in try await users.delete(try call.parameter("id"), caller: call.caller) }
    }
}
