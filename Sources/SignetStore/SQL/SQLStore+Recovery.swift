package import Foundation
import SQLKit

extension SQLStore {
    package func setRecoveryCode(userId: String, digest: String, expiresAt: Date) async throws {
        try await write(.recoveryCodes) { database in
            try await database.raw(
                """
                INSERT INTO recovery_codes (user_id, digest, expires_at, failures)
                VALUES (\(bind: userId), \(bind: digest), \(bind: expiresAt.milliseconds), 0)
                ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, expires_at = excluded.expires_at, failures = 0
                """
            ).run()
        }
    }

    package func recoveryCode(userId: String) async throws -> RecoveryCodeRow? {
        try await read { database in
            try await database.raw("SELECT * FROM recovery_codes WHERE user_id = \(bind: userId)").first(decoding: RecoveryCodeRow.self)
        }
    }

    package func recordRecoveryCodeFailure(userId: String, digest: String) async throws {
        try await write(.recoveryCodes) { database in
            // As for registration codes: only against the code guessed; the last allowed failure ends it.
            try await database.raw(
                """
                UPDATE recovery_codes SET failures = failures + 1,
                    expires_at = CASE WHEN failures + 1 >= \(bind: maximumFailures) THEN 0 ELSE expires_at END
                WHERE user_id = \(bind: userId) AND digest = \(bind: digest)
                """
            ).run()
        }
    }

    package func consumeRecoveryCode(userId: String, digest: String, at date: Date) async throws -> Bool {
        try await write(.recoveryCodes) { database in
            try await database.raw(
                """
                DELETE FROM recovery_codes
                WHERE user_id = \(bind: userId) AND digest = \(bind: digest) AND expires_at > \(bind: date.milliseconds)
                RETURNING user_id
                """
            ).first() != nil
        }
    }
}
