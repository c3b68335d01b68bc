package import Foundation
import SQLKit

// Bookkeeping tables announce nothing (StoreTable.change is nil): these writes leave every cache
// warm. Each is an upsert or a conditional update, so racing writers never move a value back.
extension SQLStore {
    package func setRegistrationCode(userId: String, digest: String, expiresAt: Date) async throws -> UserRecord? {
        try await write(.registrationCodes) { database in
            guard
                let user = try await database.raw("SELECT * FROM users WHERE id = \(bind: userId) AND is_deleted = FALSE")
                    .first(decoding: UserRecord.self)
            else { return nil }
            try await database.raw(
                """
                INSERT INTO registration_codes (user_id, digest, expires_at, failures)
                VALUES (\(bind: userId), \(bind: digest), \(bind: expiresAt.milliseconds), 0)
                ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, expires_at = excluded.expires_at, failures = 0
                """
            ).run()
            return user
        }
    }

    package func registrationCode(userId: String) async throws -> RegistrationCodeRow? {
        try await read { database in
            try await database.raw("SELECT * FROM registration_codes WHERE user_id = \(bind: userId)").first(decoding: RegistrationCodeRow.self)
        }
    }

    package func consumeRegistrationCode(userId: String, digest: String, at date: Date) async throws -> Bool {
        // Registering the user is an authorization change, announced; the code itself is bookkeeping,
        // so a code that does not match announces nothing. One transaction: the code is never used
        // up without its user being registered.
        try await sqlTransaction { store in
            let used = try await store.write(.registrationCodes) { database in
                try await database.raw(
                    """
                    DELETE FROM registration_codes
                    WHERE user_id = \(bind: userId) AND digest = \(bind: digest) AND expires_at > \(bind: date.milliseconds)
                    RETURNING user_id
                    """
                ).first() != nil
            }
            guard used else { return false }
            let registered = try await store.write(.users) { database in
                try await database.raw(
                    "UPDATE users SET is_registered = TRUE WHERE id = \(bind: userId) AND is_deleted = FALSE AND is_active = TRUE RETURNING id"
                ).first() != nil
            }
            guard registered else { throw StoreError.notFound }  // rolls the code back: nothing is used up
            return true
        }
    }

    package func recordRegistrationCodeFailure(userId: String, digest: String) async throws {
        try await write(.registrationCodes) { database in
            // Only against the code that was guessed (a new one starts afresh). At the last allowed
            // failure the code expires at once (the janitor deletes it later).
            try await database.raw(
                """
                UPDATE registration_codes SET failures = failures + 1,
                    expires_at = CASE WHEN failures + 1 >= \(bind: maximumFailures) THEN 0 ELSE expires_at END
                WHERE user_id = \(bind: userId) AND digest = \(bind: digest)
                """
            ).run()
        }
    }

    package func signCount(of credential: CredentialRecord) async throws -> Int64 {
        max(credential.signCount, try await counter(of: credential)?.signCount ?? 0)
    }

    package func counter(of credential: CredentialRecord) async throws -> CredentialCounterRow? {
        try await read { database in
            try await database.raw("SELECT * FROM credential_counters WHERE credential_uuid = \(bind: credential.uuid)")
                .first(decoding: CredentialCounterRow.self)
        }
    }

    package func recordSignCount(uuid: String, signCount: Int64, at date: Date) async throws -> Bool {
        try await write(.credentialCounters) { database in
            try await database.raw(
                """
                INSERT INTO credential_counters (credential_uuid, sign_count, recorded_at)
                VALUES (\(bind: uuid), \(bind: signCount), \(bind: date.milliseconds))
                ON CONFLICT (credential_uuid) DO UPDATE SET sign_count = excluded.sign_count, recorded_at = excluded.recorded_at
                    WHERE credential_counters.sign_count < excluded.sign_count
                RETURNING sign_count
                """
            ).first() != nil
        }
    }

    package func recordTokenUses(_ uses: [String: Date]) async throws {
        let rows = uses.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: rows.count, by: 400) {
            let chunk = rows[start..<min(start + 400, rows.count)]
            try await write(.tokenUsage) { database in
                var query = SQLQueryString("INSERT INTO token_usage (token_id, last_used_at) VALUES ")
                for (index, use) in chunk.enumerated() {
                    query.appendLiteral(index == 0 ? "(" : ", (")
                    query.appendInterpolation(bind: use.key)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: use.value.milliseconds)
                    query.appendLiteral(")")
                }
                query.appendLiteral(
                    """
                     ON CONFLICT (token_id) DO UPDATE SET last_used_at = excluded.last_used_at
                        WHERE token_usage.last_used_at < excluded.last_used_at
                    """
                )
                try await database.raw(query).run()
            }
        }
    }

    package func lastUses(tokenIds: [String]) async throws -> [String: Date] {
        var uses: [String: Date] = [:]
        for start in stride(from: 0, to: tokenIds.count, by: 400) {
            let chunk = Array(tokenIds[start..<min(start + 400, tokenIds.count)])
            let rows = try await read { database in
                try await database.raw("SELECT * FROM token_usage WHERE token_id IN (\(binds: chunk))").all(decoding: TokenUsageRow.self)
            }
            for row in rows { uses[row.tokenId] = row.lastUsedAt }
        }
        return uses
    }
}
