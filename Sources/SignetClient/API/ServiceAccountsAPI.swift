import Foundation
import NIOHTTP1
public import SignetAPI

/// `/auth/service-accounts`.
public struct ServiceAccountsAPI: Sendable {
    let transport: Transport

    public func list() async throws -> [ServiceAccount] {
        try await transport.send(.GET, "/auth/service-accounts", as: ListResponse<ServiceAccount>.self).items
    }

    /// Creates a service account; `accessTokens[0].accessToken` is shown this once.
    public func create(_ request: CreateServiceAccountRequest) async throws -> ServiceAccount {
        try await transport.send(.POST, "/auth/service-accounts", body: request, signed: true)
    }

    public func get(_ id: String) async throws -> ServiceAccount {
        try await transport.send(.GET, "/auth/service-accounts/\(id)")
    }

    public func update(_ id: String, _ request: UpdateServiceAccountRequest) async throws -> ServiceAccount {
        try await transport.send(.PUT, "/auth/service-accounts/\(id)", body: request, signed: true)
    }

    public func activate(_ id: String) async throws -> ServiceAccount {
        try await transport.send(.PUT, "/auth/service-accounts/\(id)/activate", signed: true)
    }

    public func deactivate(_ id: String) async throws -> ServiceAccount {
        try await transport.send(.PUT, "/auth/service-accounts/\(id)/deactivate", signed: true)
    }

    public func delete(_ id: String) async throws -> ServiceAccount {
        try await transport.send(.DELETE, "/auth/service-accounts/\(id)", signed: true)
    }
}
