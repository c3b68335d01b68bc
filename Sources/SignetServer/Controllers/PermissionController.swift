import Hummingbird
import SignetAPI

/// `/permissions`: roles and their assignments. Granting is bounded by what the caller holds
/// (``AdminGuard``); managed roles and assignments cannot be changed.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /permissions` | no | `Permissions:Read` | user, PAT, service account |
/// | `POST /permissions` | yes | `Permissions:Create` | user, PAT, service account |
/// | `GET /permissions/{id}` | no | `Permissions:Read` | user, PAT, service account |
/// | `PUT /permissions/{id}` | yes | `Permissions:Update` | user, PAT, service account |
/// | `PUT /permissions/{id}/archive` | yes | `Permissions:Delete` | user, PAT, service account |
/// | `DELETE /permissions/{id}` | yes (archives) | `Permissions:Delete` | user, PAT, service account |
/// | `GET /permissions/{id}/assignments` | no | `Permissions:Assignments:Read` | user, PAT, service account |
/// | `POST /permissions/{id}/assignments` | yes | `Permissions:Assign` | user, PAT, service account |
/// | `DELETE /permissions/{id}/assignments/{assignmentId}` | yes (`force` may be unsigned) | `Permissions:Revoke` | user, PAT, service account |
struct PermissionController: Sendable {
    let roles: RoleService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("permissions") { request, context in
            JSONResponse(try await roles.list(try Pagination(request), caller: context.caller))
        }
        router.post(
            "permissions",
            use: signed.handler { signed, _, _ in
                JSONResponse(try await roles.create(try RequestBody.decode(CreatePermissionRequest.self, from: signed.body), caller: signed.caller))
            })
        router.get("permissions/:id") { _, context in
            JSONResponse(try await roles.get(try context.parameters.require("id"), caller: context.caller))
        }
        router.put(
            "permissions/:id",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(UpdatePermissionRequest.self, from: signed.body)
                return JSONResponse(try await roles.update(try context.parameters.require("id"), request, caller: signed.caller))
            })
        router.put(
            "permissions/:id/archive",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(ArchivePermissionRequest.self, from: signed.body)
                return JSONResponse(try await roles.archive(try context.parameters.require("id"), request, caller: signed.caller))
            })
        // Newer SDKs delete roles; Signet archives them, so assignments and the audit trail stay readable.
        router.delete(
            "permissions/:id",
            use: signed.handler { signed, _, context in
                JSONResponse(
                    try await roles.archive(try context.parameters.require("id"), ArchivePermissionRequest(isArchived: true), caller: signed.caller))
            })
        router.get("permissions/:id/assignments") { request, context in
            JSONResponse(try await roles.assignments(try context.parameters.require("id"), try Pagination(request), caller: context.caller))
        }
        router.post(
            "permissions/:id/assignments",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(CreateAssignmentRequest.self, from: signed.body)
                return JSONResponse(try await roles.assign(try context.parameters.require("id"), request, caller: signed.caller))
            })
        router.delete(
            "permissions/:id/assignments/:assignmentId",
            use: signed.handler(unsignedQueryParameters: ["force"]) { signed, _, context in
                try await roles.revoke(
                    try context.parameters.require("id"), assignmentId: try context.parameters.require("assignmentId"), caller: signed.caller)
                return Response(status: .noContent)
            })
    }
}
