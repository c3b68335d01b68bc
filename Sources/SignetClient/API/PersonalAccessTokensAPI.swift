import Foundation
import NIOHTTP1
public import SignetAPI

/// `/auth/pats`.
public struct PersonalAccessTokensAPI: Sendable {
    let transport: Transport

    public func list() async throws -> [AccessToken] {
        try await transport.send(.GET, "/auth/pats", as: ListResponse<AccessToken>.self).items
    }

    /// Creates a PAT; the response's `accessToken` is shown this once.
    public func create(_ request: CreatePersonalAccessTokenRequest) async throws -> AccessToken {
        try await transport.send(.POST, "/auth/pats", body: request, signed: true)
    }

    public func get(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(.GET, "/auth/pats/\(tokenId)")
    }

    public func update(_ tokenId: String, _ request: UpdatePersonalAccessTokenRequest) async throws -> AccessToken {
        try await transport.send(.PUT, "/auth/pats/\(tokenId)", body: request, signed: true)
    }

    public func activate(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(.PUT, "/auth/pats/\(tokenId)/activate", signed: true)
    }

    public func deactivate(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(.PUT, "/auth/pats/\(tokenId)/deactivate", signed: true)
    }

    public func delete(_ tokenId: String) async throws -> AccessToken {
        try await transport.send(.DELETE, "/auth/pats/\(tokenId)", signed: true)
    }
}
