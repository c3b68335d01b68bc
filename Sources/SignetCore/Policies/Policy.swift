/// A Dfns Policies v2 policy as Signet evaluates it (`../shared/spec/dfns-policies.md`): which
/// activity it covers, which of those it selects, and what it does to them. Framework-free: the
/// routes, the store and the wire shapes build on it.
public struct PolicyDefinition: Sendable {
    /// The activity kinds that govern access (Dfns' names).
    public static let accessActivityKinds: Set<String> = ["Permissions:Assign", "Permissions:Modify", "Policies:Modify"]
    /// Signet's own kinds: creating a PAT or a service account (with the roles it would hold).
    public static let tokenActivityKinds: Set<String> = ["Auth:Pats:Create", "Auth:ServiceAccounts:Create"]
    /// The kinds a `permissionId` filter selects by role.
    static let roleFilteredKinds: Set<String> = ["Permissions:Assign", "Permissions:Modify", "Auth:Pats:Create", "Auth:ServiceAccounts:Create"]

    public var id: String
    /// `Permissions:Assign`, `Permissions:Modify`, `Policies:Modify`, or (a Signet extension) the
    /// operation of a gateway route: requests to the team's own API held for approval.
    public var activityKind: String
    public var action: PolicyAction
    /// Which activities of the kind it selects; all when `nil`.
    public var filter: PolicyFilter?
    /// `false` once archived: an archived policy covers nothing.
    public var isActive: Bool

    public init(id: String, activityKind: String, action: PolicyAction, filter: PolicyFilter? = nil, isActive: Bool = true) {
        self.id = id
        self.activityKind = activityKind
        self.action = action
        self.filter = filter
        self.isActive = isActive
    }

    /// Refuses a policy that could never be satisfied or does not fit its activity kind: an
    /// unknown kind, no approval group or more than 10 (Signet's limit), a quorum below 1, above 100
    /// (Signet's limit) or above the approvers named, an approver named twice, `Block` on
    /// `Policies:Modify` (no one could ever change the policies again), `NoAction` (wallet
    /// activities only), a filter of the wrong kind or empty, a timeout outside 1 minute to 30 days
    /// (Signet's limit). Whether a group can be met for a given initiator is checked per approval.
    ///
    /// Any other well-formed operation name is a gateway kind here; whether a gateway route serves it
    /// is for the server to check when the policy is written (a stored one stays readable after the
    /// route is gone, so it can still be archived).
    public func validate() throws(PolicyRefusal) {
        guard isAccessActivity || OperationCatalog.isWellFormed(activityKind) else {
            throw .unknownActivityKind(activityKind)
        }
        switch action {
        case .block where ExactText.equals(activityKind, "Policies:Modify"): throw .blockOnPolicies
        case .block: break
        case .noAction: throw .noActionOnAccess
        case .requestApproval(let groups, let timeout):
            guard !groups.isEmpty, groups.count <= 10 else { throw .groupCount }
            for group in groups { try group.validate() }
            if let timeout, !(1...43_200).contains(timeout) { throw .timeout }
        }
        switch filter {
        case nil: break
        case .permissionIds(let ids)?:
            guard Self.roleFilteredKinds.contains(where: { ExactText.equals($0, activityKind) }) else { throw .filterKind }
            guard !ids.isEmpty else { throw .emptyFilter }
        case .policyIds(let ids)?:
            guard ExactText.equals(activityKind, "Policies:Modify") else { throw .filterKind }
            guard !ids.isEmpty else { throw .emptyFilter }
        }
    }

    /// Whether the policy governs one of Signet's own activities (Dfns' access activities and the
    /// token kinds); otherwise a gateway route's operation.
    public var isAccessActivity: Bool {
        Self.accessActivityKinds.union(Self.tokenActivityKinds).contains { ExactText.equals($0, activityKind) }
    }

    /// Whether the policy covers `activity` (active, same kind, and its filter selects it).
    public func covers(_ activity: PolicyActivity) -> Bool {
        guard isActive, activity.kind.utf8.elementsEqual(activityKind.utf8) else { return false }
        switch filter {
        case nil: return true
        case .permissionIds(let ids)?:
            let touched = (activity.permissionId.map { [$0] } ?? []) + activity.permissionIds
            return touched.contains { id in ids.contains { $0.utf8.elementsEqual(id.utf8) } }
        case .policyIds(let ids)?: return activity.policyId.map { id in ids.contains { $0.utf8.elementsEqual(id.utf8) } } ?? false
        }
    }
}

