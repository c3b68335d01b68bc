import Foundation
import SQLKit
import SignetAPI

extension SQLStore {
    public func insertChallenge(_ challenge: ChallengeRecord) async throws {
        try await write(.challenges) { database in
            try await database.raw(
                """
                INSERT INTO challenges (id, org_id, purpose, user_id, token_id, challenge, allowed_credential_ids,
                    http_method, http_path, payload, created_at, expires_at, used_at)
                VALUES (\(bind: challenge.id), \(bind: challenge.orgId), \(bind: challenge.purpose.rawValue),
                    \(bind: challenge.userId), \(bind: challenge.tokenId), \(bind: challenge.challenge),
                    \(bind: jsonText(challenge.allowedCredentialIds)), \(bind: challenge.httpMethod),
                    \(bind: challenge.httpPath), \(bind: challenge.payload), \(bind: challenge.createdAt.milliseconds),
                    \(bind: challenge.expiresAt.milliseconds), \(bind: challenge.usedAt?.milliseconds))
                """
            ).run()
        }
    }

    public func challenge(id: String) async throws -> ChallengeRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM challenges WHERE id = \(bind: id)").first().map { row in
                ChallengeRecord(
                    id: try row.string("id"), orgId: try row.string("org_id"),
                    purpose: try row.enumeration("purpose", as: ChallengePurpose.self), userId: try row.string("user_id"),
                    tokenId: try row.optionalString("token_id"), challenge: try row.string("challenge"),
                    allowedCredentialIds: try row.stringArray("allowed_credential_ids"),
                    httpMethod: try row.optionalString("http_method"), httpPath: try row.optionalString("http_path"),
                    payload: try row.optionalString("payload"), createdAt: try row.date("created_at"),
                    expiresAt: try row.date("expires_at"), usedAt: try row.optionalDate("used_at"))
            }
        }
    }

    public func consumeChallenge(id: String, at date: Date) async throws -> Bool {
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

    public func purgeExpired(before date: Date) async throws -> Int {
        try await write(.challenges, .userActions) { database in
            let challenges = try await database.raw(
                "DELETE FROM challenges WHERE expires_at < \(bind: date.milliseconds) RETURNING id"
            ).all().count
            let actions = try await database.raw(
                "DELETE FROM user_actions WHERE used_at IS NULL AND expires_at < \(bind: date.milliseconds) RETURNING id"
            ).all().count
            return challenges + actions
        }
    }

    public func insertUserAction(_ action: UserActionRecord) async throws {
        try await write(.userActions) { database in
            try await database.raw(
                """
                INSERT INTO user_actions (id, org_id, user_id, token_id, token_kind, credential_uuid, challenge_id,
                    http_method, http_path, payload, client_data, signature, created_at, expires_at, used_at, result_status)
                VALUES (\(bind: action.id), \(bind: action.orgId), \(bind: action.userId), \(bind: action.tokenId),
                    \(bind: action.tokenKind.rawValue), \(bind: action.credentialUuid), \(bind: action.challengeId),
                    \(bind: action.httpMethod), \(bind: action.httpPath), \(bind: action.payload),
                    \(bind: action.clientData), \(bind: action.signature), \(bind: action.createdAt.milliseconds),
                    \(bind: action.expiresAt.milliseconds), \(bind: action.usedAt?.milliseconds), \(bind: action.resultStatus))
                """
            ).run()
        }
    }

    public func userAction(id: String) async throws -> UserActionRecord? {
        try await read { database in
            try await database.raw("SELECT * FROM user_actions WHERE id = \(bind: id)").first().map(Self.userAction(from:))
        }
    }

    public func consumeUserAction(id: String, at date: Date) async throws -> Bool {
        try await write(.userActions) { database in
            try await database.raw(
                """
                UPDATE user_actions SET used_at = \(bind: date.milliseconds)
                WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: date.milliseconds)
                RETURNING id
                """
            ).first() != nil
        }
    }

    public func recordUserActionResult(id: String, status: Int) async throws {
        try await write(.userActions) { database in
            try await database.raw("UPDATE user_actions SET result_status = \(bind: status) WHERE id = \(bind: id)").run()
        }
    }

    public func performedUserActions(orgId: String, from: Date, to: Date, userId: String?, limit: Int) async throws
        -> [UserActionRecord]
    {
        try await read { database in
            var query = SQLQueryString(
                """
                SELECT * FROM user_actions WHERE org_id = \(bind: orgId) AND used_at IS NOT NULL
                    AND used_at >= \(bind: from.milliseconds) AND used_at <= \(bind: to.milliseconds)
                """)
            if let userId { query.appendLiteral(" AND user_id = "); query.appendInterpolation(bind: userId) }
            query.appendLiteral(" ORDER BY used_at DESC, id DESC LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all().map(Self.userAction(from:))
        }
    }

    static func userAction(from row: any SQLRow) throws -> UserActionRecord {
        UserActionRecord(
            id: try row.string("id"), orgId: try row.string("org_id"), userId: try row.string("user_id"),
            tokenId: try row.string("token_id"), tokenKind: try row.enumeration("token_kind", as: TokenKind.self),
            credentialUuid: try row.string("credential_uuid"), challengeId: try row.string("challenge_id"),
            httpMethod: try row.string("http_method"), httpPath: try row.string("http_path"),
            payload: try row.string("payload"), clientData: try row.string("client_data"),
            signature: try row.string("signature"), createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"), usedAt: try row.optionalDate("used_at"),
            resultStatus: try row.optionalInt("result_status"))
    }
}
