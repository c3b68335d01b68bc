import Foundation
import HTTPTypes
import SQLKit
import SignetAPI
import SignetCore
import SignetTestFixtures
import Testing

@testable import SignetServer
@testable import SignetStore

@Suite("Personal access tokens")
struct PatTests {
    @Test("Create returns the token once, with every field, and the token acts as the user", arguments: TestDatabase.available, KeyAlgorithm.allCases)
    func create(database: TestDatabase.Kind, algorithm: KeyAlgorithm) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "ci", algorithm: algorithm)
            #expect(pat.tokenId.hasPrefix("to-"))
            #expect(pat.kind == .pat)
            #expect(pat.isActive)
            #expect(pat.linkedUserId == server.organization.userId)
            #expect(pat.orgId == server.orgId)
            #expect(pat.name == "ci")
            #expect(!pat.credId.isEmpty)
            #expect(try PublicKey(pem: pat.publicKey).fingerprint == identity.signer.key.publicKey.fingerprint)
            #expect(pat.permissionAssignments.map(\.permissionName) == [OrganizationBootstrap.fullAdminRoleName])
            #expect(abs(pat.dateCreated.timeIntervalSinceNow) < 60)

            let claims = try JSONValue(parsing: try #require(Base64URL.decode(String(identity.token.split(separator: ".")[1]))))
            #expect(claims["jti"] == .string(pat.tokenId))
            #expect(claims["https://custom/app_metadata"]?["tokenKind"] == .string("Pat"))
            #expect(claims["https://custom/app_metadata"]?["userId"] == .string(server.organization.userId))

            // Shown once: neither get nor list returns it again.
            let fetched = try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token)
            #expect(try fetched.decode(AccessToken.self).accessToken == nil)
            #expect(!fetched.body.contains("accessToken"))
            let listed = try await api.send(.get, "/auth/pats", token: identity.token)
            #expect(try listed.decode(ListResponse<AccessToken>.self).items.map(\.tokenId) == [pat.tokenId])
            #expect(!listed.body.contains(identity.token))
        }
    }

    @Test("The access token is never stored: only its SHA-256 is", arguments: TestDatabase.available)
    func tokenNotStored(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin)
            let record = try #require(try await server.store.token(id: pat.tokenId))
            #expect(record.tokenDigest == TokenDigest.of(identity.token))
            let signature = String(identity.token.split(separator: ".")[2])
            // Every column of every table, as text, through SQL (SQLite and PostgreSQL alike).
            for (table, rowType) in StoreCopier.tables {
                for column in rowType.columns {
                    let hits = try await server.store.read { database in
                        try await database.raw(
                            "SELECT COUNT(*) AS n FROM \(unsafeRaw: table.rawValue) WHERE CAST(\(unsafeRaw: column) AS TEXT) LIKE \(bind: "%" + signature + "%")"
                        ).first()?.decode(column: "n", as: Int.self) ?? 0
                    }
                    #expect(hits == 0, "\(table.rawValue).\(column)")
                }
            }
            // On SQLite, also the raw bytes of the file and its write-ahead log.
            if server.postgres == nil {
                let file = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/signet.sqlite"))
                let wal = (try? Data(contentsOf: URL(fileURLWithPath: server.directory + "/signet.sqlite-wal"))) ?? Data()
                #expect(file.range(of: Data(signature.utf8)) == nil && wal.range(of: Data(signature.utf8)) == nil)
            }
        }
    }

    @Test("Only a person's login session with Auth:Pats:Create may create a PAT, with the Dfns message otherwise", arguments: TestDatabase.available)
    func createPermission(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            let request = try api.json(CreatePersonalAccessTokenRequest(name: "nested", publicKey: try TestSigner.generate().publicKeyPEM))
            let byPat = try await api.signed(.post, "/auth/pats", as: patIdentity, body: request)
            #expect(byPat.status == .forbidden)
            #expect(byPat.errorMessage == "Pat \(pat.tokenId) is not authorized to perform operation (Auth:Pats:Create)")

            let reader = try await server.addRole("Reader", operations: ["Wallets:Read"])
            let (user, signer) = try await server.addUser(email: "reader@example.com", roles: [reader])
            let session = Identity(token: try await api.login(username: user.username, orgId: server.orgId, signer: signer), signer: signer)
            let denied = try await api.signed(.post, "/auth/pats", as: session, body: request)
            #expect(denied.status == .forbidden)
            #expect(denied.errorMessage == "CustomerEmployee \(user.id) is not authorized to perform operation (Auth:Pats:Create)")
            #expect(try await api.send(.get, "/auth/pats", token: session.token).decode(ListResponse<AccessToken>.self).items.isEmpty)
        }
    }

    @Test("Effective permissions are the user's ∩ the token's, read fresh on every request", arguments: TestDatabase.available)
    func intersection(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let creator = try await server.addRole("Creator", operations: ["Auth:Pats:Create", "Wallets:Read", "Wallets:Create"])
            let broad = try await server.addRole("Broad", operations: ["Wallets:Read", "Wallets:Create", "Keys:Delete"])
            let (user, signer) = try await server.addUser(email: "dev@example.com", roles: [creator])
            let session = Identity(token: try await api.login(username: user.username, orgId: server.orgId, signer: signer), signer: signer)
            let (inherited, _) = try await api.createPat(as: session)
            let (capped, _) = try await api.createPat(as: session, permissionId: broad.id)
            #expect(inherited.permissionAssignments.map(\.permissionId) == [creator.id])
            #expect(capped.permissionAssignments.map(\.permissionId) == [broad.id])

            let permissions = PermissionService(cache: AuthorizationCache(store: server.store))
            func effective(_ tokenId: String) async throws -> PermissionSet {
                let token = try #require(try await server.store.token(id: tokenId))
                let owner = try #require(try await server.store.user(id: token.userId))
                return try await permissions.effective(for: Caller(user: owner, token: token))
            }
            #expect(try await effective(inherited.tokenId) == PermissionSet(operations: ["Auth:Pats:Create", "Wallets:Read", "Wallets:Create"]))
            // A broader role than the user's cannot exceed the user: Keys:Delete is not granted.
            #expect(try await effective(capped.tokenId) == PermissionSet(operations: ["Wallets:Read", "Wallets:Create"]))

            // Narrowing the user's role restricts every PAT on the next evaluation, without a restart.
            var narrowed = creator
            narrowed.operations = ["Wallets:Read"]
            try await server.store.updateRole(narrowed)
            #expect(try await effective(inherited.tokenId) == PermissionSet(operations: ["Wallets:Read"]))
            #expect(try await effective(capped.tokenId) == PermissionSet(operations: ["Wallets:Read"]))
            // And the user's own session loses Auth:Pats:Create on its next request.
            let request = try api.json(CreatePersonalAccessTokenRequest(name: "late", publicKey: try TestSigner.generate().publicKeyPEM))
            #expect(try await api.signed(.post, "/auth/pats", as: session, body: request).status == .forbidden)
        }
    }

    @Test("Deactivate, reactivate and delete, as seen by the PAT's next request", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin)
            let path = "/auth/pats/\(pat.tokenId)"
            #expect(try await api.send(.get, path, token: identity.token).status == .ok)

            let deactivated = try await api.signed(.put, path + "/deactivate", as: admin)
            #expect(try deactivated.decode(AccessToken.self).isActive == false)
            let refused = try await api.send(.get, path, token: identity.token)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorMessage?.contains("deactivated") == true)
            // Deactivating again is not an error.
            #expect(try await api.signed(.put, path + "/deactivate", as: admin).status == .ok)

            #expect(try await api.signed(.put, path + "/activate", as: admin).status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .ok)

            let deleted = try await api.signed(.delete, path, as: admin)
            #expect(deleted.status == .ok)
            #expect(try await api.send(.get, path, token: identity.token).status == .unauthorized)
            #expect(try await api.send(.get, path, token: admin.token).status == .notFound)
            #expect(try await api.signed(.put, path + "/activate", as: admin).status == .notFound)
            #expect(try await api.send(.get, path, token: identity.token).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items.isEmpty)
        }
    }

    @Test("Deactivating the user ends their PATs; reactivating restores them", arguments: TestDatabase.available)
    func userDeactivation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin)
            try await server.setUserActive(server.organization.userId, false)
            let refused = try await api.send(.get, "/auth/pats", token: identity.token)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorMessage?.contains("user account has been deactivated") == true)
            try await server.setUserActive(server.organization.userId, true)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
        }
    }

    @Test("An expired PAT gets 401", arguments: TestDatabase.available)
    func expiry(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin, secondsValid: 60)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
            clock.advance(by: 61)
            let reply = try await api.send(.get, "/auth/pats", token: identity.token)
            #expect(reply.status == .unauthorized)
            #expect(reply.errorMessage?.contains("expired") == true)
            // Its owner sees it expired, and cannot bring it back: a new PAT is the way.
            let listed = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self)
            #expect(listed.items.first.flatMap(\.dateExpires).map { $0 < clock.now() } == true)
            let reactivated = try await api.signed(.put, "/auth/pats/\(listed.items.first?.tokenId ?? "")/activate", as: admin)
            #expect(reactivated.status == .conflict && reactivated.errorMessage?.contains("create a new one") == true, "\(reactivated.body)")
        }
    }

    @Test("A PAT reads its user's PATs and may change itself, but not its siblings; other users' PATs are 404", arguments: TestDatabase.available)
    func scope(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (first, firstIdentity) = try await api.createPat(as: admin)
            let (second, _) = try await api.createPat(as: admin)
            let listed = try await api.send(.get, "/auth/pats", token: firstIdentity.token).decode(ListResponse<AccessToken>.self)
            #expect(Set(listed.items.map(\.tokenId)) == [first.tokenId, second.tokenId])
            let sibling = try await api.signed(.put, "/auth/pats/\(second.tokenId)/deactivate", as: firstIdentity)
            #expect(sibling.status == .forbidden)
            #expect(try await api.send(.get, "/auth/pats/\(second.tokenId)", token: admin.token).decode(AccessToken.self).isActive)
            #expect(try await api.signed(.put, "/auth/pats/\(first.tokenId)/deactivate", as: firstIdentity).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: firstIdentity.token).status == .unauthorized)

            let role = try await server.addRole("Creator", operations: ["Auth:Pats:Create"])
            let (user, signer) = try await server.addUser(email: "other@example.com", roles: [role])
            let other = Identity(token: try await api.login(username: user.username, orgId: server.orgId, signer: signer), signer: signer)
            #expect(try await api.send(.get, "/auth/pats/\(second.tokenId)", token: other.token).status == .notFound)
            #expect(try await api.signed(.delete, "/auth/pats/\(second.tokenId)", as: other).status == .notFound)
            #expect(try await api.send(.get, "/auth/pats/not-an-id", token: other.token).status == .notFound)
        }
    }

    @Test("Every credential needs its own keypair: a key already registered anywhere in the organisation is 409", arguments: TestDatabase.available)
    func keyReuse(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin, algorithm: .rsa)
            let reused: [String] = [
                server.adminSigner.publicKeyPEM,
                identity.signer.publicKeyPEM,
                // The same RSA key as PKCS#1 is still the same key.
                try pkcs1(identity.signer.key.publicKey),
            ]
            for (index, pem) in reused.enumerated() {
                let request = try api.json(CreatePersonalAccessTokenRequest(name: "reuse-\(index)", publicKey: pem))
                let reply = try await api.signed(.post, "/auth/pats", as: admin, body: request)
                #expect(reply.status == .conflict, "\(index): \(reply.body)")
                #expect(reply.errorMessage?.contains("own keypair") == true)
            }
            let duplicateName = try api.json(CreatePersonalAccessTokenRequest(name: "dup", publicKey: try TestSigner.generate().publicKeyPEM))
            #expect(try await api.signed(.post, "/auth/pats", as: admin, body: duplicateName).status == .ok)
            let again = try api.json(CreatePersonalAccessTokenRequest(name: "dup", publicKey: try TestSigner.generate().publicKeyPEM))
            #expect(try await api.signed(.post, "/auth/pats", as: admin, body: again).status == .conflict)
        }
    }

    @Test("Tokens stay valid across a restart: the signing keys are persisted", arguments: TestDatabase.available)
    func restart(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin)
            try await server.run { (restarted: APIClient) async throws -> Void in
                #expect(try await restarted.send(.get, "/auth/pats", token: identity.token).status == .ok)
                #expect(try await restarted.send(.get, "/auth/pats", token: admin.token).status == .ok)
                #expect(try await restarted.signed(.put, "/auth/logout", as: admin, body: "{}").status == .ok)
            }
            #expect(try await server.store.signingKeys().count == 1)
        }
    }
}

/// The PKCS#1 (`BEGIN RSA PUBLIC KEY`) spelling of an RSA key, via openssl's own conversion rules:
/// SPKI DER is `SEQUENCE { AlgorithmIdentifier, BIT STRING { RSAPublicKey } }`.
func pkcs1(_ key: PublicKey) throws -> String {
    let der = key.canonicalDER
    // The RSAPublicKey starts after the BIT STRING header (03 82 len len 00) that follows the 15-byte algorithm.
    guard let bitString = der.indices.first(where: { $0 > 2 && der[$0] == 0x03 && der[$0 + 1] == 0x82 }) else {
        throw KeyParsingError.notPEM
    }
    let inner = Array(der[(bitString + 5)...])
    let base64 = Data(inner).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
    return "-----BEGIN RSA PUBLIC KEY-----\n\(base64)\n-----END RSA PUBLIC KEY-----\n"
}
