extension Endpoints {
    // MARK: Roles (the Dfns API calls them permissions) and their assignments

    /// `GET /permissions` (paginated).
    public static let listRoles = Endpoint<NoBody, ListResponse<Permission>>(
        "listRoles",
        .GET,
        "/permissions",
        operation: "Permissions:Read",
        rate: .read
    )
    /// `POST /permissions`.
    public static let createRole = Endpoint<CreatePermissionRequest, Permission>(
        "createRole",
        .POST,
        "/permissions",
        signed: true,
        operation: "Permissions:Create",
        rate: .write
    )
    /// `GET /permissions/{id}`.
    public static let getRole = Endpoint<NoBody, Permission>("getRole", .GET, "/permissions/{id}", operation: "Permissions:Read", rate: .read)
    /// `PUT /permissions/{id}`.
    public static let updateRole = Endpoint<UpdatePermissionRequest, Permission>(
        "updateRole",
        .PUT,
        "/permissions/{id}",
        signed: true,
        operation: "Permissions:Update",
        rate: .write
    )
    /// `PUT /permissions/{id}/archive`.
    public static let archiveRole = Endpoint<ArchivePermissionRequest, Permission>(
        "archiveRole",
        .PUT,
        "/permissions/{id}/archive",
        signed: true,
        operation: "Permissions:Delete",
        rate: .write
    )
    /// `DELETE /permissions/{id}`: newer SDKs delete roles; Signet archives them, so assignments and
    /// the audit trail stay readable.
    public static let deleteRole = Endpoint<NoBody, Permission>(
        "deleteRole",
        .DELETE,
        "/permissions/{id}",
        signed: true,
        operation: "Permissions:Delete",
        rate: .write
    )
    /// `GET /permissions/{id}/assignments` (paginated).
    public static let listAssignments = Endpoint<NoBody, ListResponse<Assignment>>(
        "listAssignments",
        .GET,
        "/permissions/{id}/assignments",
        operation: "Permissions:Assignments:Read",
        rate: .read
    )
    /// `POST /permissions/{id}/assignments`.
    public static let assignRole = Endpoint<CreateAssignmentRequest, Assignment>(
        "assignRole",
        .POST,
        "/permissions/{id}/assignments",
        signed: true,
        operation: "Permissions:Assign",
        rate: .write
    )
    /// `DELETE /permissions/{id}/assignments/{assignmentId}`: 204 (`?force` may be left unsigned).
    public static let revokeRole = Endpoint<NoBody, NoBody>(
        "revokeRole",
        .DELETE,
        "/permissions/{id}/assignments/{assignmentId}",
        signed: true,
        operation: "Permissions:Revoke",
        rate: .write,
        unsignedQuery: ["force"]
    )

    static let roles: [EndpointRule] = [
        listRoles.rule, createRole.rule, getRole.rule, updateRole.rule, archiveRole.rule, deleteRole.rule, listAssignments.rule,
        assignRole.rule, revokeRole.rule,
    ]
}
