import Foundation
public import SignetAPI

/// `/auth/service-accounts`.
public struct ServiceAccountsAPI: Sendable {
    let transport: Transport

    public func list() async throws -> [ServiceAccount] {
        try await transport.send(Endpoints.listServiceAccounts).items
    }

    /// Creates a service account; `accessTokens[0].accessToken` is shown this once.
    public func create(_ request: CreateServiceAccountRequest) async throws -> ServiceAccount {
        try await transport.send(Endpoints.createServiceAccount, body: request)
    }

    public func get(_ id: String) async throws -> ServiceAccount {
        try await transport.send(Endpoints.getServiceAccount, id)
    }

    public func update(_ id: String, _ request: UpdateServiceAccountRequest) async throws -> ServiceAccount {
        try await transport.send(Endpoints.updateServiceAccount, id, body: request)
    }

    public func activate(_ id: String) async throws -> ServiceAccount {
        try await transport.send(Endpoints.activateServiceAccount, id)
    }

    public func deactivate(_ id: String) async throws -> ServiceAccount {
        try await transport.send(Endpoints.deactivateServiceAccount, id)
    }

    public func delete(_ id: String) async throws -> ServiceAccount {
        try await transport.send(Endpoints.deleteServiceAccount, id)
    }

    /// `POST /auth/service-accounts/credentials`: the calling service account adds a Key credential
    /// for `publicKey` (PEM), signed by its current key. Then sign with the new key and delete the
    /// old one with ``deleteCredential(_:)``: a rotation with overlap.
    public func addCredential(publicKey: String, name: String? = nil) async throws -> Credential {
        try await transport.send(
            Endpoints.createServiceAccountCredential,
            body: CreateServiceAccountCredentialRequest(publicKey: publicKey, name: name)
        )
    }

    /// `DELETE /auth/service-accounts/credentials/{credentialUuid}`: one of the calling service
    /// account's keys (never its last active one).
    public func deleteCredential(_ credentialUuid: String) async throws {
        let _: EmptyResponse = try await transport.send(Endpoints.deleteServiceAccountCredential, credentialUuid)
    }
}
