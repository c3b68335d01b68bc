package import Foundation
import SQLKit

extension SQLStore {
    package func insertPolicy(_ policy: PolicyRecord) async throws {
        try await write(.policies) { try await $0.insertRow(policy) }
    }

    package func policy(id: String) async throws -> PolicyRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM policies WHERE id = \(bind: id)").first(decoding: PolicyRecord.self)
        }
    }

    package func policies(orgId: String, isActive: Bool?, afterId: String?, limit: Int) async throws -> [PolicyRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM policies WHERE org_id = \(bind: orgId)")
            if let isActive {
                query.appendLiteral(" AND is_active = ")
                query.appendInterpolation(bind: isActive)
            }
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: PolicyRecord.self)
        }
    }

    package func activePolicies(orgId: String, activityKind: String) async throws -> [PolicyRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM policies WHERE org_id = \(bind: orgId) AND activity_kind = \(bind: activityKind) AND is_active = TRUE
                ORDER BY id
                """
            ).all(decoding: PolicyRecord.self)
        }
    }

    package func updatePolicy(_ policy: PolicyRecord, basis: Int64) async throws -> Bool {
        try await write(.policies) { database in
            try await database.raw(
                """
                UPDATE policies SET name = \(bind: policy.name), activity_kind = \(bind: policy.activityKind),
                    rule = \(bind: policy.rule), action = \(bind: policy.action), filters = \(bind: policy.filters),
                    is_active = \(bind: policy.isActive), updated_at = \(bind: policy.updatedAt.milliseconds)
                WHERE id = \(bind: policy.id) AND updated_at = \(bind: basis) RETURNING id
                """
            ).first() != nil
        }
    }

    package func insertApproval(_ approval: ApprovalRecord) async throws {
        try await write(.policyApprovals) { try await $0.insertRow(approval) }
    }

    package func approval(id: String) async throws -> ApprovalRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM policy_approvals WHERE id = \(bind: id)").first(decoding: ApprovalRecord.self)
        }
    }

    package func approvals(
        orgId: String,
        status: String?,
        initiatorId: String?,
        approverId: String?,
        now: Date,
        afterId: String?,
        limit: Int
    ) async throws -> [ApprovalRecord] {
        try await read { database in
            var query = SQLQueryString("SELECT * FROM policy_approvals WHERE org_id = \(bind: orgId)")
            switch status {
            case nil: break
            case "Pending"?:
                query.appendLiteral(" AND status = 'Pending' AND (expires_at IS NULL OR expires_at > ")
                query.appendInterpolation(bind: now.milliseconds)
                query.appendLiteral(")")
            case "Expired"?:
                query.appendLiteral(" AND (status = 'Expired' OR (status = 'Pending' AND expires_at <= ")
                query.appendInterpolation(bind: now.milliseconds)
                query.appendLiteral("))")
            case let status?:
                query.appendLiteral(" AND status = ")
                query.appendInterpolation(bind: status)
            }
            if let initiatorId {
                query.appendLiteral(" AND initiator_id = ")
                query.appendInterpolation(bind: initiatorId)
            }
            if let approverId {
                // Ids are checked to be user ids (letters, digits, dashes): no LIKE wildcard in them.
                query.appendLiteral(" AND (approvers LIKE '% * %' OR approvers LIKE ")
                query.appendInterpolation(bind: "% \(approverId) %")
                query.appendLiteral(" OR id IN (SELECT approval_id FROM policy_decisions WHERE user_id = ")
                query.appendInterpolation(bind: approverId)
                query.appendLiteral("))")
            }
            query.appendPage(after: afterId, limit: limit)
            return try await database.raw(query).all(decoding: ApprovalRecord.self)
        }
    }

    package func resolveApproval(id: String, status: String, activity: String, at date: Date) async throws -> Bool {
        try await write(.policyApprovals) { database in
            try await database.raw(
                """
                UPDATE policy_approvals SET status = \(bind: status), activity = \(bind: activity),
                    updated_at = \(bind: date.milliseconds), resolved_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND status = 'Pending' RETURNING id
                """
            ).first() != nil
        }
    }

    package func recordForward(id: String, activity: String, at date: Date) async throws -> Bool {
        try await write(.policyApprovals) { database in
            try await database.raw(
                """
                UPDATE policy_approvals SET activity = \(bind: activity), updated_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND status = 'Approved' RETURNING id
                """
            ).first() != nil
        }
    }

    package func insertDecision(_ decision: ApprovalDecisionRow) async throws {
        try await write(.policyDecisions) { try await $0.insertRow(decision) }
    }

    package func decisions(approvalId: String) async throws -> [ApprovalDecisionRow] {
        try await decisions(approvalIds: [approvalId])
    }

    package func decisions(approvalIds: [String]) async throws -> [ApprovalDecisionRow] {
        guard !approvalIds.isEmpty else { return [] }
        return try await read { database in
            try await database.raw(
                "SELECT * FROM policy_decisions WHERE approval_id IN (\(binds: approvalIds)) ORDER BY created_at, user_id"
            ).all(decoding: ApprovalDecisionRow.self)
        }
    }
}
