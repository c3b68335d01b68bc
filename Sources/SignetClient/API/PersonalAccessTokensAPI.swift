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
}
