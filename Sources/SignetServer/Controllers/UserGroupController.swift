import Hummingbird
import SignetAPI

/// `/auth/user-groups`: user groups and their members. A role is given to a group through
/// `POST /permissions/{id}/assignments` with the group's id as the identity.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its service's.
struct UserGroupController: Sendable {
    let groups: UserGroupService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listUserGroups, to: router) { call in try await groups.list(try Pagination(call.request), caller: call.caller) }
        routes.add(Endpoints.createUserGroup, to: router) { call in try await groups.create(call.body, caller: call.caller) }
        routes.add(Endpoints.getUserGroup, to: router) { call in try await groups.get(try call.parameter("userGroupId"), caller: call.caller) }
        routes.add(Endpoints.updateUserGroup, to: router) { call in
            try await groups.update(try call.parameter("userGroupId"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.deleteUserGroup, to: router) { call in
            try await groups.delete(try call.parameter("userGroupId"), caller: call.caller)
        }
        routes.add(Endpoints.listUserGroupMembers, to: router) { call in
            try await groups.members(try call.parameter("userGroupId"), try Pagination(call.request), caller: call.caller)
        }
        routes.add(Endpoints.addUserGroupMembers, to: router) { call in
            try await groups.add(try call.parameter("userGroupId"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.removeUserGroupMembers, to: router) { call in
            try await groups.remove(try call.parameter("userGroupId"), call.body, caller: call.caller)
        }
    }
}
