import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Roles ("permissions") and their assignments. Every change applies on the next request of every
/// identity it touches, because permissions are read from the store on each request.
struct RoleService: Sendable {
    let store: any SignetStore
    let permissions: PermissionService
    let guardrails: AdminGuard
    /// Operations the gateway's configuration declares, assignable next to the built-in ones.
    /// Role writes that name operations run inside its ``DeclaredOperations/changing(_:)``, so a
    /// gateway reload that drops an operation never misses a role written meanwhile.
    let declaredOperations: DeclaredOperations
    /// Assigning, revoking and changing roles are the `Permissions:Assign` and `Permissions:Modify`
    /// activities: a policy may hold them for approval (HTTP 202) or block them.
    let policies: PolicyGate
    /// The current time (injectable, so tests can move it instead of sleeping).
    let now: @Sendable () -> Date

    func list(_ pagination: Pagination, caller: Caller) async throws -> ListResponse<Permission> {
        let roles = try await store.roles(orgId: caller.orgId, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(roles, id: \.id)
        return ListResponse(items: page.items.map(Self.present), nextPageToken: page.nextPageToken)
    }

    func get(_ id: String, caller: Caller) async throws -> Permission {
        var permission = Self.present(try await role(id, caller: caller))
        permission.pendingChangeRequest = try await policies.pendingChange(kind: "Permission", entityId: permission.id, orgId: caller.orgId)
        return permission
    }

    func create(_ request: CreatePermissionRequest, caller: Caller) async throws -> Permission {
        try await declaredOperations.changing { try await createNow(request, caller: caller) }
    }

    private func createNow(_ request: CreatePermissionRequest, caller: Caller) async throws -> Permission {
        let name = try Validate.name(request.name)
        let operations = try Self.operations(request.operations, declared: declaredOperations.current)
        if try await store.role(orgId: caller.orgId, name: name).map({ !$0.isArchived }) == true {
            throw APIError.conflict("a permission named '\(name)' already exists", details: ["duplicate": "name"])
        }
        let role = RoleRecord(id: Identifier.make(.permission), orgId: caller.orgId, name: name, operations: operations, createdAt: now())
        try await store.insertRole(role)
        return Self.present(role)
    }

    /// Renames a role or changes its operations. Adding operations grants them to everyone holding
    /// the role, so the caller must hold every operation added.
    func update(_ id: String, _ request: UpdatePermissionRequest, caller: Caller) async throws -> Governed<Permission> {
        try await declaredOperations.changing { try await updateNow(id, request, caller: caller) }
    }

    private func updateNow(_ id: String, _ request: UpdatePermissionRequest, caller: Caller) async throws -> Governed<Permission> {
        var role = try await mutableRole(id, caller: caller)
        let basis = role.updatedAt.milliseconds
        if let name = request.name {
            let name = try Validate.name(name)
            if let existing = try await store.role(orgId: caller.orgId, name: name), existing.id != role.id, !existing.isArchived {
                throw APIError.conflict("a permission named '\(name)' already exists", details: ["duplicate": "name"])
            }
            role.name = name
        }
        if let requested = request.operations {
            let operations = try Self.operations(requested, declared: declaredOperations.current)
            let added = Set(operations).subtracting(role.operations)
            if !role.isArchived, !added.isEmpty {
                try await guardrails.requireCanGrant(PermissionSet(operations: added), caller: caller, what: "operations to \(role.id)")
            }
            role.operations = operations
        }
        role.updatedAt = now()
        if let held = try await hold(role, operationKind: "Update", basis: basis, caller: caller) { return .held(held) }
        try await write(role, basis: basis)
        return .done(Self.present(role))
    }

    /// Writes `role` under its lock, only if it is still as read (`basis`): an approved change
    /// applied meanwhile is never silently overwritten.
    private func write(_ role: RoleRecord, basis: Int64) async throws {
        try await store.transaction { store in
            try await store.lock(Self.lockKey(role.id))
            guard try await store.role(id: role.id)?.updatedAt.milliseconds == basis else {
                throw APIError.conflict("permission \(role.id) changed meanwhile; read it again and retry")
            }
            try await store.updateRole(role)
        }
    }

    /// The lock that serialises writes of one role (direct, or an approved change applied).
    static func lockKey(_ roleId: String) -> String { "role:\(roleId)" }

    /// Holds a change to `role` (as it would be) when a `Permissions:Modify` policy covers it.
    private func hold(_ role: RoleRecord, operationKind: String, basis: Int64, caller: Caller) async throws -> ChangeRequest? {
        let outcome = try await policies.outcome(of: PolicyActivity(kind: "Permissions:Modify", permissionId: role.id), orgId: caller.orgId)
        let change = HeldChange(kind: "Permission", operationKind: operationKind, entityId: role.id, body: .permission(Self.present(role)), basis: basis)
        return try await policies.hold(change, activityKind: "Permissions:Modify", outcome: outcome, caller: caller)
    }

    /// Archives (grants nothing from now on) or restores a role. Restoring grants it again, so the
    /// caller must hold everything it grants.
    func archive(_ id: String, _ request: ArchivePermissionRequest, caller: Caller) async throws -> Governed<Permission> {
        try await declaredOperations.changing { try await archiveNow(id, request, caller: caller) }
    }

    private func archiveNow(_ id: String, _ request: ArchivePermissionRequest, caller: Caller) async throws -> Governed<Permission> {
        var role = try await mutableRole(id, caller: caller)
        guard role.isArchived != request.isArchived else { return .done(Self.present(role)) }
        let basis = role.updatedAt.milliseconds
        if !request.isArchived {
            try await guardrails.requireCanGrant(role.permissionSet, caller: caller, what: "permission \(role.id)")
            if try await store.role(orgId: caller.orgId, name: role.name).map({ !$0.isArchived && $0.id != role.id }) == true {
                throw APIError.conflict("another permission named '\(role.name)' is active; rename one first", details: ["duplicate": "name"])
            }
        }
        role.isArchived = request.isArchived
        role.updatedAt = now()
        // Archiving or restoring an assigned role takes it from, or gives it back to, everyone holding it.
        if try await !store.assignments(permissionId: role.id, afterId: nil, limit: 1).isEmpty {
            let what = request.isArchived ? "archiving an assigned role" : "restoring an assigned role"
            try await policies.requireNoneCovered(permissionIds: [role.id], orgId: caller.orgId, what: what, store: store)
        }
        if let held = try await hold(role, operationKind: request.isArchived ? "Delete" : "Update", basis: basis, caller: caller) {
            return .held(held)
        }
        try await write(role, basis: basis)
        return .done(Self.present(role))
    }

    func assignments(_ id: String, _ pagination: Pagination, caller: Caller) async throws -> ListResponse<Assignment> {
        let role = try await role(id, caller: caller)
        let assignments = try await store.assignments(permissionId: role.id, afterId: pagination.afterId, limit: pagination.fetchLimit)
        let page = pagination.page(assignments, id: \.id)
        return ListResponse(items: page.items.map(Self.present), nextPageToken: page.nextPageToken)
    }

    /// Gives a role to a user, a service account, a PAT or a user group (whose members then hold
    /// it). The caller must hold everything the role grants.
    func assign(_ id: String, _ request: CreateAssignmentRequest, caller: Caller) async throws -> Governed<Assignment> {
        let role = try await role(id, caller: caller)
        guard !role.isArchived else { throw APIError.badRequest("permission \(role.id) is archived; restore it before assigning it") }
        try await requireIdentity(request.identityId, orgId: caller.orgId)
        try await guardrails.requireCanGrant(role.permissionSet, caller: caller, what: "permission \(role.id)")
        let now = self.now()
        let assignment = AssignmentRecord(
            id: Identifier.make(.assignment),
            orgId: caller.orgId,
            permissionId: role.id,
            identityId: request.identityId,
            createdAt: now
        )
        if try await store.assignedRoles(identityId: request.identityId).contains(where: { $0.1.id == role.id }) {
            throw APIError.conflict("\(request.identityId) already has permission \(role.id)", details: ["duplicate": "identityId"])
        }
        let outcome = try await policies.outcome(of: PolicyActivity(kind: "Permissions:Assign", permissionId: role.id), orgId: caller.orgId)
        let change = HeldChange(
            kind: "Assignment",
            operationKind: "Create",
            entityId: assignment.id,
            body: .assignment(Self.present(assignment)),
            basis: role.updatedAt.milliseconds
        )
        if let held = try await policies.hold(change, activityKind: "Permissions:Assign", outcome: outcome, caller: caller) { return .held(held) }
        do {
            if Identifier.isWellFormed(request.identityId, prefix: .userGroup) {
                // Under the group's lock, so that nobody joins on a check made before this role was given.
                try await store.transaction { store in
                    try await store.lock(UserGroupService.lockKey(request.identityId))
                    guard try await store.userGroup(id: request.identityId) != nil else {
                        throw APIError.notFound("identity \(request.identityId) not found")
                    }
                    try await store.insertAssignment(assignment)
                }
            } else {
                try await store.insertAssignment(assignment)
            }
        } catch StoreError.conflict {
            throw APIError.conflict("\(request.identityId) already has permission \(role.id)", details: ["duplicate": "identityId"])
        }
        return .done(Self.present(assignment))
    }

    /// Takes a role away. Refused when it would leave no active full administrator.
    func revoke(_ id: String, assignmentId: String, caller: Caller) async throws -> ChangeRequest? {
        let role = try await role(id, caller: caller)
        guard Identifier.isWellFormed(assignmentId, prefix: .assignment), let assignment = try await store.assignment(id: assignmentId),
            assignment.permissionId == role.id
        else { throw APIError.notFound("assignment \(assignmentId) not found") }
        guard !assignment.isImmutable else { throw APIError.forbidden("assignment \(assignmentId) is managed and cannot be revoked") }
        let outcome = try await policies.outcome(of: PolicyActivity(kind: "Permissions:Assign", permissionId: role.id), orgId: caller.orgId)
        let change = HeldChange(kind: "Assignment", operationKind: "Delete", entityId: assignment.id, body: .assignment(Self.present(assignment)))
        if let held = try await policies.hold(change, activityKind: "Permissions:Assign", outcome: outcome, caller: caller) { return held }
        try await guardrails.keepingAnAdministrator(orgId: caller.orgId, reason: "revoking \(role.name) from \(assignment.identityId)") { store in
            try await store.deleteAssignment(id: assignment.id)
        }
        return nil
    }

    /// The identity must be a live user, service account, PAT or user group of the organisation.
    private func requireIdentity(_ identityId: String, orgId: String) async throws {
        if Identifier.isWellFormed(identityId, prefix: .user) {
            if let user = try await store.user(id: identityId), user.orgId == orgId, !user.isDeleted { return }
        } else if Identifier.isWellFormed(identityId, prefix: .token) {
            if let token = try await store.token(id: identityId), token.orgId == orgId, token.kind == .pat, !token.isDeleted { return }
        } else if Identifier.isWellFormed(identityId, prefix: .userGroup) {
            if let group = try await store.userGroup(id: identityId), group.orgId == orgId { return }
        } else {
            throw APIError.badRequest(
                "identityId must be a user or service account (us-…), a personal access token (to-…) or a user group (ug-…)"
            )
        }
        throw APIError.notFound("identity \(identityId) not found")
    }

    private func role(_ id: String, caller: Caller) async throws -> RoleRecord {
        guard Identifier.isWellFormed(id, prefix: .permission), let role = try await store.role(id: id), role.orgId == caller.orgId else {
            throw APIError.notFound("permission \(id) not found")
        }
        return role
    }

    private func mutableRole(_ id: String, caller: Caller) async throws -> RoleRecord {
        let role = try await role(id, caller: caller)
        guard !role.isImmutable else { throw APIError.forbidden("permission \(role.id) (\(role.name)) is managed by Signet and cannot be changed") }
        return role
    }

    /// Validates operation names and stores them under their current names, deduplicated, in order.
    static func operations(_ names: [String], declared: Set<String> = []) throws -> [String] {
        guard !names.isEmpty else { throw APIError.invalid("operations", "field 'operations' must list at least one operation") }
        var result: [String] = []
        var unknown: [String] = []
        for name in names {
            guard let canonical = OperationCatalog.canonicalName(name) ?? (declared.contains(name) ? name : nil) else {
                unknown.append(name)
                continue
            }
            if !result.contains(canonical) { result.append(canonical) }
        }
        guard unknown.isEmpty else {
            throw APIError.badRequest(
                "unknown operation\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")); operation names are those of the Dfns API, such as Auth:Users:Read"
            )
        }
        return result
    }

    static func present(_ role: RoleRecord) -> Permission {
        Permission(
            id: role.id,
            name: role.name,
            operations: role.grantsAll ? OperationCatalog.current : role.operations,
            isImmutable: role.isImmutable,
            isArchived: role.isArchived,
            dateCreated: role.createdAt,
            dateUpdated: role.updatedAt
        )
    }

    static func present(_ assignment: AssignmentRecord) -> Assignment {
        Assignment(
            id: assignment.id,
            permissionId: assignment.permissionId,
            identityId: assignment.identityId,
            isImmutable: assignment.isImmutable,
            dateCreated: assignment.createdAt,
            dateUpdated: assignment.updatedAt
        )
    }
}
