package import Foundation
import SQLKit
import SignetAPI

extension SQLStore {
    package func insertChallenge(_ challenge: ChallengeRecord) async throws {
        try await write(.challenges) { try await $0.insertRow(challenge) }
    }

    package func challenge(id: String) async throws -> ChallengeRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM challenges WHERE id = \(bind: id)").first(decoding: ChallengeRecord.self)
        }
    }

    package func consumeChallenge(id: String, at date: Date) async throws -> Bool {
        try await write(.challenges) { database in
            try await database.raw(
                """
                UPDATE challenges SET used_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: date.milliseconds)
                RETURNING id
                """
            ).first() != nil
        }
    }

    package func insertCredentialCode(_ code: CredentialCodeRow) async throws {
        try await write(.credentialCodes) { try await $0.insertRow(code) }
    }

    package func consumeCredentialCode(digest: String, at date: Date) async throws -> CredentialCodeRow? {
        try await write(.credentialCodes) { database in
            try await database.raw(
                """
                UPDATE credential_codes SET used_at = \(bind: date.milliseconds)
                WHERE digest = \(bind: digest) AND used_at IS NULL AND expires_at > \(bind: date.milliseconds)
                RETURNING *
                """
            ).first(decoding: CredentialCodeRow.self)
        }
    }

    package func recordChallengeFailure(id: String, at date: Date) async throws {
        try await write(.challenges) { database in
            try await database.raw(
                """
                UPDATE challenges SET failures = failures + 1,
                    used_at = CASE WHEN failures + 1 >= \(bind: maximumFailures) AND used_at IS NULL THEN \(bind: date.milliseconds)
                        ELSE used_at END
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    package func purgeExpired(before date: Date) async throws -> Int {
        try await write(.challenges, .userActions, .fastAuthNonces, .registrationCodes, .recoveryCodes, .credentialCodes, .tokenUsage, .tokenClients) {
            database in
            try await database.raw("DELETE FROM fast_auth_nonces WHERE expires_at < \(bind: date.milliseconds)").run()
            try await database.raw("DELETE FROM recovery_codes WHERE expires_at < \(bind: date.milliseconds)").run()
            try await database.raw("DELETE FROM credential_codes WHERE expires_at < \(bind: date.milliseconds)").run()
            try await database.raw("DELETE FROM registration_codes WHERE expires_at < \(bind: date.milliseconds)").run()
            // Driven by the small table: each recorded use looks up its own token.
            try await database.raw(
                """
                DELETE FROM token_usage WHERE EXISTS (
                    SELECT 1 FROM access_tokens t WHERE t.id = token_usage.token_id
                        AND (t.is_deleted = TRUE OR t.expires_at < \(bind: date.milliseconds)))
                """
            ).run()
            try await database.raw(
                """
                DELETE FROM token_clients WHERE EXISTS (
                    SELECT 1 FROM access_tokens t WHERE t.id = token_clients.token_id
                        AND (t.is_deleted = TRUE OR t.expires_at < \(bind: date.milliseconds)))
                """
            ).run()
            let challenges = try await database.raw(
                "DELETE FROM challenges WHERE expires_at < \(bind: date.milliseconds) RETURNING id"
            ).all().count
            let actions = try await database.raw(
                "DELETE FROM user_actions WHERE used_at IS NULL AND expires_at < \(bind: date.milliseconds) RETURNING id"
            ).all().count
            return challenges + actions
        }
    }

    package func userAction(id: String) async throws -> UserActionRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM user_actions WHERE id = \(bind: id)").first(decoding: UserActionRecord.self)
        }
    }

    package func recordUserActionResult(id: String, status: Int, outcome: String?) async throws {
        try await write(.userActions) { database in
            try await database.raw(
                "UPDATE user_actions SET result_status = \(bind: status), outcome = \(bind: outcome) WHERE id = \(bind: id)"
            ).run()
        }
    }

    package func performedUserActions(
        orgId: String,
        from: Date,
        to: Date,
        userId: String?,
        limit: Int
    ) async throws
        -> [UserActionRecord]
    {
        try await read { database in
            var query = SQLQueryString(
                """
                SELECT * FROM user_actions WHERE org_id = \(bind: orgId) AND used_at IS NOT NULL
                    AND used_at >= \(bind: from.milliseconds) AND used_at <= \(bind: to.milliseconds)
                """
            )
            if let userId {
                query.appendLiteral(" AND user_id = ")
                query.appendInterpolation(bind: userId)
            }
            query.appendLiteral(" ORDER BY used_at DESC, id DESC LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all(decoding: UserActionRecord.self)
        }
    }

}
