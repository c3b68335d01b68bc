import Foundation
import SQLKit
import SignetCore

/// The schema, as numbered migrations applied once each, in order, each in its own transaction.
///
/// The SQL is the common ground of SQLite and PostgreSQL: TEXT, BIGINT (times are Unix
/// milliseconds), BOOLEAN, partial unique indexes. Never edit a released migration; add one.
enum Migrations {
    static let all: [(version: Int, statements: [String])] = first + later

    /// Versions 1–6: the first schema, passkeys, audiences, bookkeeping, name keys, clone checks.
    static let first: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE organizations (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id),
                    username TEXT NOT NULL, username_key TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
                    is_active BOOLEAN NOT NULL, is_service_account BOOLEAN NOT NULL, is_registered BOOLEAN NOT NULL,
                    is_sso_required BOOLEAN NOT NULL, external_id TEXT, is_deleted BOOLEAN NOT NULL, created_by TEXT,
                    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX users_username ON users (org_id, username_key) WHERE is_deleted = FALSE",
                """
                CREATE TABLE credentials (
                    uuid TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id),
                    credential_id TEXT NOT NULL, identity_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
                    public_key TEXT NOT NULL, fingerprint TEXT NOT NULL, algorithm TEXT NOT NULL,
                    is_active BOOLEAN NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX credentials_fingerprint ON credentials (org_id, fingerprint)",
                "CREATE UNIQUE INDEX credentials_credential_id ON credentials (org_id, credential_id)",
                "CREATE INDEX credentials_identity ON credentials (identity_id)",
                """
                CREATE TABLE access_tokens (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), kind TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users (id), credential_uuid TEXT, name TEXT NOT NULL,
                    external_id TEXT, is_active BOOLEAN NOT NULL, is_deleted BOOLEAN NOT NULL,
                    token_digest TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL)
                """,
                "CREATE INDEX access_tokens_user ON access_tokens (user_id, kind)",
                """
                CREATE TABLE roles (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id), name TEXT NOT NULL,
                    operations TEXT NOT NULL, grants_all BOOLEAN NOT NULL, is_immutable BOOLEAN NOT NULL,
                    is_archived BOOLEAN NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX roles_name ON roles (org_id, name) WHERE is_archived = FALSE",
                """
                CREATE TABLE assignments (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations (id),
                    permission_id TEXT NOT NULL REFERENCES roles (id), identity_id TEXT NOT NULL,
                    is_immutable BOOLEAN NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX assignments_role_identity ON assignments (permission_id, identity_id)",
                "CREATE INDEX assignments_identity ON assignments (identity_id)",
                """
                CREATE TABLE challenges (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, purpose TEXT NOT NULL, user_id TEXT NOT NULL,
                    token_id TEXT, challenge TEXT NOT NULL, allowed_credential_ids TEXT NOT NULL, http_method TEXT,
                    http_path TEXT, payload TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
                """,
                """
                CREATE TABLE user_actions (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL, token_id TEXT NOT NULL,
                    token_kind TEXT NOT NULL, credential_uuid TEXT NOT NULL, challenge_id TEXT NOT NULL,
                    http_method TEXT NOT NULL, http_path TEXT NOT NULL, payload TEXT NOT NULL, client_data TEXT NOT NULL,
                    signature TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT,
                    result_status INTEGER)
                """,
                "CREATE INDEX user_actions_performed ON user_actions (org_id, used_at)",
                """
                CREATE TABLE signing_keys (
                    kid TEXT PRIMARY KEY, private_key TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
            ]
        ),
        // Passkeys (Fido2 credentials): the relying party and origin they were registered on, the
        // authenticator model, its signature counter, a flag for a counter that went backwards, its
        // backup flags (a synced passkey), deletion (kept, for the audit log), and
        // for user actions the authenticator data a passkey signed, for the audit log. Users get a
        // one-time registration code, kept only as its digest. Wrong answers are counted: a challenge
        // or a code dies after five.
        (
            2,
            [
                "ALTER TABLE credentials ADD COLUMN relying_party_id TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE credentials ADD COLUMN origin TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE credentials ADD COLUMN aaguid TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE credentials ADD COLUMN sign_count BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE credentials ADD COLUMN attestation TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE credentials ADD COLUMN is_flagged BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE credentials ADD COLUMN backup_eligible BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE credentials ADD COLUMN backed_up BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE credentials ADD COLUMN is_deleted BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE user_actions ADD COLUMN authenticator_data TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE users ADD COLUMN registration_code_digest TEXT",
                "ALTER TABLE users ADD COLUMN registration_code_expires_at BIGINT",
                "ALTER TABLE users ADD COLUMN registration_code_failures INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE challenges ADD COLUMN failures INTEGER NOT NULL DEFAULT 0",
            ]
        ),
        // Version 3: each user action names where it may be used (Signet, one gateway upstream, or a
        // verifying API), so one signed for one cannot be spent at another. Fast Auth nonces are
        // remembered, one row each (the primary key decides single use, on every node).
        (
            3,
            [
                "ALTER TABLE user_actions ADD COLUMN audience TEXT NOT NULL DEFAULT 'signet'",
                "CREATE TABLE fast_auth_nonces (nonce TEXT PRIMARY KEY, org_id TEXT NOT NULL, expires_at BIGINT NOT NULL)",
                "CREATE INDEX fast_auth_nonces_expiry ON fast_auth_nonces (expires_at)",
            ]
        ),
        // Version 4: bookkeeping moves out of the tables that decide who may do what, so writing it
        // empties no cache: passkey counters (the column in credentials keeps the count at
        // registration), registration codes (moved from users, with their failures) and last use.
        (
            4,
            [
                "CREATE TABLE credential_counters (credential_uuid TEXT PRIMARY KEY, sign_count BIGINT NOT NULL, recorded_at BIGINT NOT NULL)",
                """
                INSERT INTO credential_counters (credential_uuid, sign_count, recorded_at)
                SELECT uuid, sign_count, created_at FROM credentials WHERE sign_count > 0
                """,
                """
                CREATE TABLE registration_codes (
                    user_id TEXT PRIMARY KEY, digest TEXT NOT NULL, expires_at BIGINT NOT NULL, failures INTEGER NOT NULL)
                """,
                """
                INSERT INTO registration_codes (user_id, digest, expires_at, failures)
                SELECT id, registration_code_digest, registration_code_expires_at, registration_code_failures FROM users
                WHERE registration_code_digest IS NOT NULL AND registration_code_expires_at IS NOT NULL
                """,
                "ALTER TABLE users DROP COLUMN registration_code_digest",
                "ALTER TABLE users DROP COLUMN registration_code_expires_at",
                "ALTER TABLE users DROP COLUMN registration_code_failures",
                "CREATE TABLE token_usage (token_id TEXT PRIMARY KEY, last_used_at BIGINT NOT NULL)",
            ]
        ),
        // Version 5: a PAT's name is unique per user in the database, not only by a check before the
        // insert (two requests could race past it). The key is the name's canonical composition
        // (NFC), computed in Swift (``normalisePatNameKeys(_:)``) before the index is built.
        (
            5,
            [
                "ALTER TABLE access_tokens ADD COLUMN name_key TEXT NOT NULL DEFAULT ''",
                "UPDATE access_tokens SET name_key = name",
            ]
        ),
        // Version 6: a challenge keeps the signature counts its passkeys had when it was issued, so
        // an answer whose count is not above them is known to be a clone's, with no clock compared.
        (6, ["ALTER TABLE challenges ADD COLUMN passkey_counts TEXT NOT NULL DEFAULT '{}'"]),
    ]

    /// Migration 5's step that SQL cannot take, then its index: each live PAT's key becomes its
    /// name's canonical composition (NFC), compared by scalars (Swift's `==` calls the composed and
    /// decomposed forms equal). A name that clashes with an older PAT of the same person (a race
    /// before the index) keeps its name and gets the key `name U+0001 id`: names may hold no control
    /// character, so that key can be no one's name and no other row's key.
    static func normalisePatNameKeys(_ database: any SQLDatabase) async throws {
        let rows = try await database.raw(
            "SELECT id, user_id, name, name_key FROM access_tokens WHERE kind = 'Pat' AND is_deleted = FALSE ORDER BY created_at, id"
        ).all()
        var taken = Set<[String]>()
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let user = try row.decode(column: "user_id", as: String.self)
            var key = AccessTokenRecord.key(for: try row.decode(column: "name", as: String.self))
            if !taken.insert([user, key]).inserted {
                key += "\u{1}" + id
                taken.insert([user, key])
            }
            let stored = try row.decode(column: "name_key", as: String.self)
            if !key.unicodeScalars.elementsEqual(stored.unicodeScalars) {
                try await database.raw("UPDATE access_tokens SET name_key = \(bind: key) WHERE id = \(bind: id)").run()
            }
        }
        try await database.raw(
            "CREATE UNIQUE INDEX access_tokens_pat_name ON access_tokens (user_id, name_key) WHERE kind = 'Pat' AND is_deleted = FALSE"
        ).run()
    }

    /// Applies the migrations the database has not seen yet, then makes sure a token-signing key
    /// exists, all in one transaction under the driver's setup lock: when several nodes start at
    /// once, one does the work and the others find it done.
    /// `through` stops after that version (upgrade tests build an older store with it).
    static func apply(using driver: any DatabaseDriver, through last: Int = .max) async throws {
        try await driver.transaction { database in
            try await driver.lockForSetup(on: database)
            try await database.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"
            ).run()
            let applied = Set(
                try await database.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) }
            )
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for migration in all where !applied.contains(migration.version) && migration.version <= last {
                for statement in migration.statements {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                if migration.version == 5 { try await normalisePatNameKeys(database) }
                if migration.version == 13 { try await chainAuditRecords(database) }
                try await database.raw(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: migration.version), \(bind: now))"
                ).run()
            }
            if try await database.raw("SELECT kid FROM signing_keys").first() == nil {
                try await database.insertRow(SigningKeyRow(SigningKeyMaterial.generate()))
            }
        }
    }
}
