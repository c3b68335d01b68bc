import AsyncHTTPClient
import Foundation
import SignetAPI
import SignetClient
import SignetCore

/// `signet-bench load --as-other-user`: the signed writes made by a person of their own, not by the
/// administrator whose PAT list the reads of a mixed load return, so that what the writes cost the
/// reads is what any other user's writes would cost them.
enum OtherUser {
    /// The operation the writer needs: to make its PAT (renaming one's own PAT needs none).
    static let operations = ["Auth:Pats:Create"]

    /// Creates a person with a key and a role holding ``operations`` (the administrator's `session`
    /// signs), and logs them in.
    static func session(
        administrator session: SignetClient,
        admin: LoadCommand.Admin,
        http: HTTPClient,
        configuration: SignetClient.Configuration
    ) async throws -> SignetClient {
        let key = try PrivateKey.generate(.ecdsaP256)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let user = try await session.users.create(
            CreateUserRequest(email: "bench-writer-\(suffix)@example.com", publicKey: key.publicKey.pemRepresentation)
        )
        let role = try await session.permissions.create(CreatePermissionRequest(name: "bench-writer-\(suffix)", operations: operations))
        _ = try await session.permissions.assign(role.id, to: user.userId)
        return try await SignetClient.login(
            baseURL: admin.baseUrl,
            organizationID: admin.orgId,
            username: user.username,
            signer: KeySigner(credentialID: user.credentialUuid, privateKey: key),
            configuration: configuration,
            httpClient: http
        )
    }
}
