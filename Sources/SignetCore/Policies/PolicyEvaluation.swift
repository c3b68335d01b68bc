public import Foundation

/// What the policies in force say about one activity.
public enum PolicyOutcome: Sendable, Equatable {
    /// No active policy covers it: apply it.
    case notCovered
    /// A `Block` policy covers it (these): refuse it. A block wins over any approval.
    case blocked(policyIds: [String])
    /// Hold it for approval: every group of every triggered policy must reach its quorum.
    case approvalRequired(ApprovalRequirement)

    /// The outcome for `activity` under `policies` (archived ones play no part). A covering policy
    /// that fails ``PolicyDefinition/validate()`` (damaged in storage, say) blocks: it fails closed.
    public static func evaluate(_ activity: PolicyActivity, under policies: [PolicyDefinition]) -> PolicyOutcome {
        let triggered = policies.filter { $0.covers(activity) }
        guard !triggered.isEmpty else { return .notCovered }
        let blocking = triggered.filter { policy in
            if case .block = policy.action { return true }
            do { try policy.validate() } catch { return true }
            return false
        }.map(\.id)
        guard blocking.isEmpty else { return .blocked(policyIds: blocking) }
        var groups: [ApprovalRequirement.Group] = []
        var timeouts: [Int] = []
        for policy in triggered {
            guard case .requestApproval(let policyGroups, let timeout) = policy.action else { continue }
            groups += policyGroups.map { ApprovalRequirement.Group(policyId: policy.id, group: $0) }
            if let timeout { timeouts.append(timeout) }
        }
        guard !groups.isEmpty else { return .blocked(policyIds: triggered.map(\.id)) }
        return .approvalRequired(ApprovalRequirement(groups: groups, policyIds: triggered.map(\.id), autoRejectTimeout: timeouts.min()))
    }

    /// The outcome for creating a policy (`target` nil), or for changing or archiving `target`:
    /// what the `Policies:Modify` policies say, and, when `target` is active and asks for approvals
    /// itself, its own groups as well, so no one can quietly weaken or remove an approval rule
    /// without the approvals it requires. (A `Block` policy's own action is not applied to its
    /// change: no one could ever remove it.)
    public static func evaluatePolicyChange(of target: PolicyDefinition?, under policies: [PolicyDefinition]) -> PolicyOutcome {
        let base = evaluate(PolicyActivity(kind: "Policies:Modify", policyId: target?.id), under: policies)
        guard let target, target.isActive, case .requestApproval(let own, let timeout) = target.action else { return base }
        let ownGroups = own.map { ApprovalRequirement.Group(policyId: target.id, group: $0) }
        switch base {
        case .blocked: return base
        case .notCovered:
            return .approvalRequired(ApprovalRequirement(groups: ownGroups, policyIds: [target.id], autoRejectTimeout: timeout))
        case .approvalRequired(var requirement):
            guard !requirement.policyIds.contains(where: { ExactText.equals($0, target.id) }) else { return base }
            requirement.groups += ownGroups
            requirement.policyIds.append(target.id)
            requirement.autoRejectTimeout = [requirement.autoRejectTimeout, timeout].compactMap { $0 }.min()
            return .approvalRequired(requirement)
        }
    }
}

/// The approvals a held activity needs: the groups of every triggered policy, and the shortest
/// of their timeouts.
public struct ApprovalRequirement: Sendable, Equatable {
    /// One group to satisfy, and the policy it comes from.
    public struct Group: Sendable, Equatable {
        public var policyId: String
        public var group: ApprovalGroup

        public init(policyId: String, group: ApprovalGroup) {
            self.policyId = policyId
            self.group = group
        }
    }

    /// Every group of every triggered policy; each must reach its quorum.
    public var groups: [Group]
    /// The policies that triggered.
    public var policyIds: [String]
    /// Minutes until the approval expires, if any policy sets a timeout.
    public var autoRejectTimeout: Int?

    public init(groups: [Group], policyIds: [String], autoRejectTimeout: Int?) {
        self.groups = groups
        self.policyIds = policyIds
        self.autoRejectTimeout = autoRejectTimeout
    }

    /// When an approval created at `created` expires, if it does.
    public func expiration(from created: Date) -> Date? {
        autoRejectTimeout.map { created.addingTimeInterval(TimeInterval($0) * 60) }
    }
}
