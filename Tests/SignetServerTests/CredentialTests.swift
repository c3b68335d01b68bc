import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Credentials and key rotation")
struct CredentialTests {
    @Test(
        "A PAT rotates its key without a new token: the old key stops signing, the new one signs",
        arguments: TestDatabase.available,
        KeyAlgorithm.allCases
    )
    func patRotation(database: TestDatabase.Kind, algorithm: KeyAlgorithm) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, old) = try await api.createPat(as: admin)
            let (credential, new) = try await api.addCredential(for: old, algorithm: algorithm)
            #expect(credential.isActive && credential.kind == .key && credential.name == "rotated")
            let listed = try await api.send(.get, "/auth/credentials", token: old.token).decode(ListResponse<Credential>.self)
            #expect(listed.items.count == 2)
            let oldUuid = try #require(listed.items.first { $0.credentialId == old.signer.credentialId }?.credentialUuid)
            // Both keys sign while both are active.
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: old, body: #"{"name":"by-old"}"#).status == .ok)
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: new, body: #"{"name":"by-new"}"#).status == .ok)

            let deactivate = try await api.signed(
                .put,
                "/auth/credentials/deactivate",
                as: new,
                body: try api.json(CredentialUuidRequest(credentialUuid: oldUuid))
            )
            #expect(deactivate.status == .ok)
            // The bearer token is the same and still works; the old key can no longer sign.
            #expect(try await api.send(.get, "/auth/pats", token: old.token).status == .ok)
            let challenge = try await api.send(
                .post,
                "/auth/action/init",
                token: old.token,
                body: try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
            ).decode(UserActionChallenge.self)
            // Every id the active key answers to is listed: its credId and its cr-… uuid (the
            // TypeScript SDK's signer refuses to sign with an id missing from this list).
            #expect(challenge.allowCredentials.key.map(\.id) == [new.signer.credentialId, credential.credentialUuid])
            let byUuid = new.signer.with(credentialId: credential.credentialUuid)
            #expect(
                try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: Identity(token: new.token, signer: byUuid), body: #"{"name":"by-uuid"}"#)
                    .status == .ok
            )
            let byOld = try await api.send(
                .post,
                "/auth/action",
                token: old.token,
                body: try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try old.signer.sign(challenge)))
            )
            #expect(byOld.status == .forbidden)
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: new, body: #"{"name":"after"}"#).status == .ok)
            #expect(
                try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token).decode(AccessToken.self).credId == new.signer.credentialId
            )

            // The last active credential cannot be deactivated.
            let last = try await api.signed(
                .put,
                "/auth/credentials/deactivate",
                as: new,
                body: try api.json(CredentialUuidRequest(credentialUuid: credential.credentialUuid))
            )
            #expect(last.status == .conflict)
        }
    }

    @Test("A service account rotates its key the same way", arguments: TestDatabase.available)
    func serviceAccountRotation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:ServiceAccounts:Update"])
            let (account, old) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let (_, new) = try await api.addCredential(for: old)
            let oldUuid = try #require(try await server.store.credential(orgId: server.orgId, credentialId: old.signer.credentialId)?.uuid)
            #expect(
                try await api.signed(
                    .put,
                    "/auth/credentials/deactivate",
                    as: old,
                    body: try api.json(CredentialUuidRequest(credentialUuid: oldUuid))
                ).status == .ok
            )
            let path = "/auth/service-accounts/\(account.userInfo.userId)"
            #expect(try await api.signed(.put, path, as: new, body: #"{"name":"rotated-bot"}"#).status == .ok)
            #expect(try await api.attemptUserAction(as: old, path: path, payload: #"{"name":"x"}"#).status == .forbidden)
            #expect(
                try await api.signed(.put, "/auth/credentials/activate", as: new, body: try api.json(CredentialUuidRequest(credentialUuid: oldUuid)))
                    .status == .ok
            )
            #expect(try await api.signed(.put, path, as: old, body: #"{"name":"old-again"}"#).status == .ok)
        }
    }

    @Test("Attestations are verified: a wrong key, a wrong challenge, a reused key or credId are refused", arguments: TestDatabase.available)
    func attestationChecks(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            func challenge() async throws -> CredentialChallenge {
                try await api.send(.post, "/auth/credentials/init", token: admin.token, body: #"{"kind":"Key"}"#).decode(CredentialChallenge.self)
            }
            func submit(
                _ challenge: CredentialChallenge,
                clientData: String,
                attestation: String,
                credId: String = Base64URL.encode(Identifier.randomBytes(32))
            ) async throws -> Reply {
                let request = CreateCredentialRequest(
                    credentialInfo: KeyCredentialInfo(credId: credId, clientData: clientData, attestationData: attestation),
                    credentialName: "k",
                    challengeIdentifier: challenge.challengeIdentifier
                )
                return try await api.signed(.post, "/auth/credentials", as: admin, body: try api.json(request))
            }
            let key = try PrivateKey.generate(.ed25519)
            let first = try await challenge()
            // Signed by another key than the one it presents.
            let (clientData, _) = try KeyAttestation.make(challenge: first.challenge, key: key)
            let (_, otherAttestation) = try KeyAttestation.make(challenge: first.challenge, key: try PrivateKey.generate(.ed25519))
            let mixed = try JSONValue(parsing: try #require(Base64URL.decode(otherAttestation)))
            let forged = Base64URL.encode(
                #"{"publicKey":\#(jsonLiteral(key.publicKey.pemRepresentation)),"signature":\#(jsonLiteral(mixed["signature"]?.stringValue ?? ""))}"#
            )
            #expect(try await submit(first, clientData: clientData, attestation: forged).status == .forbidden)
            // For another challenge.
            let (staleData, staleAttestation) = try KeyAttestation.make(challenge: "not-the-challenge", key: key)
            #expect(try await submit(try await challenge(), clientData: staleData, attestation: staleAttestation).status == .forbidden)
            // A key already registered, and a taken credId.
            let second = try await challenge()
            let (reusedData, reusedAttestation) = try KeyAttestation.make(challenge: second.challenge, key: server.adminSigner.key)
            #expect(try await submit(second, clientData: reusedData, attestation: reusedAttestation).status == .conflict)
            let third = try await challenge()
            let (data, attestation) = try KeyAttestation.make(challenge: third.challenge, key: key)
            #expect(try await submit(third, clientData: data, attestation: attestation, credId: server.adminCredentialId).status == .conflict)
            // Garbage.
            #expect(try await submit(try await challenge(), clientData: "!!", attestation: "!!").status == .badRequest)
            #expect(try await api.send(.post, "/auth/credentials/init", token: admin.token, body: #"{"kind":"Fido2"}"#).status == .badRequest)
            // And the genuine one works, once.
            let fourth = try await challenge()
            let (goodData, goodAttestation) = try KeyAttestation.make(challenge: fourth.challenge, key: key)
            #expect(try await submit(fourth, clientData: goodData, attestation: goodAttestation).status == .ok)
            #expect(try await submit(fourth, clientData: goodData, attestation: goodAttestation).status != .ok)
        }
    }

    @Test("A credId may not be another credential's cr-… uuid or credId, in this organisation or another", arguments: TestDatabase.available)
    func credIdSquatting(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: admin)
            // A credential of another organisation in the same store.
            let otherKey = try PrivateKey.generate(.ed25519).publicKey
            try await server.store.insertOrganization(OrganizationRecord(id: "or-other", name: "Other", createdAt: Date()))
            let other = CredentialRecord(
                uuid: Identifier.make(.credential),
                orgId: "or-other",
                credentialId: Base64URL.encode(Identifier.randomBytes(32)),
                identityId: Identifier.make(.user),
                kind: .key,
                name: "theirs",
                publicKeyPEM: otherKey.pemRepresentation,
                fingerprint: otherKey.fingerprint,
                algorithm: otherKey.algorithm,
                createdAt: Date()
            )
            try await server.store.insertCredential(other)
            // The administrator's second key: its credId and its cr-… uuid differ.
            let (second, secondIdentity) = try await api.addCredential(for: admin)
            #expect(second.credentialUuid != second.credentialId)
            for taken in [second.credentialUuid, second.credentialId, server.adminCredentialId, other.uuid, other.credentialId] {
                let challenge = try await api.send(.post, "/auth/credentials/init", token: pat.token, body: #"{"kind":"Key"}"#)
                    .decode(CredentialChallenge.self)
                let (data, attestation) = try KeyAttestation.make(challenge: challenge.challenge, key: try PrivateKey.generate(.ecdsaP256))
                let request = CreateCredentialRequest(
                    credentialInfo: KeyCredentialInfo(credId: taken, clientData: data, attestationData: attestation),
                    credentialName: "squat",
                    challengeIdentifier: challenge.challengeIdentifier
                )
                let reply = try await api.signed(.post, "/auth/credentials", as: pat, body: try api.json(request))
                #expect(reply.status == .conflict, "credId \(taken): \(reply.body)")
            }
            // The administrator still signs with that key's uuid.
            let byUuid = Identity(token: admin.token, signer: secondIdentity.signer.with(credentialId: second.credentialUuid))
            let role = try await api.signed(.post, "/permissions", as: byUuid, body: #"{"name":"after-squat","operations":["Auth:Users:Read"]}"#)
            #expect(role.status == .ok, "\(role.body)")
        }
    }

    @Test("A key a PAT adds shows in the very next GET /auth/pats: no stale cache", arguments: TestDatabase.available)
    func newKeyIsListedAtOnce(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, old) = try await api.createPat(as: admin)
            // Warm the cached list.
            let before = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self)
            #expect(before.items.first { $0.tokenId == pat.tokenId }?.credId == old.signer.credentialId)
            let (credential, new) = try await api.addCredential(for: old)
            let after = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self)
            let listed = try #require(after.items.first { $0.tokenId == pat.tokenId })
            #expect(listed.credId == new.signer.credentialId)
            #expect(listed.publicKey == credential.publicKey)
            // A second PAT created now is listed at once too.
            let (second, _) = try await api.createPat(as: admin)
            let again = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self)
            #expect(again.items.contains { $0.tokenId == second.tokenId })
        }
    }

    @Test(
        "Keys Signet creates have their cr-… uuid as credId, listed as such in allowCredentials.key; any key answers by its uuid too",
        arguments: TestDatabase.available
    )
    func credentialUuidAsCredId(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            #expect(server.adminCredentialId == server.adminCredentialUuid)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            #expect(pat.credId.hasPrefix("cr-"))
            let challenge = try await api.send(
                .post,
                "/auth/action/init",
                token: patIdentity.token,
                body: try api.json(CreateUserActionChallengeRequest(userActionPayload: "", userActionHttpMethod: "PUT", userActionHttpPath: "/x"))
            ).decode(UserActionChallenge.self)
            #expect(challenge.allowCredentials.key.map(\.id) == [pat.credId])
            // A key registered with a client-chosen credId signs under that id, and under its uuid.
            let (credential, rotated) = try await api.addCredential(for: patIdentity)
            #expect(!credential.credentialId.hasPrefix("cr-"))
            let byUuid = Identity(token: rotated.token, signer: rotated.signer.with(credentialId: credential.credentialUuid))
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: byUuid, body: #"{"name":"by-uuid"}"#).status == .ok)
            // Another identity's uuid does not answer.
            let foreign = Identity(token: rotated.token, signer: rotated.signer.with(credentialId: server.adminCredentialUuid))
            #expect(try await api.attemptUserAction(as: foreign, path: "/auth/pats/\(pat.tokenId)", payload: "{}").status == .forbidden)
        }
    }

    @Test("DELETE a credential: gone from the list, cannot be reactivated, never the last active one", arguments: TestDatabase.available)
    func deleteCredential(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: admin)
            let (credential, rotated) = try await api.addCredential(for: pat)
            let deleted = try await api.signed(.delete, "/auth/credentials/\(credential.credentialUuid)", as: pat)
            #expect(deleted.status == .ok && deleted.body == "{}")
            let listed = try await api.send(.get, "/auth/credentials", token: pat.token).decode(ListResponse<Credential>.self)
            #expect(!listed.items.contains { $0.credentialUuid == credential.credentialUuid })
            let reactivate = try await api.signed(
                .put,
                "/auth/credentials/activate",
                as: pat,
                body: try api.json(CredentialUuidRequest(credentialUuid: credential.credentialUuid))
            )
            #expect(reactivate.status == .notFound)
            #expect(try await api.attemptUserAction(as: rotated, payload: "").status == .forbidden)
            let original = try #require(listed.items.first)
            let last = try await api.signed(.delete, "/auth/credentials/\(original.credentialUuid)", as: pat)
            #expect(last.status == .conflict)
            #expect(try await api.signed(.delete, "/auth/credentials/cr-aaaaa-bbbbb-cccccccccccccccc", as: pat).status == .notFound)
        }
    }

    @Test("Credentials of other identities are 404", arguments: TestDatabase.available)
    func ownership(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, pat) = try await api.createPat(as: admin)
            let reply = try await api.signed(
                .put,
                "/auth/credentials/deactivate",
                as: pat,
                body: try api.json(CredentialUuidRequest(credentialUuid: server.adminCredentialUuid))
            )
            #expect(reply.status == .notFound)
            #expect(try await api.send(.get, "/auth/credentials", token: pat.token).decode(ListResponse<Credential>.self).items.count == 1)
        }
    }
}

func jsonLiteral(_ value: String) -> String {
    String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
}
