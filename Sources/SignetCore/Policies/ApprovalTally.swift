public import Foundation

/// One approver's decision on an approval.
public struct ApprovalDecision: Sendable, Equatable {
    public enum Value: String, Sendable {
        case approved = "Approved"
        case denied = "Denied"
    }

    public var userId: String
    public var value: Value
    public var date: Date

    public init(userId: String, value: Value, date: Date) {
        self.userId = userId
        self.value = value
        self.date = date
    }
}

/// Where an approval stands.
public enum ApprovalStatus: String, Sendable {
    case pending = "Pending"
    case approved = "Approved"
    case denied = "Denied"
    case expired = "Expired"
}

/// Why a decision is refused.
public enum ApprovalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case notPending(ApprovalStatus)
    case alreadyDecided
    case initiatorCannotApprove
    case notAnApprover

    public var description: String {
        switch self {
        case .notPending(let status): "the approval is \(status.rawValue), no longer pending"
        case .alreadyDecided: "this user has already decided on this approval"
        case .initiatorCannotApprove: "the initiator of the change may not decide on it (no group allows it)"
        case .notAnApprover: "this user is not an approver in any of the approval's groups"
        }
    }
}

/// Counts the decisions on one approval against its requirement. Only decisions by users who may
/// count for a group (named there, or anyone; the initiator only where the group allows it) and
/// who are still active count, so a deactivated approver's decision no longer does: one such
/// denial denies the approval, and it is approved when every group has reached its quorum.
public struct ApprovalTally: Sendable {
    public var requirement: ApprovalRequirement
    public var initiatorId: String
    public var expiresAt: Date?

    public init(requirement: ApprovalRequirement, initiatorId: String, expiresAt: Date?) {
        self.requirement = requirement
        self.initiatorId = initiatorId
        self.expiresAt = expiresAt
    }

    /// The status `decisions` give, for the users still active.
    public func status(of decisions: [ApprovalDecision], activeUserIds: Set<String>, now: Date) -> ApprovalStatus {
        let counted = decisions.filter { decision in
            activeUserIds.contains(decision.userId)
                && requirement.groups.contains { $0.group.admits(decision.userId, initiatorId: initiatorId) }
        }
        if counted.contains(where: { $0.value == .denied }) { return .denied }
        let approvers = counted.filter { $0.value == .approved }.map(\.userId)
        let met = requirement.groups.allSatisfy { entry in
            Set(approvers.filter { entry.group.admits($0, initiatorId: initiatorId) }).count >= entry.group.quorum
        }
        if met { return .approved }
        if let expiresAt, now >= expiresAt { return .expired }
        return .pending
    }

    /// Refuses a decision by `userId` that may not be taken: on an approval no longer pending, a
    /// second one by the same user, or one by a user no group admits.
    public func check(decisionBy userId: String, on decisions: [ApprovalDecision], activeUserIds: Set<String>, now: Date) throws(ApprovalRefusal) {
        let status = status(of: decisions, activeUserIds: activeUserIds, now: now)
        guard status == .pending else { throw .notPending(status) }
        guard !decisions.contains(where: { $0.userId.utf8.elementsEqual(userId.utf8) }) else { throw .alreadyDecided }
        guard requirement.groups.contains(where: { $0.group.admits(userId, initiatorId: initiatorId) }) else {
            throw userId.utf8.elementsEqual(initiatorId.utf8) ? .initiatorCannotApprove : .notAnApprover
        }
    }
}
