import Foundation
public import SignetAPI

/// `/auth/pats`.
public struct PersonalAccessTokensAPI: Sendable {
    let transport: Transport

    public func list() async throws -> [AccessToken] {
        try await transport.send(Endpoints.listPats).items
    }

    /// Creates a PAT; the response's `accessToken` is shown this once.
    public func create(_ request: CreatePersonalAccessTokenRequest) async throws -> AccessToken {
        try await transport.send(Endpoints.createPat, body: request)
    }

    public func get(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(Endpoints.getPat, tokenId)
    }

    public func update(_ tokenId: String, _ request: UpdatePersonalAccessTokenRequest) async throws -> AccessToken {
        try await transport.send(Endpoints.updatePat, tokenId, body: request)
    }

    public func activate(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(Endpoints.activatePat, tokenId)
    }

    public func deactivate(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(Endpoints.deactivatePat, tokenId)
    }

    public func delete(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(Endpoints.deletePat, tokenId)
    }

    /// `GET /auth/tokens` (Signet's): the organisation's PATs and service-account tokens, for an
    /// administrator (`Auth:Users:Read`, and every operation of each token's user). Filters are
    /// query parameters: `userId`, `kind` (`Pat`, `ServiceAccount`), `state` (`active`,
    /// `inactive`, `expired`), `expiringBefore`, `unusedSince` (ISO-8601), `neverUsed`.
    public func inventory(_ filters: [String: String] = [:], limit: Int? = nil, paginationToken: String? = nil) async throws
        -> ListResponse<AccessToken>
    {
        let query = filters.sorted { $0.key < $1.key }.map { ($0.key, Optional($0.value)) }
        return try await transport.send(
            Endpoints.listTokens,
            query: query + [("limit", limit.map(String.init)), ("paginationToken", paginationToken)]
        )
    }
}
