package import Foundation
import SQLKit

extension SQLStore {
    package func addRecoveryCode(userId: String, digest: String, expiresAt: Date, at date: Date, keeping limit: Int) async throws -> Bool {
        try await write(.recoveryCodes) { database in
            let outstanding =
                try await database.raw(
                    "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = \(bind: userId) AND expires_at > \(bind: date.milliseconds)"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            guard outstanding < limit else { return false }
            try await database.raw(
                """
                INSERT INTO recovery_codes (user_id, digest, expires_at)
                VALUES (\(bind: userId), \(bind: digest), \(bind: expiresAt.milliseconds))
                """
            ).run()
            return true
        }
    }

    package func recoveryCodeIsValid(userId: String, digest: String, at date: Date) async throws -> Bool {
        try await read { database in
            try await database.raw(
                """
                SELECT user_id FROM recovery_codes
                WHERE user_id = \(bind: userId) AND digest = \(bind: digest) AND expires_at > \(bind: date.milliseconds)
                """
            ).first() != nil
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

    package func deleteOutstandingCodes(userId: String) async throws {
        try await write(.recoveryCodes, .registrationCodes, .credentialCodes) { database in
            try await database.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userId)").run()
            try await database.raw("DELETE FROM registration_codes WHERE user_id = \(bind: userId)").run()
            try await database.raw("DELETE FROM credential_codes WHERE user_id = \(bind: userId)").run()
        }
    }
}
