import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import Testing

extension APIClient {
    /// Creates a service account with a fresh key; returns it and an identity that uses its token.
    func createServiceAccount(
        as identity: Identity,
        name: String = "sa-\(UUID().uuidString.prefix(8))",
        permissionId: String? = nil,
        algorithm: KeyAlgorithm = .ed25519
    ) async throws -> (ServiceAccount, Identity) {
        let signer = try TestSigner.generate(algorithm)
        let request = CreateServiceAccountRequest(name: name, publicKey: signer.publicKeyPEM, permissionId: permissionId)
        let reply = try await signed(.post, "/auth/service-accounts", as: identity, body: try json(request))
        #expect(reply.status == .ok, "create service account: \(reply.body)")
        let account = try reply.decode(ServiceAccount.self)
        let token = try #require(account.accessTokens.first)
        return (account, Identity(token: try #require(token.accessToken), signer: signer.with(credentialId: token.credId)))
    }

    /// Creates a person with a fresh key through the API; returns them and their signer.
    func createUser(as identity: Identity, email: String) async throws -> (User, TestSigner) {
        let signer = try TestSigner.generate(.ecdsaP256)
        let reply = try await signed(
            .post,
            "/auth/users",
            as: identity,
            body: try json(CreateUserRequest(email: email, publicKey: signer.publicKeyPEM))
        )
        #expect(reply.status == .ok, "create user: \(reply.body)")
        let user = try reply.decode(User.self)
        let credentials = try await send(.get, "/auth/users/\(user.userId)", token: identity.token)
        #expect(credentials.status == .ok)
        return (user, signer)
    }

    /// Creates a role through the API.
    func createRole(
        as identity: Identity,
        name: String = "role-\(UUID().uuidString.prefix(8))",
        operations: [String]
    ) async throws
        -> Permission
    {
        let reply = try await signed(.post, "/permissions", as: identity, body: try json(CreatePermissionRequest(name: name, operations: operations)))
        #expect(reply.status == .ok, "create role: \(reply.body)")
        return try reply.decode(Permission.self)
    }

    /// Assigns a role through the API.
    @discardableResult
    func assign(_ permissionId: String, to identityId: String, as identity: Identity) async throws -> Assignment {
        let reply = try await signed(
            .post,
            "/permissions/\(permissionId)/assignments",
            as: identity,
            body: try json(CreateAssignmentRequest(identityId: identityId))
        )
        #expect(reply.status == .ok, "assign: \(reply.body)")
        return try reply.decode(Assignment.self)
    }

    /// Adds a new Key credential for `identity`, signed by its current key; returns the new credential
    /// and the identity signing with the new key (same bearer token).
    func addCredential(for identity: Identity, algorithm: KeyAlgorithm = .ecdsaP256) async throws -> (Credential, Identity) {
        let challenge = try await send(
            .post,
            "/auth/credentials/init",
            token: identity.token,
            body: try json(CreateCredentialChallengeRequest(kind: .key))
        ).decode(CredentialChallenge.self)
        let key = try PrivateKey.generate(algorithm)
        let (clientData, attestationData) = try KeyAttestation.make(challenge: challenge.challenge, key: key)
        let credId = Base64URL.encode(Identifier.randomBytes(32))
        let request = CreateCredentialRequest(
            credentialInfo: KeyCredentialInfo(credId: credId, clientData: clientData, attestationData: attestationData),
            credentialName: "rotated",
            challengeIdentifier: challenge.challengeIdentifier
        )
        let reply = try await signed(.post, "/auth/credentials", as: identity, body: try json(request))
        #expect(reply.status == .ok, "add credential: \(reply.body)")
        let credential = try reply.decode(Credential.self)
        return (credential, Identity(token: identity.token, signer: TestSigner(credentialId: credId, key: key)))
    }

    /// Logs a person in; a signer without a credId takes the one the login challenge lists.
    func session(_ username: String, orgId: String, signer: TestSigner) async throws -> Identity {
        var signer = signer
        if signer.credentialId.isEmpty {
            let challenge = try await send(
                .post,
                "/auth/login/init",
                body: try json(LoginChallengeRequest(username: username, orgId: orgId))
            ).decode(UserActionChallenge.self)
            signer = signer.with(credentialId: try #require(challenge.allowCredentials.key.first?.id))
        }
        return Identity(token: try await login(username: username, orgId: orgId, signer: signer), signer: signer)
    }
}
