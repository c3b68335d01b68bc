import Foundation
import SignetCore
import Testing

/// Policies and approvals as SignetCore decides them: which policies are acceptable, which
/// activities they cover, and when an approval is approved, denied or expired.
@Suite("Policies: definitions, evaluation and the approval tally")
struct PolicyTests {
    static let quorums = PolicyDefinition(
        id: "po-1",
        activityKind: "Permissions:Assign",
        action: .requestApproval(
            groups: [
                ApprovalGroup(name: "admins", quorum: 2, approverIds: ["us-a", "us-b", "us-c"]),
                ApprovalGroup(name: "security", quorum: 1, approverIds: ["us-d"]),
            ],
            autoRejectTimeout: 60
        )
    )

    @Test("A policy that could never be satisfied, or does not fit its kind, is refused")
    func validation() throws {
        try Self.quorums.validate()
        let approval = PolicyAction.requestApproval(groups: [ApprovalGroup(quorum: 1)], autoRejectTimeout: nil)
        let refused: [(PolicyDefinition, PolicyRefusal)] = [
            (PolicyDefinition(id: "p", activityKind: "wallets sign", action: approval), .unknownActivityKind("wallets sign")),
            (PolicyDefinition(id: "p", activityKind: "Policies:Modify", action: .block), .blockOnPolicies),
            (PolicyDefinition(id: "p", activityKind: "Permissions:Assign", action: .noAction), .noActionOnAccess),
            (PolicyDefinition(id: "p", activityKind: "Permissions:Assign", action: .requestApproval(groups: [], autoRejectTimeout: nil)), .groupCount),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 3, approverIds: ["us-a", "us-b"])], autoRejectTimeout: nil)
                ), .quorum
            ),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 0)], autoRejectTimeout: nil)
                ), .quorum
            ),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 1, approverIds: ["us-a", "us-a"])], autoRejectTimeout: nil)
                ), .approvers
            ),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 1)], autoRejectTimeout: 0)
                ), .timeout
            ),
            (PolicyDefinition(id: "p", activityKind: "Permissions:Assign", action: approval, filter: .policyIds(["po-1"])), .filterKind),
            (PolicyDefinition(id: "p", activityKind: "Policies:Modify", action: approval, filter: .permissionIds(["pm-1"])), .filterKind),
            (PolicyDefinition(id: "p", activityKind: "Permissions:Modify", action: approval, filter: .permissionIds([])), .emptyFilter),
            (PolicyDefinition(id: "p", activityKind: "Policies:Modify", action: approval, filter: .policyIds([])), .emptyFilter),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: Array(repeating: ApprovalGroup(quorum: 1), count: 11), autoRejectTimeout: nil)
                ), .groupCount
            ),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 101)], autoRejectTimeout: nil)
                ), .quorum
            ),
            (
                PolicyDefinition(
                    id: "p",
                    activityKind: "Permissions:Assign",
                    action: .requestApproval(groups: [ApprovalGroup(quorum: 1)], autoRejectTimeout: 43_201)
                ), .timeout
            ),
        ]
        for (policy, refusal) in refused {
            #expect(throws: refusal) { try policy.validate() }
        }
        try PolicyDefinition(id: "p", activityKind: "Permissions:Assign", action: .block).validate()
    }

    @Test("A policy covers its own kind, as its filter selects, and only while active")
    func coverage() {
        let filtered = PolicyDefinition(
            id: "po-2",
            activityKind: "Permissions:Assign",
            action: .block,
            filter: .permissionIds(["pm-admin"])
        )
        #expect(filtered.covers(PolicyActivity(kind: "Permissions:Assign", permissionId: "pm-admin")))
        #expect(!filtered.covers(PolicyActivity(kind: "Permissions:Assign", permissionId: "pm-reader")))
        #expect(!filtered.covers(PolicyActivity(kind: "Permissions:Assign")))
        #expect(!filtered.covers(PolicyActivity(kind: "Permissions:Modify", permissionId: "pm-admin")))
        // Ids compare as bytes: a canonically equivalent spelling (equal for String ==) is another id.
        let composed = PolicyDefinition(id: "po-4", activityKind: "Permissions:Assign", action: .block, filter: .permissionIds(["pm-caf\u{E9}"]))
        #expect("pm-caf\u{E9}" == "pm-cafe\u{301}")
        #expect(!composed.covers(PolicyActivity(kind: "Permissions:Assign", permissionId: "pm-cafe\u{301}")))
        let byPolicy = PolicyDefinition(id: "po-5", activityKind: "Policies:Modify", action: .requestApproval(groups: [ApprovalGroup(quorum: 1)], autoRejectTimeout: nil), filter: .policyIds(["po-1"]))
        #expect(byPolicy.covers(PolicyActivity(kind: "Policies:Modify", policyId: "po-1")))
        #expect(!byPolicy.covers(PolicyActivity(kind: "Policies:Modify", policyId: "po-2")))
        var archived = filtered
        archived.isActive = false
        #expect(!archived.covers(PolicyActivity(kind: "Permissions:Assign", permissionId: "pm-admin")))
        #expect(Self.quorums.covers(PolicyActivity(kind: "Permissions:Assign", permissionId: "anything")))
        // A token being created is covered when any role it would hold is named; without roles, only unfiltered.
        let tokens = PolicyDefinition(id: "po-6", activityKind: "Auth:Pats:Create", action: .block, filter: .permissionIds(["pm-admin"]))
        #expect((try? tokens.validate()) != nil)
        #expect(throws: PolicyRefusal.filterKind) { try PolicyDefinition(id: "p", activityKind: "Payments:Create", action: .block, filter: .permissionIds(["pm-1"])).validate() }
        #expect(tokens.covers(PolicyActivity(kind: "Auth:Pats:Create", permissionIds: ["pm-reader", "pm-admin"])))
        #expect(!tokens.covers(PolicyActivity(kind: "Auth:Pats:Create", permissionIds: ["pm-reader"])))
        #expect(!tokens.covers(PolicyActivity(kind: "Auth:Pats:Create")))
        #expect(!tokens.covers(PolicyActivity(kind: "Auth:ServiceAccounts:Create", permissionIds: ["pm-admin"])))
        #expect(tokens.isAccessActivity && !PolicyDefinition(id: "g", activityKind: "Wallets:Create", action: .block).isAccessActivity)
    }

    @Test("A block wins over approvals; the groups of every triggered policy are required, under the shortest timeout")
    func evaluation() {
        let activity = PolicyActivity(kind: "Permissions:Assign", permissionId: "pm-admin")
        #expect(PolicyOutcome.evaluate(activity, under: []) == .notCovered)
        #expect(PolicyOutcome.evaluate(PolicyActivity(kind: "Policies:Modify", policyId: "po-1"), under: [Self.quorums]) == .notCovered)
        let block = PolicyDefinition(id: "po-b", activityKind: "Permissions:Assign", action: .block)
        #expect(PolicyOutcome.evaluate(activity, under: [Self.quorums, block]) == .blocked(policyIds: ["po-b"]))
        // A covering policy that does not validate (damaged in storage) blocks rather than lets through.
        let damaged = PolicyDefinition(id: "po-d", activityKind: "Permissions:Assign", action: .requestApproval(groups: [], autoRejectTimeout: nil))
        #expect(PolicyOutcome.evaluate(activity, under: [damaged]) == .blocked(policyIds: ["po-d"]))
        let second = PolicyDefinition(
            id: "po-3",
            activityKind: "Permissions:Assign",
            action: .requestApproval(groups: [ApprovalGroup(quorum: 1)], autoRejectTimeout: 15)
        )
        guard case .approvalRequired(let requirement) = PolicyOutcome.evaluate(activity, under: [Self.quorums, second]) else {
            Issue.record("expected an approval")
            return
        }
        #expect(requirement.groups.map(\.policyId) == ["po-1", "po-1", "po-3"])
        #expect(requirement.autoRejectTimeout == 15)
        let created = Date(timeIntervalSince1970: 1_000)
        #expect(requirement.expiration(from: created) == created.addingTimeInterval(900))
    }

    static func tally(initiator: String = "us-a", initiatorCanApprove: Bool = false) -> ApprovalTally {
        var policy = Self.quorums
        if initiatorCanApprove, case .requestApproval(var groups, let timeout) = policy.action {
            groups[0].initiatorCanApprove = true
            policy.action = .requestApproval(groups: groups, autoRejectTimeout: timeout)
        }
        guard case .approvalRequired(let requirement) = PolicyOutcome.evaluate(PolicyActivity(kind: "Permissions:Assign"), under: [policy])
        else { preconditionFailure("the policy covers every assignment") }
        return ApprovalTally(requirement: requirement, initiatorId: initiator, expiresAt: Date(timeIntervalSince1970: 3_600))
    }

    static let now = Date(timeIntervalSince1970: 100)
    static let everyone: Set<String> = ["us-a", "us-b", "us-c", "us-d", "us-e"]

    static func decision(_ user: String, _ value: ApprovalDecision.Value = .approved) -> ApprovalDecision {
        ApprovalDecision(userId: user, value: value, date: now)
    }

    @Test("2 of 3 and 1 of 1: approved only when both quorums are met; the initiator and outsiders refused, each approver once")
    func quorums() throws {
        let tally = Self.tally()
        var decisions: [ApprovalDecision] = []
        func check(_ user: String, _ value: ApprovalDecision.Value = .approved) throws(ApprovalRefusal) {
            try tally.check(value, by: user, on: decisions, activeUserIds: Self.everyone, now: Self.now)
        }
        #expect(throws: ApprovalRefusal.initiatorCannotApprove) { try check("us-a") }
        #expect(throws: ApprovalRefusal.notAnApprover) { try check("us-e") }
        #expect(throws: ApprovalRefusal.notAnApprover) { try check("us-e", .denied) }
        for user in ["us-b", "us-d"] {
            try check(user)
            decisions.append(Self.decision(user))
            #expect(tally.status(of: decisions, activeUserIds: Self.everyone, now: Self.now) == .pending)
        }
        #expect(throws: ApprovalRefusal.alreadyDecided) { try check("us-b") }
        #expect(throws: ApprovalRefusal.inactive) {
            try tally.check(.approved, by: "us-c", on: decisions, activeUserIds: Self.everyone.subtracting(["us-c"]), now: Self.now)
        }
        try check("us-c")
        decisions.append(Self.decision("us-c"))
        #expect(tally.status(of: decisions, activeUserIds: Self.everyone, now: Self.now) == .approved)
        #expect(throws: ApprovalRefusal.notPending(.approved)) { try check("us-e") }
        // The initiator counts where a group allows it.
        let allowing = Self.tally(initiatorCanApprove: true)
        try allowing.check(.approved, by: "us-a", on: [], activeUserIds: Self.everyone, now: Self.now)
        #expect(allowing.status(of: ["us-a", "us-b", "us-d"].map { Self.decision($0) }, activeUserIds: Self.everyone, now: Self.now) == .approved)
    }

    @Test("One denial denies, the initiator's too (a cancel), and stays a denial when its author is deactivated")
    func denial() throws {
        let tally = Self.tally()
        #expect(tally.status(of: [Self.decision("us-b"), Self.decision("us-d", .denied)], activeUserIds: Self.everyone, now: Self.now) == .denied)
        try tally.check(.denied, by: "us-a", on: [], activeUserIds: Self.everyone, now: Self.now)
        #expect(tally.status(of: [Self.decision("us-a", .denied)], activeUserIds: Self.everyone, now: Self.now) == .denied)
        // A deactivated denier's denial still denies; the approvals given before cannot complete it.
        let decisions = [Self.decision("us-b"), Self.decision("us-d", .denied), Self.decision("us-c")]
        #expect(tally.status(of: decisions, activeUserIds: Self.everyone.subtracting(["us-d"]), now: Self.now) == .denied)
        // A user no group admits cannot deny it.
        #expect(tally.status(of: [Self.decision("us-e", .denied)], activeUserIds: Self.everyone, now: Self.now) == .pending)
    }

    @Test("A deactivated approver's approval no longer counts; nothing from the expiry on counts; a resolved status never changes")
    func deactivationExpiryFinality() {
        let tally = Self.tally()
        let approvals = ["us-b", "us-c", "us-d"].map { Self.decision($0) }
        let expiry = Date(timeIntervalSince1970: 3_600)
        #expect(tally.status(of: approvals, activeUserIds: Self.everyone.subtracting(["us-c"]), now: Self.now) == .pending)
        #expect(tally.status(of: [Self.decision("us-b")], activeUserIds: Self.everyone, now: expiry) == .expired)
        // Still pending at its expiry (approvals that met it are settled by the decision that met
        // them, so these only count again now): expired, never approved late.
        #expect(tally.status(of: approvals, activeUserIds: Self.everyone, now: expiry) == .expired)
        let late = ["us-b", "us-d"].map { Self.decision($0) } + [ApprovalDecision(userId: "us-c", value: .approved, date: expiry)]
        #expect(tally.status(of: late, activeUserIds: Self.everyone, now: expiry) == .expired)
        for status in [ApprovalStatus.approved, .denied, .expired] {
            #expect(tally.status(of: [], activeUserIds: Self.everyone, now: Self.now, current: status) == status)
            #expect(throws: ApprovalRefusal.notPending(status)) {
                try tally.check(.approved, by: "us-b", on: [], activeUserIds: Self.everyone, now: Self.now, current: status)
            }
        }
        // A requirement without groups (damaged in storage, say) is never met.
        let empty = ApprovalTally(requirement: ApprovalRequirement(groups: [], policyIds: [], autoRejectTimeout: nil), initiatorId: "us-a", expiresAt: nil)
        #expect(empty.status(of: approvals, activeUserIds: Self.everyone, now: Self.now) == .pending)
    }

    @Test("As in Dfns, one approval counts in every group that admits its approver")
    func overlappingGroups() {
        let requirement = ApprovalRequirement(
            groups: [
                .init(policyId: "po-1", group: ApprovalGroup(quorum: 2, approverIds: ["us-a", "us-b", "us-c"])),
                .init(policyId: "po-1", group: ApprovalGroup(quorum: 1, approverIds: ["us-c", "us-d"])),
            ],
            policyIds: ["po-1"],
            autoRejectTimeout: nil
        )
        let tally = ApprovalTally(requirement: requirement, initiatorId: "us-e", expiresAt: nil)
        #expect(tally.status(of: [Self.decision("us-a"), Self.decision("us-c")], activeUserIds: Self.everyone, now: Self.now) == .approved)
        #expect(tally.status(of: [Self.decision("us-a"), Self.decision("us-d")], activeUserIds: Self.everyone, now: Self.now) == .pending)
    }
}
