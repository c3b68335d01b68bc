package import Foundation
import SQLKit
import SignetAPI
package import SignetCore

// The audit log's hash chain (SignetCore's AuditChain). A user action joins its organisation's
// chain in the transaction that makes it an audit record (the one that sets `used_at`), under the
// organisation's chain lock: on PostgreSQL an advisory transaction lock, so appends from every node
// queue one after another and the chain stays one chain (the unique index on (org_id, chain_index)
// would refuse a fork outright); on SQLite the single writer already orders them.
extension SQLStore {
    package func insertUserAction(_ action: UserActionRecord) async throws {
        guard action.usedAt != nil else {
            try await write(.userActions) { try await $0.insertRow(action) }
            return
        }
        try await sqlTransaction { store in
            let chained = try await store.chained(action)
            try await store.write(.userActions) { try await $0.insertRow(chained) }
        }
    }

    package func consumeUserAction(id: String, at date: Date, resultStatus: Int?, outcome: String?) async throws -> Bool {
        try await sqlTransaction { store in
            let used = try await store.write(.userActions) { database in
                try await database.raw(
                    """
                    UPDATE user_actions SET used_at = \(bind: date.milliseconds)
                    WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: date.milliseconds)
                    RETURNING *
                    """
                ).first(decoding: UserActionRecord.self)
            }
            guard let used else { return false }
            let chained = try await store.chained(used)
            try await store.write(.userActions) { database in
                try await database.raw(
                    """
                    UPDATE user_actions SET chain_index = \(bind: chained.chainIndex), chain_previous = \(bind: chained.chainPrevious),
                        chain_hash = \(bind: chained.chainHash), result_status = \(bind: resultStatus),
                        outcome = \(bind: outcome)
                    WHERE id = \(bind: id)
                    """
                ).run()
            }
            return true
        }
    }

    package func useFastAuthNonce(
        _ nonce: String,
        orgId: String,
        until expiry: Date,
        recording action: UserActionRecord
    ) async throws -> Bool {
        do {
            try await sqlTransaction { store in
                do {
                    try await store.write(.fastAuthNonces) { database in
                        try await database.insertRow(FastAuthNonceRow(nonce: nonce, orgId: orgId, expiresAt: expiry))
                    }
                } catch StoreError.conflict {
                    throw NonceSeen()  // only this statement's conflict means the nonce was used
                }
                let chained = try await store.chained(action)
                try await store.write(.userActions) { try await $0.insertRow(chained) }
            }
            return true
        } catch is NonceSeen {
            return false
        }
    }

    /// The nonce's row was there already.
    private struct NonceSeen: Error {}

    package func auditRecords(orgId: String, after index: Int64, limit: Int) async throws -> [UserActionRecord] {
        try await read { database in
            try await database.raw(
                """
                SELECT * FROM user_actions WHERE org_id = \(bind: orgId) AND chain_index > \(bind: index)
                ORDER BY chain_index LIMIT \(bind: limit)
                """
            ).all(decoding: UserActionRecord.self)
        }
    }

    /// `action` (used) with its place in its organisation's chain. Call inside a transaction: it
    /// takes the organisation's chain lock, held until the transaction ends.
    func chained(_ action: UserActionRecord) async throws -> UserActionRecord {
        try await lock("audit-chain:" + action.orgId)
        let head = try await read { database in
            try await database.raw(
                """
                SELECT chain_index, chain_hash FROM user_actions WHERE org_id = \(bind: action.orgId) AND chain_index IS NOT NULL
                ORDER BY chain_index DESC LIMIT 1
                """
            ).first()
        }
        let index = (try head?.decode(column: "chain_index", as: Int64.self) ?? 0) + 1
        let previous = try head?.decode(column: "chain_hash", as: String.self) ?? AuditChain.genesis
        return action.chained(index: index, previous: previous)
    }
}

extension UserActionRecord {
    /// The fields the chain's hash covers, at `index` after `previous`. Only used actions are
    /// chained (each caller has just set `usedAt`), so the fallback to `createdAt` never applies.
    package func chainEntry(index: Int64, previous: String) -> AuditChain.Entry {
        AuditChain.Entry(
            id: id, orgId: orgId, userId: userId, tokenId: tokenId, tokenKind: tokenKind.rawValue, credentialUuid: credentialUuid,
            challengeId: challengeId, httpMethod: httpMethod, httpPath: httpPath, payloadDigest: AuditChain.payloadDigest(payload),
            clientData: clientData,
            signature: signature, authenticatorData: authenticatorData, audience: audience, createdAt: createdAt.milliseconds,
            usedAt: (usedAt ?? createdAt).milliseconds, index: index, previous: previous
        )
    }

    /// The record with its chain fields set.
    func chained(index: Int64, previous: String) -> UserActionRecord {
        var record = self
        record.chainIndex = index
        record.chainPrevious = previous
        record.chainHash = chainEntry(index: index, previous: previous).hash
        return record
    }
}
