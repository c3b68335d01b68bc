import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

/// A service account's own keys (`/auth/service-accounts/credentials`): its key rotated with
/// overlap, as a PAT's can be.
@Suite("Service-account credentials")
struct ServiceAccountCredentialTests {
    @Test("A service account adds a key, signs with it, deletes the old one; the old key signs nothing after", arguments: TestDatabase.available)
    func rotation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (account, old) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let next = try TestSigner.generate(.ecdsaP256)
            let added = try await api.signed(
                .post,
                "/auth/service-accounts/credentials",
                as: old,
                body: try api.json(CreateServiceAccountCredentialRequest(publicKey: next.publicKeyPEM, name: "next"))
            )
            #expect(added.status == .ok, "\(added.body)")
            let credential = try added.decode(Credential.self)
            #expect(credential.kind == .key && credential.name == "next" && credential.isActive && credential.publicKey == next.publicKeyPEM)
            let rotated = Identity(token: old.token, signer: next.with(credentialId: credential.credentialId))

            // Both keys sign during the overlap; the old one is deleted with the new one's signature.
            let oldUuid = try #require(account.accessTokens.first?.credId)
            let listed = try await api.send(.get, "/auth/credentials", token: old.token).decode(ListResponse<Credential>.self)
            #expect(Set(listed.items.map(\.credentialUuid)).isSuperset(of: [credential.credentialUuid]) && listed.items.count == 2)
            let oldCredential = try #require(listed.items.first { $0.credentialId == oldUuid || $0.credentialUuid == oldUuid })
            let deleted = try await api.signed(.delete, "/auth/service-accounts/credentials/\(oldCredential.credentialUuid)", as: rotated)
            #expect(deleted.status == .ok, "\(deleted.body)")
            let refused = try await api.attemptUserAction(as: old)
            #expect(refused.status == .forbidden, "the old key signs nothing: \(refused.body)")
            #expect(try await api.send(.get, "/auth/users", token: rotated.token).status == .ok, "the token still works")

            // The last active key stays.
            let last = try await api.signed(.delete, "/auth/service-accounts/credentials/\(credential.credentialUuid)", as: rotated)
            #expect(last.status == .conflict && last.body.contains("last active credential"), "\(last.body)")
        }
    }

    @Test(
        "Refused: a person or a PAT, a key already registered, a bad key, an unknown field, another account's credential",
        arguments: TestDatabase.available
    )
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, account) = try await api.createServiceAccount(as: admin)
            let (other, _) = try await api.createServiceAccount(as: admin)
            let add = { (identity: Identity, body: String) in
                try await api.signed(.post, "/auth/service-accounts/credentials", as: identity, body: body)
            }
            let fresh = try api.json(CreateServiceAccountCredentialRequest(publicKey: try TestSigner.generate(.ed25519).publicKeyPEM))
            let person = try await add(admin, fresh)
            #expect(person.status == .forbidden && person.body.contains("service accounts"), "\(person.body)")
            let (_, pat) = try await api.createPat(as: admin)
            #expect(try await add(pat, fresh).status == .forbidden)
            let reused = try await add(account, try api.json(CreateServiceAccountCredentialRequest(publicKey: admin.signer.publicKeyPEM)))
            #expect(reused.status == .conflict, "\(reused.body)")
            let bad = try await add(account, #"{"publicKey":"not a key"}"#)
            #expect(bad.status == .badRequest && bad.body.contains("publicKey"), "\(bad.body)")
            let unknown = try await add(account, #"{"publicKey":"x","kind":"Key"}"#)
            #expect(unknown.status == .badRequest && unknown.body.contains("unknown_field"), "\(unknown.body)")
            let othersKey = try #require(other.accessTokens.first?.credId)
            let otherList = try await api.send(.get, "/auth/service-accounts/\(other.userInfo.userId)", token: admin.token)
            #expect(otherList.status == .ok)
            let notOwn = try await api.signed(.delete, "/auth/service-accounts/credentials/\(othersKey)", as: account)
            #expect(notOwn.status == .notFound, "\(notOwn.body)")
        }
    }
}
