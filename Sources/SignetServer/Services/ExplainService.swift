import SignetAPI
import SignetCore
import SignetStore

/// Explains a permission decision: for the caller, or (for an administrator) for any user, service
/// account or PAT of the organisation. Reads the same roles and assignments the decision uses.
struct ExplainService: Sendable {
    let store: any SignetStore
    let permissions: PermissionService
    /// Operations the gateway configuration declares.
    let declaredOperations: @Sendable () -> Set<String>

    func explain(operation: String?, identityId: String?, caller: Caller) async throws -> PermissionExplanation {
        guard let operation, !operation.isEmpty else { throw APIError.badRequest("query parameter 'operation' is required, such as Wallets:Read") }
        guard let name = OperationCatalog.canonicalName(operation) ?? (declaredOperations().contains(operation) ? operation : nil) else {
            throw APIError.badRequest("unknown operation '\(TextRules.escaped(operation))'; names are those roles use, such as Auth:Users:Read")
        }
        let (user, token) = try await subject(identityId, caller: caller)
        let userSide = try await side(user.id, name)
        let tokenSide = token?.kind == .pat ? try await side(token?.id ?? "", name) : nil
        let allowed = userSide.allowed && (tokenSide?.allowed ?? true)
        var reason: String?
        if !allowed {
            reason =
                switch (userSide.allowed, tokenSide?.allowed) {
                case (false, .some(false)): "neither the user nor the token holds \(name)"
                case (false, _): "the user holds no role that grants \(name)"
                default: "the token's own roles do not grant \(name) (a PAT has at most what its roles and its user hold)"
                }
        }
        return PermissionExplanation(
            operation: name,
            allowed: allowed,
            identityId: token?.kind == .pat ? token?.id ?? user.id : identityId ?? caller.token.id,
            user: userSide,
            token: tokenSide,
            reason: reason
        )
    }

    /// The user and (for a PAT) the token to explain.
    private func subject(_ identityId: String?, caller: Caller) async throws -> (UserRecord, AccessTokenRecord?) {
        guard let identityId else { return (caller.user, caller.token) }
        try await permissions.require(.permissionsRead, for: caller)
        try await permissions.require(.usersRead, for: caller)
        let notFound = APIError.notFound("no user, service account or PAT \(TextRules.escaped(identityId)) in this organisation")
        if identityId.hasPrefix("to-") {
            guard let token = try await store.token(id: identityId), token.kind == .pat, !token.isDeleted,
                ExactText.equals(token.orgId, caller.orgId), let user = try await store.user(id: token.userId)
            else { throw notFound }
            return (user, token)
        }
        guard let user = try await store.user(id: identityId), ExactText.equals(user.orgId, caller.orgId), !user.isDeleted else { throw notFound }
        return (user, nil)
    }

    private func side(_ identityId: String, _ operation: String) async throws -> PermissionExplanation.Side {
        var granting: [PermissionAssignmentInfo] = []
        let own = try await store.assignedRoles(identityId: identityId).map { (assignment: $0.0, role: $0.1, group: String?.none) }
        let throughGroups = try await store.groupAssignedRoles(userIds: [identityId]).map {
            (assignment: $0.assignment, role: $0.role, group: Optional($0.assignment.identityId))
        }
        for (assignment, role, group) in own + throughGroups where !role.isArchived {
            guard role.grantsAll || PermissionSet(operations: role.operations).allows(operation) else { continue }
            granting.append(
                PermissionAssignmentInfo(
                    permissionName: role.name,
                    permissionId: role.id,
                    assignmentId: assignment.id,
                    operations: nil,
                    userGroupId: group
                )
            )
        }
        return .init(id: identityId, allowed: !granting.isEmpty, grantedBy: granting)
    }
}
