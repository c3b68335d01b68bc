import Foundation
import NIOHTTP1
public import SignetAPI

/// `/auth/users`.
public struct UsersAPI: Sendable {
    let transport: Transport

    /// One page of users.
    public func list(kind: UserKind? = nil, limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<User> {
        try await transport.send(
            .GET, "/auth/users", query: [("kind", kind?.rawValue), ("limit", limit.map(String.init)), ("paginationToken", paginationToken)])
    }

    /// Every user, following `nextPageToken`.
    public func listAll(kind: UserKind? = nil) async throws -> [User] {
        var users: [User] = []
        var token: String?
        repeat {
            let page = try await list(kind: kind, limit: 500, paginationToken: token)
            users += page.items
            token = page.nextPageToken
        } while token != nil
        return users
    }

    public func create(_ request: CreateUserRequest) async throws -> User {
        try await transport.send(.POST, "/auth/users", body: request, signed: true)
    }

    public func get(_ userId: String) async throws -> User {
        try await transport.send(.GET, "/auth/users/\(userId)")
    }

    public func update(_ userId: String, _ request: UpdateUserRequest) async throws -> User {
        try await transport.send(.PUT, "/auth/users/\(userId)", body: request, signed: true)
    }

    public func activate(_ userId: String) async throws -> User {
        try await transport.send(.PUT, "/auth/users/\(userId)/activate", signed: true)
    }

    public func deactivate(_ userId: String) async throws -> User {
        try await transport.send(.PUT, "/auth/users/\(userId)/deactivate", signed: true)
    }

    public func delete(_ userId: String) async throws -> User {
        try await transport.send(.DELETE, "/auth/users/\(userId)", signed: true)
    }
}