/// What a policy does to an activity it covers.
public enum PolicyAction: Sendable, Equatable {
    /// Hold the change until every group's quorum approves it; one denial rejects it; past
    /// `autoRejectTimeout` minutes it expires.
    case requestApproval(groups: [ApprovalGroup], autoRejectTimeout: Int?)
    /// Refuse the change.
    case block
    /// Dfns' wallet-only action; refused on access activities.
    case noAction
}

/// Which activities of its kind a policy selects.
public enum PolicyFilter: Sendable, Equatable {
    /// `Permissions:Assign` and `Permissions:Modify`: these permissions only.
    case permissionIds([String])
    /// `Policies:Modify`: changes to these policies only.
    case policyIds([String])
}

/// One group of approvers with its quorum.
public struct ApprovalGroup: Sendable, Equatable {
    public var name: String?
    /// How many distinct admitted approvers must approve.
    public var quorum: Int
    /// The users who may approve, or `nil` for any user of the organisation.
    public var approverIds: [String]?
    /// Whether the user who asked for the change may count towards this group.
    public var initiatorCanApprove: Bool

    public init(name: String? = nil, quorum: Int, approverIds: [String]? = nil, initiatorCanApprove: Bool = false) {
        self.name = name
        self.quorum = quorum
        self.approverIds = approverIds
        self.initiatorCanApprove = initiatorCanApprove
    }

    /// Whether `userId` may count towards this group for a change `initiatorId` asked for.
    public func admits(_ userId: String, initiatorId: String) -> Bool {
        if userId.utf8.elementsEqual(initiatorId.utf8) && !initiatorCanApprove { return false }
        guard let approverIds else { return true }
        return approverIds.contains { $0.utf8.elementsEqual(userId.utf8) }
    }

    func validate() throws(PolicyRefusal) {
        guard quorum >= 1, quorum <= 100 else { throw .quorum }
        guard let approverIds else { return }
        guard !approverIds.isEmpty, Set(approverIds.map { Array($0.utf8) }).count == approverIds.count else { throw .approvers }
        guard quorum <= approverIds.count else { throw .quorum }
    }
}

/// A change a policy may cover: its kind and what it touches.
public struct PolicyActivity: Sendable, Equatable {
    /// The activity kind, as policies name it.
    public var kind: String
    /// The permission assigned, revoked or changed (`Permissions:*`).
    public var permissionId: String?
    /// The roles a token being created would hold (`Auth:Pats:Create`, `Auth:ServiceAccounts:Create`):
    /// a `permissionId` filter naming any of them covers it.
    public var permissionIds: [String]
    /// The policy changed or archived (`Policies:Modify`).
    public var policyId: String?

    public init(kind: String, permissionId: String? = nil, permissionIds: [String] = [], policyId: String? = nil) {
        self.kind = kind
        self.permissionId = permissionId
        self.permissionIds = permissionIds
        self.policyId = policyId
    }
}

/// Why a policy is refused, in words a 400 can carry.
public enum PolicyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownActivityKind(String)
    case blockOnPolicies, noActionOnAccess, groupCount, quorum, approvers, timeout, filterKind, emptyFilter

    public var description: String {
        switch self {
        case .unknownActivityKind(let kind):
            "activityKind \(kind) is not one Signet governs (\(PolicyDefinition.accessActivityKinds.union(PolicyDefinition.tokenActivityKinds).sorted().joined(separator: ", ")), or the operation of a gateway route)"
        case .blockOnPolicies: "a Policies:Modify policy cannot Block: no one could change the policies again"
        case .noActionOnAccess: "NoAction applies to wallet activities only"
        case .groupCount: "RequestApproval needs 1 to 10 approval groups"
        case .quorum: "each approval group's quorum must be at least 1, at most 100 and at most the number of approvers it names"
        case .approvers: "approvers.userId.in must name at least one user, each once"
        case .timeout: "autoRejectTimeout must be 1 to 43200 minutes"
        case .filterKind:
            "filters.permissionId goes with Permissions:Assign, Permissions:Modify, Auth:Pats:Create and Auth:ServiceAccounts:Create, filters.policyId with Policies:Modify"
        case .emptyFilter: "a filter's in list must name at least one id"
        }
    }
}
