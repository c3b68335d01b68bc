import Foundation
import SQLKit
import SignetCore

extension Migrations {
    /// Versions 7 onwards: groups, codes, recovery, webhooks, settings, last clients, the audit chain, policies.
    static let later: [(version: Int, statements: [String])] = [
        // Version 7: user groups. A role assigned to a group (its id as the assignment's identity)
        // is held by every member.
        (
            7,
            [
                """
                CREATE TABLE user_groups (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), name TEXT NOT NULL,
                    name_key TEXT NOT NULL, description TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX user_groups_name ON user_groups (org_id, name_key)",
                """
                CREATE TABLE user_group_members (
                    group_id TEXT NOT NULL REFERENCES user_groups (id), user_id TEXT NOT NULL REFERENCES users (id),
                    created_at BIGINT NOT NULL, PRIMARY KEY (group_id, user_id))
                """,
                "CREATE INDEX user_group_members_user ON user_group_members (user_id)",
            ]
        ),
        // Version 8: one-time codes for adding a credential from another device, as digests.
        (
            8,
            [
                """
                CREATE TABLE credential_codes (
                    digest TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users (id),
                    expires_at BIGINT NOT NULL, used_at BIGINT, created_at BIGINT NOT NULL)
                """
            ]
        ),
        // Version 9: account recovery (a RecoveryKey's encrypted private key, and recovery codes), and
        // the session a credential code belongs to.
        (
            9,
            [
                "ALTER TABLE credentials ADD COLUMN encrypted_private_key TEXT",
                "ALTER TABLE credential_codes ADD COLUMN token_id TEXT NOT NULL DEFAULT ''",
                """
                CREATE TABLE recovery_codes (
                    user_id TEXT NOT NULL REFERENCES users (id), digest TEXT NOT NULL, expires_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, digest))
                """,
            ]
        ),
        // Version 10: webhooks, their delivery attempts (the outbox), the lease that lets one node
        // deliver at a time, and the token-expiry notices already sent. An attempt names its webhook
        // without a foreign key: an event recorded as its webhook is deleted must not fail the change
        // it reports; the dispatcher drops attempts whose webhook is gone.
        (
            10,
            [
                """
                CREATE TABLE webhooks (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), url TEXT NOT NULL,
                    events TEXT NOT NULL, status TEXT NOT NULL, description TEXT, secret TEXT NOT NULL, previous_secret TEXT,
                    previous_secret_until BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX webhooks_org ON webhooks (org_id)",
                """
                CREATE TABLE webhook_events (
                    id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, org_id TEXT NOT NULL,
                    kind TEXT NOT NULL, data TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL, error TEXT,
                    timestamp_sent BIGINT, delivery_attempt INTEGER NOT NULL, retry_of TEXT, delivery_failed BOOLEAN NOT NULL,
                    due_at BIGINT, next_attempt_at BIGINT)
                """,
                "CREATE INDEX webhook_events_webhook ON webhook_events (webhook_id, id)",
                "CREATE INDEX webhook_events_due ON webhook_events (due_at) WHERE due_at IS NOT NULL",
                "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)",
                "CREATE TABLE token_expiry_notices (token_id TEXT NOT NULL, days INTEGER NOT NULL, PRIMARY KEY (token_id, days))",
                "CREATE INDEX access_tokens_expiry ON access_tokens (expires_at)",
            ]
        ),
        // Version 11: an organisation's longest PAT lifetime.
        (11, ["ALTER TABLE organizations ADD COLUMN maximum_pat_lifetime_days INTEGER"]),
        // Version 12: the last five clients (address and user agent) of each token; bookkeeping,
        // like token_usage, so writing it empties no cache.
        (
            12,
            [
                """
                CREATE TABLE token_clients (
                    token_id TEXT NOT NULL, address TEXT NOT NULL, user_agent TEXT NOT NULL, last_used_at BIGINT NOT NULL,
                    PRIMARY KEY (token_id, address, user_agent))
                """
            ]
        ),
        // Version 13: the audit log as a hash chain per organisation (SQLStore+AuditChain.swift);
        // the records already there are chained in the order they were used (``chainAuditRecords``).
        (
            13,
            [
                "ALTER TABLE user_actions ADD COLUMN chain_index BIGINT",
                "ALTER TABLE user_actions ADD COLUMN chain_previous TEXT",
                "ALTER TABLE user_actions ADD COLUMN chain_hash TEXT",
                "CREATE UNIQUE INDEX user_actions_chain ON user_actions (org_id, chain_index) WHERE chain_index IS NOT NULL",
            ]
        ),
        // Version 14: policies and approvals (Dfns Policies v2). One decision per approver and
        // approval (the primary key), so two nodes cannot both count the same person.
        (
            14,
            [
                """
                CREATE TABLE policies (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), name TEXT NOT NULL,
                    activity_kind TEXT NOT NULL, rule TEXT NOT NULL, action TEXT NOT NULL, filters TEXT,
                    is_active BOOLEAN NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX policies_org ON policies (org_id, activity_kind)",
                """
                CREATE TABLE policy_approvals (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), initiator_id TEXT NOT NULL,
                    status TEXT NOT NULL, activity TEXT NOT NULL, requirement TEXT NOT NULL, approvers TEXT NOT NULL, basis BIGINT,
                    expires_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, resolved_at BIGINT)
                """,
                "CREATE INDEX policy_approvals_org ON policy_approvals (org_id, status)",
                """
                CREATE TABLE policy_decisions (
                    approval_id TEXT NOT NULL REFERENCES policy_approvals (id), user_id TEXT NOT NULL, value TEXT NOT NULL,
                    reason TEXT, created_at BIGINT NOT NULL, PRIMARY KEY (approval_id, user_id))
                """,
            ]
        ),
        // Version 15: what a signed request did beyond its status (held for approval, an approval
        // settled and its change applied), noted on its audit record like the status.
        (15, ["ALTER TABLE user_actions ADD COLUMN outcome TEXT"]),
    ]

    /// Migration 13's step that SQL cannot take: each organisation's audit records, in the order
    /// they were used, get their places and hashes in its chain. A page at a time, reading only the
    /// columns the hash covers (as they were at version 13).
    static func chainAuditRecords(_ database: any SQLDatabase) async throws {
        var heads: [String: (index: Int64, hash: String)] = [:]
        var after: (orgId: String, usedAt: Int64, id: String)?
        while true {
            var query = SQLQueryString("SELECT \(unsafeRaw: ChainSource.columns) FROM user_actions WHERE used_at IS NOT NULL")
            if let after {
                query.appendLiteral(" AND (org_id, used_at, id) > (")
                query.appendInterpolation(bind: after.orgId)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: after.usedAt)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: after.id)
                query.appendLiteral(")")
            }
            query.appendLiteral(" ORDER BY org_id, used_at, id LIMIT 500")
            let page = try await database.raw(query).all(decoding: ChainSource.self)
            for source in page {
                let head = heads[source.orgId] ?? (0, AuditChain.genesis)
                let hash = source.entry(index: head.index + 1, previous: head.hash).hash
                try await database.raw(
                    """
                    UPDATE user_actions SET chain_index = \(bind: head.index + 1), chain_previous = \(bind: head.hash),
                        chain_hash = \(bind: hash)
                    WHERE id = \(bind: source.id)
                    """
                ).run()
                heads[source.orgId] = (head.index + 1, hash)
            }
            guard let last = page.last, page.count == 500 else { return }
            after = (last.orgId, last.usedAt, last.id)
        }
    }

    /// A used user action's columns as the chain's hash covers them, at schema version 13.
    private struct ChainSource: Decodable {
        static let columns = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
        let id, orgId, userId, tokenId, tokenKind, credentialUuid, challengeId, httpMethod, httpPath: String
        let payload, clientData, signature, authenticatorData, audience: String
        let createdAt, usedAt: Int64

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, orgId = "org_id", userId = "user_id", tokenId = "token_id", tokenKind = "token_kind"
            case credentialUuid = "credential_uuid", challengeId = "challenge_id", httpMethod = "http_method", httpPath = "http_path"
            case payload, clientData = "client_data", signature, authenticatorData = "authenticator_data", audience
            case createdAt = "created_at", usedAt = "used_at"
        }

        func entry(index: Int64, previous: String) -> AuditChain.Entry {
            AuditChain.Entry(
                id: id, orgId: orgId, userId: userId, tokenId: tokenId, tokenKind: tokenKind, credentialUuid: credentialUuid,
                challengeId: challengeId, httpMethod: httpMethod, httpPath: httpPath, payloadDigest: AuditChain.payloadDigest(payload),
                clientData: clientData, signature: signature, authenticatorData: authenticatorData, audience: audience,
                createdAt: createdAt, usedAt: usedAt, index: index, previous: previous
            )
        }
    }
}
