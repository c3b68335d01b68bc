package import Foundation
import SQLKit
import SignetAPI
package import SignetCore

extension SQLStore {
    /// When token `t` stops working, in SQL over `access_tokens t JOIN organizations o`: its own
    /// expiry, or for a PAT its organisation's lifetime limit when that comes first (as
    /// `TokenExtras.expiry(of:)` and the bearer check decide it).
    static let effectiveExpiry = """
        (CASE WHEN t.kind = 'Pat' AND o.maximum_pat_lifetime_days IS NOT NULL
            AND t.created_at + CAST(o.maximum_pat_lifetime_days AS BIGINT) * 86400000 < t.expires_at
        THEN t.created_at + CAST(o.maximum_pat_lifetime_days AS BIGINT) * 86400000 ELSE t.expires_at END)
        """

    package func inventoryTokens(
        orgId: String,
        filter: TokenInventoryFilter,
        at date: Date,
        afterId: String?,
        limit: Int
    ) async throws
        -> [AccessTokenRecord]
    {
        try await read { database in
            var query = SQLQueryString(
                """
                SELECT t.* FROM access_tokens t JOIN organizations o ON o.id = t.org_id LEFT JOIN token_usage u ON u.token_id = t.id
                WHERE t.org_id = \(bind: orgId) AND t.is_deleted = FALSE AND t.kind IN ('Pat', 'ServiceAccount')
                """
            )
            let now = date.milliseconds
            let expiry = Self.effectiveExpiry
            if let userId = filter.userId {
                query.appendLiteral(" AND t.user_id = ")
                query.appendInterpolation(bind: userId)
            }
            if let kind = filter.kind {
                query.appendLiteral(" AND t.kind = ")
                query.appendInterpolation(bind: kind.rawValue)
            }
            switch filter.state {
            case .active?:
                query.appendLiteral(" AND t.is_active = TRUE AND \(expiry) > ")
                query.appendInterpolation(bind: now)
            case .inactive?: query.appendLiteral(" AND t.is_active = FALSE")
            case .expired?:
                query.appendLiteral(" AND \(expiry) <= ")
                query.appendInterpolation(bind: now)
            case nil: break
            }
            if let before = filter.expiringBefore {
                query.appendLiteral(" AND \(expiry) > ")
                query.appendInterpolation(bind: now)
                query.appendLiteral(" AND \(expiry) <= ")
                query.appendInterpolation(bind: before.milliseconds)
            }
            if let since = filter.unusedSince {
                query.appendLiteral(" AND (u.last_used_at IS NULL OR u.last_used_at < ")
                query.appendInterpolation(bind: since.milliseconds)
                query.appendLiteral(")")
            }
            if filter.neverUsed { query.appendLiteral(" AND u.last_used_at IS NULL") }
            query.appendPage(after: afterId, column: "t.id", limit: limit)
            return try await database.raw(query).all(decoding: AccessTokenRecord.self)
        }
    }

    package func permissions(identityIds: [String]) async throws -> [String: PermissionSet] {
        guard !identityIds.isEmpty else { return [:] }
        let rows = try await read { database in
            try await database.raw(
                """
                SELECT x.identity AS identity, r.operations, r.grants_all FROM (
                    SELECT a.identity_id AS identity, a.permission_id AS role FROM assignments a WHERE a.identity_id IN (\(binds: identityIds))
                    UNION ALL
                    SELECT m.user_id AS identity, a.permission_id AS role FROM user_group_members m
                        JOIN assignments a ON a.identity_id = m.group_id WHERE m.user_id IN (\(binds: identityIds))
                ) x JOIN roles r ON r.id = x.role WHERE r.is_archived = FALSE
                """
            ).all()
        }
        var result = Dictionary(uniqueKeysWithValues: identityIds.map { ($0, PermissionSet.none) })
        for row in rows {
            let identity = try row.decode(column: "identity", as: String.self)
            let granted =
                try row.decode(column: "grants_all", as: Bool.self)
                ? PermissionSet.all : PermissionSet(operations: try row.decode(column: "operations", as: JSONText.self).wrappedValue)
            result[identity] = (result[identity] ?? .none).union(granted)
        }
        return result
    }
}
