import Foundation
import NIOHTTP1
public import SignetAPI

/// `/permissions`: roles and assignments.
public struct PermissionsAPI: Sendable {
    let transport: Transport

    public func list(limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<Permission> {
        try await transport.send(.GET, "/permissions", query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    public func create(_ request: CreatePermissionRequest) async throws -> Permission {
        try await transport.send(.POST, "/permissions", body: request, signed: true)
    }

    public func get(_ permissionId: String) async throws -> Permission {
        try await transport.send(.GET, "/permissions/\(permissionId)")
    }

    public func update(_ permissionId: String, _ request: UpdatePermissionRequest) async throws -> Permission {
        try await transport.send(.PUT, "/permissions/\(permissionId)", body: request, signed: true)
    }

    /// Archives (`true`) or restores (`false`) a role.
    public func archive(_ permissionId: String, isArchived: Bool = true) async throws -> Permission {
        try await transport.send(.PUT, "/permissions/\(permissionId)/archive", body: ArchivePermissionRequest(isArchived: isArchived), signed: true)
    }

    public func listAssignments(
        _ permissionId: String, limit: Int? = nil, paginationToken: String? = nil
    ) async throws
        -> ListResponse<Assignment>
    {
        try await transport.send(
            .GET, "/permissions/\(permissionId)/assignments", query: [("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    /// Gives the role to a user, service account (`us-…`) or PAT (`to-…`).
    public func assign(_ permissionId: String, to identityId: String) async throws -> Assignment {
        try await transport.send(
            .POST, "/permissions/\(permissionId)/assignments", body: CreateAssignmentRequest(identityId: identityId), signed: true)
    }

    public func revoke(_ permissionId: String, assignmentId: String) async throws {
        _ = try await transport.sendRaw(.DELETE, "/permissions/\(permissionId)/assignments/\(assignmentId)", signed: true)
    }

    /// Whether the caller (or, for an administrator, `identityId`: a user, service account or PAT)
    /// may perform `operation`, and which roles of the user and of the token grant it (Signet only).
    public func explain(_ operation: String, identityId: String? = nil) async throws -> PermissionExplanation {
        try await transport.send(.GET, "/auth/permissions/explain", query: [("operation", operation), ("identityId", identityId)])
    }
}
