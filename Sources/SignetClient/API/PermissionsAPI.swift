import Foundation
public import SignetAPI

/// `/permissions`: roles and assignments.
public struct PermissionsAPI: Sendable {
    let transport: Transport

    public func list(limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<Permission> {
        try await transport.send(Endpoints.listRoles, query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    public func create(_ request: CreatePermissionRequest) async throws -> Permission {
        try await transport.send(Endpoints.createRole, body: request)
    }

    public func get(_ permissionId: String) async throws -> Permission {
        try await transport.send(Endpoints.getRole, permissionId)
    }

    public func update(_ permissionId: String, _ request: UpdatePermissionRequest) async throws -> Permission {
        try await transport.send(Endpoints.updateRole, permissionId, body: request)
    }

    /// Archives (`true`) or restores (`false`) a role.
    public func archive(_ permissionId: String, isArchived: Bool = true) async throws -> Permission {
        try await transport.send(Endpoints.archiveRole, permissionId, body: ArchivePermissionRequest(isArchived: isArchived))
    }

    public func listAssignments(
        _ permissionId: String,
        limit: Int? = nil,
        paginationToken: String? = nil
    ) async throws
        -> ListResponse<Assignment>
    {
        try await transport.send(
            Endpoints.listAssignments,
            permissionId,
            query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)]
        )
    }

    /// Gives the role to a user, service account (`us-…`), PAT (`to-…`) or user group (`ug-…`).
    public func assign(_ permissionId: String, to identityId: String) async throws -> Assignment {
        try await transport.send(Endpoints.assignRole, permissionId, body: CreateAssignmentRequest(identityId: identityId))
    }

    public func revoke(_ permissionId: String, assignmentId: String) async throws {
        _ = try await transport.send(Endpoints.revokeRole, permissionId, assignmentId)
    }

    /// Whether the caller (or, for an administrator, `identityId`: a user, service account or PAT)
    /// may perform `operation`, and which roles of the user and of the token grant it (Signet only).
    public func explain(_ operation: String, identityId: String? = nil) async throws -> PermissionExplanation {
        try await transport.send(Endpoints.explain, query: [("operation", operation), ("identityId", identityId)])
    }
}
