import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// Applies a change whose approval was met, inside the transaction that met it: exactly once,
/// since the approval leaves `Pending` in the same transaction. Everything is checked before
/// anything is written; a change that no longer fits returns why, and is recorded as `Failed`.
///
/// The safety rules (docs/policies.md): the change is applied as it was requested, only if the
/// initiator is still an active user who holds the operation (their own roles, groups included),
/// and can still grant what it grants; and only if what it changes has not changed since it was
/// asked for (a stale change is refused, never merged).
enum ChangeApplier {
    /// `nil` when applied; otherwise why not.
    static func apply(
        _ request: ChangeRequest,
        approval: ApprovalRecord,
        store: any SignetStore,
        declared: Set<String>,
        now: Date
    ) async throws -> String? {
        let change = HeldChange(
            kind: request.kind,
            operationKind: request.operationKind,
            entityId: request.entityId,
            body: request.body,
            basis: approval.basis
        )
        guard let user = try await store.user(id: approval.initiatorId), user.isActive, !user.isDeleted else {
            return "the initiator \(approval.initiatorId) is no longer an active user"
        }
        let held = try await store.permissions(identityId: user.id)
        if case .gatewayRequest(let forward) = request.body {
            return try await checkForward(forward, held: held, tokenId: request.requester.tokenId, store: store, now: now)
        }
        guard let operation = change.operation else { return "Signet cannot apply a \(change.kind) \(change.operationKind)" }
        guard held.allows(operation) else { return "the initiator no longer holds \(operation.rawValue)" }
        switch request.body {
        case .assignment(let assignment) where change.operationKind == "Create":
            return try await assign(assignment, basis: change.basis, held: held, orgId: approval.orgId, store: store, now: now)
        case .assignment(let assignment):
            return try await revoke(assignment, orgId: approval.orgId, store: store)
        case .permission(let permission):
            if let unknown = permission.operations.first(where: { OperationCatalog.canonicalName($0) != $0 && !declared.contains($0) }) {
                return "operation \(unknown) is no longer declared by the gateway's configuration"
            }
            return try await changeRole(permission, basis: change.basis, held: held, orgId: approval.orgId, store: store, now: now)
        case .policy(let policy):
            return try await changePolicy(policy, operationKind: change.operationKind, basis: change.basis, orgId: approval.orgId, store: store)
        case .gatewayRequest:
            return nil  // checked above; forwarded after the transaction
        case .token:
            return nil  // made when its initiator claims it (ApprovalService.claim), checked again then
        }
    }

    private static func assign(
        _ assignment: Assignment,
        basis: Int64?,
        held: PermissionSet,
        orgId: String,
        store: any SignetStore,
        now: Date
    ) async throws -> String? {
        // One change to a role, and one grant to an identity, at a time.
        try await store.lock(RoleService.lockKey(assignment.permissionId))
        try await store.lock("grants:\(assignment.identityId)")
        guard let role = try await store.role(id: assignment.permissionId), role.orgId == orgId, !role.isArchived else {
            return "permission \(assignment.permissionId) is archived or gone"
        }
        guard basis == nil || role.updatedAt.milliseconds == basis else {
            return "permission \(role.id) has changed since the assignment was asked for: ask again, so the approvers see what it grants now"
        }
        let missing = held.missing(from: role.permissionSet)
        guard missing.isEmpty else { return "the initiator no longer holds everything \(role.id) grants (\(missing.joined(separator: ", ")))" }
        if Identifier.isWellFormed(assignment.identityId, prefix: .userGroup) {
            try await store.lock(UserGroupService.lockKey(assignment.identityId))
        }
        guard try await identityIsLive(assignment.identityId, orgId: orgId, store: store) else { return "\(assignment.identityId) is gone" }
        let existing = try await store.assignedRoles(identityId: assignment.identityId)
        guard !existing.contains(where: { $0.1.id == role.id }) else { return "\(assignment.identityId) already has \(role.id)" }
        try await store.insertAssignment(
            AssignmentRecord(id: assignment.id, orgId: orgId, permissionId: role.id, identityId: assignment.identityId, createdAt: now)
        )
        return nil
    }

