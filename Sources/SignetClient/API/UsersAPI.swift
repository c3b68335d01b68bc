import Foundation
public import SignetAPI

/// `/auth/users`.
public struct UsersAPI: Sendable {
    let transport: Transport

    /// One page of users.
    public func list(kind: UserKind? = nil, limit: Int? = nil, paginationToken: String? = nil) async throws -> ListResponse<User> {
        try await transport.send(
            Endpoints.listUsers,
            query: [("kind", kind?.rawValue), ("limit", limit.map(String.init)), ("paginationToken", paginationToken)]
        )
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
        try await transport.send(Endpoints.createUser, body: request)
    }

    public func get(_ userId: String) async throws -> User {
        try await transport.send(Endpoints.getUser, userId)
    }

    public func update(_ userId: String, _ request: UpdateUserRequest) async throws -> User {
        try await transport.send(Endpoints.updateUser, userId, body: request)
    }

    public func activate(_ userId: String) async throws -> User {
        try await transport.send(Endpoints.activateUser, userId)
    }

    public func deactivate(_ userId: String) async throws -> User {
        try await transport.send(Endpoints.deactivateUser, userId)
    }

    public func delete(_ userId: String) async throws -> User {
        try await transport.send(Endpoints.deleteUser, userId)
    }
}
