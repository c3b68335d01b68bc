import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Regression tests for the defects found by attacking Signet (issue 10): each failed before its fix.
@Suite("Security regressions")
struct SecurityRegressionTests {
    @Test("Audit-log dates that are not finite or out of range are a 400, never a crash", arguments: TestDatabase.available)
    func auditLogDates(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for value in ["nan", "inf", "-inf", "1e300", "-1e300", "1e17", "-1", "99999999999999", "NaN", "0x10"] {
                for field in ["startTime", "endTime"] {
                    let reply = try await api.send(.get, "/auth/action/logs?\(field)=\(value)", token: admin.token)
                    #expect(reply.status == .badRequest, "\(field)=\(value): \(reply.body)")
                }
            }
            #expect(try await api.send(.get, "/auth/action/logs?startTime=1700000000", token: admin.token).status == .ok)
            #expect(try await api.send(.get, "/auth/action/logs?endTime=2026-01-31T00:00:00Z", token: admin.token).status == .ok)
        }
    }

    /// The Ed25519 identity point, a key any signature (R = identity, S = 0) verifies under.
    static let identity = [1] + [UInt8](repeating: 0, count: 31)
    static let weakPEM: String = {
        let der: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + identity
        return "-----BEGIN PUBLIC KEY-----\n\(Data(der).base64EncodedString())\n-----END PUBLIC KEY-----\n"
    }()

    @Test("A weak Ed25519 key is refused on every path that takes a key", arguments: TestDatabase.available)
    func weakEd25519Keys(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let pem = Self.weakPEM
            let pat = try await api.signed(
                .post,
                "/auth/pats",
                as: admin,
                body: try api.json(CreatePersonalAccessTokenRequest(name: "weak", publicKey: pem))
            )
            #expect(pat.status == .badRequest && (pat.errorMessage ?? "").contains("weak"), "\(pat.body)")
            let sa = try await api.signed(
                .post,
                "/auth/service-accounts",
                as: admin,
                body: try api.json(CreateServiceAccountRequest(name: "weak", publicKey: pem))
            )
            #expect(sa.status == .badRequest)
            let user = try await api.signed(
                .post,
                "/auth/users",
                as: admin,
                body: try api.json(CreateUserRequest(email: "weak@example.com", publicKey: pem))
            )
            #expect(user.status == .badRequest)
        }
    }

    @Test("A weak Ed25519 key stored before the rule: the universal forgery (R = identity, S = 0) does not log in", arguments: TestDatabase.available)
    func weakStoredKey(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let (identity, pem) = (Self.identity, Self.weakPEM)
            let victim = UserRecord(
                id: Identifier.make(.user),
                orgId: server.orgId,
                username: "victim@example.com",
                name: "v",
                kind: .customerEmployee,
                createdAt: Date()
            )
            try await server.store.insertUser(victim)
            let credentialId = Base64URL.encode(Identifier.make(.credentialID))
            try await server.store.insertCredential(
                CredentialRecord(
                    uuid: Identifier.make(.credential),
                    orgId: server.orgId,
                    credentialId: credentialId,
                    identityId: victim.id,
                    name: "k",
                    publicKeyPEM: pem,
                    fingerprint: "weak",
                    algorithm: .ed25519,
                    createdAt: Date()
                )
            )
            let challenge = try await api.send(
                .post,
                "/auth/login/init",
                body: try api.json(LoginChallengeRequest(username: victim.username, orgId: server.orgId))
            ).decode(UserActionChallenge.self)
            let clientData = Base64URL.encode(KeyAssertion.clientData(challenge: challenge.challenge))
            let forged = Factor(
                kind: .key,
                credentialAssertion: CredentialAssertion(
                    credId: credentialId,
                    clientData: clientData,
                    signature: Base64URL.encode(identity + [UInt8](repeating: 0, count: 32))
                )
            )
            let reply = try await api.send(
                .post,
                "/auth/login",
                body: try api.json(SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: forged))
            )
            #expect(reply.status == .unauthorized, "\(reply.body)")
        }
    }

    @Test("A body canonically equivalent to the signed payload (K vs KELVIN SIGN) is refused", arguments: TestDatabase.available)
    func canonicalEquivalence(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin)
            let reply = try await api.signed(
                .put,
                "/auth/pats/\(pat.tokenId)",
                as: admin,
                body: #"{"name":"sig-\u212A"}"#,
                payload: #"{"name":"sig-K"}"#
            )
            #expect(reply.status == .forbidden, "\(reply.body)")
            let stored = try #require(try await server.store.token(id: pat.tokenId))
            #expect(ExactText.equals(stored.name, pat.name))
        }
    }

    @Test("Control, bidi and zero-width characters, and huge single characters, are refused in names and emails", arguments: TestDatabase.available)
    func controlCharacters(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for name in ["a\\u0000b", "\\u001b[2J", "x\\u007f", "\\u202eevil", "a\\u200bb", "e" + String(repeating: "\\u0301", count: 3000)] {
                let signer = try TestSigner.generate(.ed25519)
                let body = #"{"name":"\#(name)","publicKey":\#(try api.json(signer.publicKeyPEM))}"#
                #expect(try await api.signed(.post, "/auth/pats", as: admin, body: body).status == .badRequest, "\(name)")
                #expect(try await api.signed(.post, "/permissions", as: admin, body: #"{"name":"\#(name)","operations":[]}"#).status == .badRequest)
            }
            for email in ["a\\u0000@example.com", "\\u001b[2J@example.com", "a@exa\\u202emple.com"] {
                let reply = try await api.signed(.post, "/auth/users", as: admin, body: #"{"email":"\#(email)","kind":"CustomerEmployee"}"#)
                #expect(reply.status == .badRequest, "\(email): \(reply.body)")
            }
        }
    }

    @Test(
        "A user action signed without a query is refused with one; a signed query must match exactly; force is tolerated where dfns_sdk sends it",
        arguments: TestDatabase.available
    )
    func queryBinding(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, _) = try await api.createPat(as: admin)
            let path = "/auth/pats/\(pat.tokenId)"
            let body = #"{"name":"renamed"}"#
            // dfns_sdk style: path signed without its query.
            var action = try await api.userAction(as: admin, method: "PUT", path: path, payload: body)
            var reply = try await api.send(
                .put,
                path + "?force=true&anything=1",
                token: admin.token,
                body: body,
                headers: ["X-DFNS-USERACTION": action]
            )
            #expect(reply.status == .forbidden, "\(reply.body)")
            reply = try await api.send(.put, path, token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .ok, "the refused attempt must not have used the action: \(reply.body)")
            // TypeScript style: path and query signed together; the query must be exactly that.
            action = try await api.userAction(as: admin, method: "PUT", path: path + "?a=1", payload: body, style: .typescript)
            reply = try await api.send(.put, path + "?a=2", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .forbidden)
            reply = try await api.send(.put, path, token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .forbidden)
            reply = try await api.send(.put, path + "?a=1", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .ok, "\(reply.body)")
            // force, which dfns_sdk adds to service-account deletion without signing it, changes nothing and is accepted.
            let (account, _) = try await api.createServiceAccount(as: admin)
            let saPath = "/auth/service-accounts/\(account.userInfo.userId)"
            action = try await api.userAction(as: admin, method: "DELETE", path: saPath, payload: "")
            reply = try await api.send(.delete, saPath + "?force=1", token: admin.token, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .forbidden, "force takes true or false only")
            reply = try await api.send(.delete, saPath + "?force=true", token: admin.token, headers: ["X-DFNS-USERACTION": action])
            #expect(reply.status == .ok, "\(reply.body)")
        }
    }

    @Test("Deactivating a credential ends the sessions it opened and voids the user actions it signed", arguments: TestDatabase.available)
    func credentialDeactivation(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (credential, newKey) = try await api.addCredential(for: admin)
            let (pat, _) = try await api.createPat(as: admin)
            // A user action prepared with the old key before it is deactivated.
            let prepared = try await api.userAction(as: admin, method: "PUT", path: "/auth/pats/\(pat.tokenId)/deactivate", payload: "")
            let fresh = Identity(token: admin.token, signer: newKey.signer)
            let off = try await api.signed(
                .put,
                "/auth/credentials/deactivate",
                as: fresh,
                body: #"{"credentialUuid":"\#(server.adminCredentialUuid)"}"#
            )
            #expect(off.status == .ok, "\(off.body)")
            // The session opened with the deactivated key is over.
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .unauthorized)
            // A new session with the new key cannot use what the old key signed.
            let session = try await api.session(server.organization.username, orgId: server.orgId, signer: newKey.signer)
            let reply = try await api.send(
                .put,
                "/auth/pats/\(pat.tokenId)/deactivate",
                token: session.token,
                headers: ["X-DFNS-USERACTION": prepared]
            )
            #expect(reply.status == .forbidden)
            #expect(try await server.store.token(id: pat.tokenId)?.isActive == true)
            _ = credential
        }
    }
}