    private static func revoke(_ assignment: Assignment, orgId: String, store: any SignetStore) async throws -> String? {
        try await store.lock("administrators:\(orgId)")
        guard let existing = try await store.assignment(id: assignment.id), existing.orgId == orgId else {
            return "assignment \(assignment.id) was revoked already"
        }
        try await store.deleteAssignment(id: existing.id)
        guard try await !store.fullAdministrators(orgId: orgId).isEmpty else {
            // Rolls the whole decision back: the approval stays pending.
            throw APIError.conflict(
                "applying this revocation would leave the organisation without an active user holding \(OrganizationBootstrap.fullAdminRoleName)"
            )
        }
        return nil
    }

    private static func changeRole(
        _ permission: Permission,
        basis: Int64?,
        held: PermissionSet,
        orgId: String,
        store: any SignetStore,
        now: Date
    ) async throws -> String? {
        try await store.lock(RoleService.lockKey(permission.id))
        guard var role = try await store.role(id: permission.id), role.orgId == orgId, !role.isImmutable else {
            return "permission \(permission.id) is gone"
        }
        guard role.updatedAt.milliseconds == basis else { return "permission \(role.id) has changed since the change was asked for" }
        // Restoring an archived role grants all of it again; otherwise only what is added.
        let added = role.isArchived ? Set(permission.operations) : Set(permission.operations).subtracting(role.operations)
        let missing = held.missing(from: PermissionSet(operations: added))
        guard permission.isArchived || missing.isEmpty else {
            return "the initiator no longer holds the operations it adds (\(missing.joined(separator: ", ")))"
        }
        if let other = try await store.role(orgId: orgId, name: permission.name), other.id != role.id, !other.isArchived, !permission.isArchived {
            return "another permission is named '\(permission.name)' now"
        }
        role.name = permission.name
        role.operations = permission.operations
        role.isArchived = permission.isArchived
        role.updatedAt = now
        try await store.updateRole(role)
        return nil
    }

    private static func changePolicy(_ policy: Policy, operationKind: String, basis: Int64?, orgId: String, store: any SignetStore) async throws -> String? {
        let request = CreatePolicyRequest(
            name: policy.name,
            activityKind: policy.activityKind,
            rule: policy.rule,
            action: policy.action,
            filters: policy.filters
        )
        var record = try PolicyCodec.record(request, id: policy.id, orgId: orgId, createdAt: policy.dateCreated, updatedAt: policy.dateUpdated)
        record.isActive = policy.status == "Active"
        if operationKind == "Create" {
            try await store.insertPolicy(record)
            return nil
        }
        guard let basis, try await store.updatePolicy(record, basis: basis) else {
            return "policy \(policy.id) has changed since the change was asked for"
        }
        return nil
    }

    /// A held gateway request is forwarded after the transaction (``ApprovalService``); here only
    /// whether it still may be: the initiator holds the route's operation, and the token it came
    /// with was not revoked since (a PAT must also be unexpired and still grant the operation).
    private static func checkForward(
        _ request: HeldGatewayRequest,
        held: PermissionSet,
        tokenId: String?,
        store: any SignetStore,
        now: Date
    ) async throws -> String? {
        guard held.allows(request.operation) else { return "the initiator no longer holds \(request.operation)" }
        guard let tokenId, let token = try await store.token(id: tokenId), token.isActive, !token.isDeleted else {
            return "the token the request came with was deactivated or deleted since"
        }
        // A PAT's or service account's token expiring ends its power; a person's login session
        // may end sooner than an approval takes, so only its revocation counts.
        if token.kind == .pat || token.kind == .serviceAccount {
            guard token.expiresAt > now else { return "the token the request came with has expired since" }
        }
        if token.kind == .pat {
            guard try await store.permissions(identityId: token.id).allows(request.operation) else {
                return "the PAT the request came with no longer grants \(request.operation)"
            }
        }
        return nil
    }

    private static func identityIsLive(_ identityId: String, orgId: String, store: any SignetStore) async throws -> Bool {
        if Identifier.isWellFormed(identityId, prefix: .user) {
            return try await store.user(id: identityId).map { $0.orgId == orgId && !$0.isDeleted } ?? false
        }
        if Identifier.isWellFormed(identityId, prefix: .token) {
            return try await store.token(id: identityId).map { $0.orgId == orgId && !$0.isDeleted } ?? false
        }
        return try await store.userGroup(id: identityId).map { $0.orgId == orgId } ?? false
    }
}
