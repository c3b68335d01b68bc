import Hummingbird
import SignetAPI
import SignetStore

/// `/permissions`: roles and their assignments. Granting is bounded by what the caller holds
/// (``AdminGuard``); managed roles and assignments cannot be changed.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct RoleController: Sendable {
    let roles: RoleService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listRoles, to: router) { call in try await roles.list(try Pagination(call.request), caller: call.caller) }
        routes.add(Endpoints.createRole, to: router) { call in try await roles.create(call.body, caller: call.caller) }
        routes.add(Endpoints.getRole, to: router) { call in try await roles.get(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.updateRole, to: router, responding: { call in try await roles.update(try call.parameter("id"), call.body, caller: call.caller) })
        routes.add(Endpoints.archiveRole, to: router, responding: { call in try await roles.archive(try call.parameter("id"), call.body, caller: call.caller) })
        routes.add(Endpoints.deleteRole, to: router, responding: { call in
            try await roles.archive(try call.parameter("id"), ArchivePermissionRequest(isArchived: true), caller: call.caller)
        })
        routes.add(Endpoints.listAssignments, to: router) { call in
            try await roles.assignments(try call.parameter("id"), try Pagination(call.request), caller: call.caller)
        }
        routes.add(Endpoints.assignRole, to: router, responding: { call in try await roles.assign(try call.parameter("id"), call.body, caller: call.caller) })
        routes.add(
            Endpoints.revokeRole,
            to: router,
            responding: { call in
                DeferredSingleUse.current?.presume(.init(status: 204))  // unless held for approval (202)
                let held = try await roles.revoke(try call.parameter("id"), assignmentId: try call.parameter("assignmentId"), caller: call.caller)
                guard let held else { return Response(status: .noContent) }
                return try Governed<EmptyResponse>.held(held).response(from: call.request, context: call.context)
            }
        )
    }
}
