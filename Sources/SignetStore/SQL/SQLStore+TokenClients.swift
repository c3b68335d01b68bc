import Foundation
import SQLKit

// The last clients of each token: bookkeeping (StoreTable.tokenClients announces nothing), written
// in batches off the request path by the server's usage recorder.
extension SQLStore {
    package func recordTokenClients(_ clients: [TokenClientRow]) async throws {
        // One row per (token, address, agent): the latest time wins, whatever the batch's order.
        var latest: [String: TokenClientRow] = [:]
        for client in clients {
            let key = client.tokenId + "\u{0}" + client.address + "\u{0}" + client.userAgent
            if let known = latest[key], known.lastUsedAt >= client.lastUsedAt { continue }
            latest[key] = client
        }
        let rows = latest.values.sorted { ($0.tokenId, $0.address, $0.userAgent) < ($1.tokenId, $1.address, $1.userAgent) }
        for start in stride(from: 0, to: rows.count, by: 200) {
            let chunk = rows[start..<min(start + 200, rows.count)]
            try await write(.tokenClients) { database in
                try await database.raw(Self.upsert(chunk)).run()
                let tokens = Array(Set(chunk.map(\.tokenId))).sorted()
                // Keeps the newest `kept` of each token (ties broken by address and agent).
                try await database.raw(
                    """
                    DELETE FROM token_clients WHERE token_id IN (\(binds: tokens)) AND (
                        SELECT COUNT(*) FROM token_clients newer WHERE newer.token_id = token_clients.token_id
                            AND (newer.last_used_at > token_clients.last_used_at
                                OR (newer.last_used_at = token_clients.last_used_at
                                    AND (newer.address, newer.user_agent) > (token_clients.address, token_clients.user_agent)))
                    ) >= \(bind: TokenClientRow.kept)
                    """
                ).run()
            }
        }
    }

    private static func upsert(_ chunk: ArraySlice<TokenClientRow>) -> SQLQueryString {
        var query = SQLQueryString("INSERT INTO token_clients (token_id, address, user_agent, last_used_at) VALUES ")
        for (index, client) in chunk.enumerated() {
            query.appendLiteral(index == 0 ? "(" : ", (")
            query.appendInterpolation(bind: client.tokenId)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: client.address)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: client.userAgent)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: client.lastUsedAt.milliseconds)
            query.appendLiteral(")")
        }
        query.appendLiteral(
            """
             ON CONFLICT (token_id, address, user_agent) DO UPDATE SET last_used_at = excluded.last_used_at
                WHERE token_clients.last_used_at < excluded.last_used_at
            """
        )
        return query
    }

    package func tokenClients(tokenIds: [String]) async throws -> [String: [TokenClientRow]] {
        var clients: [String: [TokenClientRow]] = [:]
        for start in stride(from: 0, to: tokenIds.count, by: 400) {
            let chunk = Array(tokenIds[start..<min(start + 400, tokenIds.count)])
            let rows = try await read { database in
                try await database.raw(
                    """
                    SELECT * FROM token_clients WHERE token_id IN (\(binds: chunk))
                    ORDER BY last_used_at DESC, address DESC, user_agent DESC
                    """
                ).all(decoding: TokenClientRow.self)
            }
            // At most `kept` each, even when two nodes' trims raced and left one more for a while.
            for row in rows where clients[row.tokenId, default: []].count < TokenClientRow.kept { clients[row.tokenId, default: []].append(row) }
        }
        return clients
    }
}
