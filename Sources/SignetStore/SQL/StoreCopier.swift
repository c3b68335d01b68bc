import Foundation
import SQLKit

/// Copies every record of one SQL store into another, empty one (`signet migrate`), table by table
/// in dependency order, in one transaction on the target, then checks the counts.
public enum StoreCopier {
    /// How a column is read from one database and bound into the other.
    enum Column {
        case text(String), optionalText(String), bigint(String), optionalBigint(String), bool(String), optionalInt(String)

        var name: String {
            switch self {
            case .text(let name), .optionalText(let name), .bigint(let name), .optionalBigint(let name), .bool(let name),
                .optionalInt(let name):
                return name
            }
        }

        func value(in row: any SQLRow) throws -> any Encodable & Sendable {
            switch self {
            case .text(let name): return try row.decode(column: name, as: String.self)
            case .optionalText(let name): return try row.decode(column: name, as: String?.self)
            case .bigint(let name): return try row.decode(column: name, as: Int64.self)
            case .optionalBigint(let name): return try row.decode(column: name, as: Int64?.self)
            case .bool(let name): return try row.decode(column: name, as: Bool.self)
            case .optionalInt(let name): return try row.decode(column: name, as: Int?.self)
            }
        }
    }

    /// Every table that holds data, in an order that satisfies the foreign keys.
    static let tables: [(name: String, key: String, columns: [Column])] = [
        ("organizations", "id", [.text("id"), .text("name"), .bigint("created_at")]),
        ("users", "id", [
            .text("id"), .text("org_id"), .text("username"), .text("username_key"), .text("name"), .text("kind"),
            .bool("is_active"), .bool("is_service_account"), .bool("is_registered"), .bool("is_sso_required"),
            .optionalText("external_id"), .bool("is_deleted"), .optionalText("created_by"), .bigint("created_at"),
            .bigint("updated_at"),
        ]),
        ("credentials", "uuid", [
            .text("uuid"), .text("org_id"), .text("credential_id"), .text("identity_id"), .text("kind"), .text("name"),
            .text("public_key"), .text("fingerprint"), .text("algorithm"), .bool("is_active"), .bigint("created_at"),
        ]),
        ("access_tokens", "id", [
            .text("id"), .text("org_id"), .text("kind"), .text("user_id"), .optionalText("credential_uuid"), .text("name"),
            .optionalText("external_id"), .bool("is_active"), .bool("is_deleted"), .text("token_digest"), .bigint("created_at"),
            .bigint("updated_at"), .bigint("expires_at"),
        ]),
        ("roles", "id", [
            .text("id"), .text("org_id"), .text("name"), .text("operations"), .bool("grants_all"), .bool("is_immutable"),
            .bool("is_archived"), .bigint("created_at"), .bigint("updated_at"),
        ]),
        ("assignments", "id", [
            .text("id"), .text("org_id"), .text("permission_id"), .text("identity_id"), .bool("is_immutable"),
            .bigint("created_at"), .bigint("updated_at"),
        ]),
        ("challenges", "id", [
            .text("id"), .text("org_id"), .text("purpose"), .text("user_id"), .optionalText("token_id"), .text("challenge"),
            .text("allowed_credential_ids"), .optionalText("http_method"), .optionalText("http_path"), .optionalText("payload"),
            .bigint("created_at"), .bigint("expires_at"), .optionalBigint("used_at"),
        ]),
        ("user_actions", "id", [
            .text("id"), .text("org_id"), .text("user_id"), .text("token_id"), .text("token_kind"), .text("credential_uuid"),
            .text("challenge_id"), .text("http_method"), .text("http_path"), .text("payload"), .text("client_data"),
            .text("signature"), .bigint("created_at"), .bigint("expires_at"), .optionalBigint("used_at"),
            .optionalInt("result_status"),
        ]),
        ("signing_keys", "kid", [.text("kid"), .text("private_key"), .bigint("created_at")]),
    ]

    /// Why a copy was refused or failed its check.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies `source` into `target`, which must hold no organisation. Returns the row count per table,
    /// identical in both stores (checked after the copy).
    public static func copy(from source: SQLStore, to target: SQLStore) async throws -> [(table: String, rows: Int)] {
        guard try await target.organizations().isEmpty else {
            throw Failure(description: "the target already holds an organisation; migrate into an empty database")
        }
        let snapshot = try await read(source)
        try await target.driver.transaction { database in
            // The target's first start made its own signing key; the source's keys replace it.
            try await database.raw("DELETE FROM signing_keys").run()
            for (table, rows) in snapshot {
                guard let spec = tables.first(where: { $0.name == table }) else { continue }
                let names = spec.columns.map(\.name).joined(separator: ", ")
                for row in rows {
                    var query = SQLQueryString("INSERT INTO \(table) (\(names)) VALUES (")
                    for (index, value) in row.enumerated() {
                        if index > 0 { query.appendLiteral(", ") }
                        query.appendInterpolation(bind: value)
                    }
                    query.appendLiteral(")")
                    try await database.raw(query).run()
                }
            }
        }
        var counts: [(table: String, rows: Int)] = []
        for (table, rows) in snapshot {
            let sourceCount = rows.count
            let targetCount = try await count(table, in: target)
            guard sourceCount == targetCount else {
                throw Failure(description: "\(table): \(sourceCount) rows in the source but \(targetCount) in the target")
            }
            counts.append((table, targetCount))
        }
        target.changes.publish(.authorization)
        target.changes.publish(.signingKeys)
        return counts
    }

    /// Every table of `source`, read in one transaction: one consistent snapshot, even if something
    /// writes to the source meanwhile (SQLite: the write lock is held; PostgreSQL: REPEATABLE READ).
    static func read(_ source: SQLStore) async throws -> [(table: String, rows: [[any Encodable & Sendable]])] {
        let isShared = source.driver.isShared
        return try await source.driver.transaction { database in
            if isShared { try await database.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            var data: [(table: String, rows: [[any Encodable & Sendable]])] = []
            for table in tables {
                let columns = table.columns
                let rows = try await database.raw(
                    SQLQueryString("SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.key)")
                ).all()
                data.append((table.name, try rows.map { row in try columns.map { try $0.value(in: row) } }))
            }
            return data
        }
    }

    static func count(_ table: String, in store: SQLStore) async throws -> Int {
        try await store.read { database in
            try await database.raw(SQLQueryString("SELECT COUNT(*) AS n FROM \(table)")).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
