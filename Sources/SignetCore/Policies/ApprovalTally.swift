public import Foundation

/// One approver's decision on an approval.
public struct ApprovalDecision: Sendable, Equatable {
    /// `Approved` or `Denied`, as the Dfns API spells them.
    public enum Value: String, Sendable {
        case approved = "Approved"
        case denied = "Denied"
    }

    /// The user who decided.
    public var userId: String
    public var value: Value
    /// When the decision was recorded (decisions from the expiry on do not count).
    public var date: Date

    public init(userId: String, value: Value, date: Date) {
        self.userId = userId
        self.value = value
        self.date = date
    }
}

/// Where an approval stands. Only `pending` ever changes.
public enum ApprovalStatus: String, Sendable {
    case pending = "Pending"
    case approved = "Approved"
    case denied = "Denied"
    case expired = "Expired"
}

/// Why a decision is refused.
public enum ApprovalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The approval is approved, denied or expired.
    case notPending(ApprovalStatus)
    /// The user has decided on it already.
    case alreadyDecided
    /// The initiator tried to approve, and no group lets them (they may deny, to cancel).
    case initiatorCannotApprove
    /// No group admits the user.
    case notAnApprover
    /// The user is deactivated.
    case inactive

    public var description: String {
        switch self {
        case .notPending(let status): "the approval is \(status.rawValue), no longer pending"
        case .alreadyDecided: "this user has already decided on this approval"
        case .initiatorCannotApprove: "the initiator of the change may only deny it (to cancel it): no approval group lets them approve"
        case .notAnApprover: "this user is not an approver in any of the approval's groups"
        case .inactive: "a deactivated user cannot decide"
        }
    }
}

/// Counts the decisions on one approval against its requirement, as Dfns does: a user's approval
/// counts in every group that admits them (named there, or anyone; the initiator only where the
/// group allows it), so overlapping groups need fewer people than their quorums add up to; one
/// denial by an admitted user or by the initiator (who cancels) denies it. Safer where it matters:
/// an approval counts only while its approver is active (a deactivated approver's no longer
/// does), a denial counts whatever happens to its author later, no decision from the expiry on
/// counts, a requirement without groups is never met, and a status once resolved never changes.
public struct ApprovalTally: Sendable {
    public var requirement: ApprovalRequirement
    public var initiatorId: String
    public var expiresAt: Date?

    public init(requirement: ApprovalRequirement, initiatorId: String, expiresAt: Date?) {
        self.requirement = requirement
        self.initiatorId = initiatorId
        self.expiresAt = expiresAt
    }

    /// The status `decisions` give, from the stored `current` one (returned as it is unless pending).
    public func status(of decisions: [ApprovalDecision], activeUserIds: Set<String>, now: Date, current: ApprovalStatus = .pending) -> ApprovalStatus {
        guard current == .pending else { return current }
        let active = Set(activeUserIds.map { Array($0.utf8) })
        let inTime = decisions.filter { decision in expiresAt.map { decision.date < $0 } ?? true }
        let denied = inTime.contains { $0.value == .denied && (isInitiator($0.userId) || admitted($0.userId)) }
        if denied { return .denied }
        // Past the expiry nothing settles it any more (not even approvals that count again).
        if let expiresAt, now >= expiresAt { return .expired }
        let approvers = inTime.filter { $0.value == .approved && active.contains(Array($0.userId.utf8)) }.map(\.userId)
        let met = !requirement.groups.isEmpty && requirement.groups.allSatisfy { entry in
            let counted = Set(approvers.filter { entry.group.admits($0, initiatorId: initiatorId) }.map { Array($0.utf8) })
            return counted.count >= max(entry.group.quorum, 1)
        }
        return met ? .approved : .pending
    }

    /// Refuses a decision that may not be taken: on an approval no longer pending, a second one by
    /// the same user, one by a deactivated user, an approval by the initiator where no group lets
    /// them, or any decision by a user no group admits.
    public func check(
        _ value: ApprovalDecision.Value,
        by userId: String,
        on decisions: [ApprovalDecision],
        activeUserIds: Set<String>,
        now: Date,
        current: ApprovalStatus = .pending
    ) throws(ApprovalRefusal) {
        let status = status(of: decisions, activeUserIds: activeUserIds, now: now, current: current)
        guard status == .pending else { throw .notPending(status) }
        guard !decisions.contains(where: { ExactText.equals($0.userId, userId) }) else { throw .alreadyDecided }
        guard activeUserIds.contains(where: { ExactText.equals($0, userId) }) else { throw .inactive }
        if admitted(userId) || (value == .denied && isInitiator(userId)) { return }
        throw isInitiator(userId) ? .initiatorCannotApprove : .notAnApprover
    }

    /// Whether some group admits `userId` as an approver of this approval.
    public func admits(_ userId: String) -> Bool { admitted(userId) }

    private func admitted(_ userId: String) -> Bool {
        requirement.groups.contains { $0.group.admits(userId, initiatorId: initiatorId) }
    }

    private func isInitiator(_ userId: String) -> Bool { ExactText.equals(userId, initiatorId) }
}
