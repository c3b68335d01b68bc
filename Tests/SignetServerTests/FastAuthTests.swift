import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Fast Auth: a signed write in one request (`docs/contract/dfns-fast-auth.md`).
@Suite("Fast Auth: one-request signed writes")
struct FastAuthTests {
    /// Renames `pat` with Fast Auth as `identity`, signing `header` (by default for this very request).
    static func rename(
        _ api: APIClient,
        server: TestServer,
        pat: AccessToken,
        as identity: Identity,
        name: String = "renamed",
        edit: (inout FastAuthHeader) -> Void = { _ in },
        members: [String: String] = [:],
        credId: String? = nil,
        send body: String? = nil
    ) async throws -> Reply {
        let json = #"{"name":"\#(name)"}"#
        var header = FastAuthHeader(method: "PUT", path: "/auth/pats/\(pat.tokenId)", body: Array(json.utf8), orgId: server.orgId)
        edit(&header)
        let value = try header.header(identity.signer, members: members, credId: credId)
        return try await api.send(
            .put,
            "/auth/pats/\(pat.tokenId)",
            token: identity.token,
            body: body ?? json,
            headers: ["X-DFNS-USERACTION": value, "Host": "localhost"]
        )
    }

    @Test("Each key type signs a write in one request; the audit log keeps the assertion", arguments: TestDatabase.available, KeyAlgorithm.allCases)
    func accepted(database: TestDatabase.Kind, algorithm: KeyAlgorithm) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin, algorithm: algorithm)
            let reply = try await Self.rename(api, server: server, pat: pat, as: asPat, name: "fast-\(algorithm)")
            #expect(reply.status == .ok, "\(reply.body)")
            #expect(try reply.decode(AccessToken.self).name == "fast-\(algorithm)")
            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self)
            let entry = try #require(logs.items.first { $0.httpPath == "/auth/pats/\(pat.tokenId)" && $0.tokenId == pat.tokenId })
            #expect(entry.responseStatus == 200 && entry.firstFactorCredential.assertion?.clientData.isEmpty == false)
            // The three-request flow works beside it.
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: asPat, body: #"{"name":"slow"}"#).status == .ok)
        }
    }

    @Test(
        "Refused, with nothing applied: a replay, a swapped body, each member changed, a stale or future time, a bad nonce",
        arguments: TestDatabase.available
    )
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin, algorithm: .ed25519)
            let nonce = Array(repeating: UInt8(7), count: 16)
            #expect(try await Self.rename(api, server: server, pat: pat, as: asPat, edit: { $0.nonce = nonce }).status == .ok)
            let replay = try await Self.rename(api, server: server, pat: pat, as: asPat, edit: { $0.nonce = nonce })
            #expect(replay.status == .forbidden && replay.errorMessage?.contains("already used") == true, "\(replay.body)")
            let cases: [(String, (inout FastAuthHeader) -> Void, [String: String], String?)] = [
                ("swapped body", { _ in }, [:], #"{"name":"evil"}"#),
                ("method", { $0.method = "POST" }, [:], nil),
                ("path", { $0.path += "?x=1" }, [:], nil),
                ("host", { $0.host = "evil.example" }, [:], nil),
                ("org", { $0.orgId = "or-other" }, [:], nil),
                ("payloadHash", { _ in }, ["payloadHash": Base64URL.encode(Array(repeating: 0, count: 32))], nil),
                ("stale", { $0.timestamp = Date().addingTimeInterval(-360) }, [:], nil),
                ("future", { $0.timestamp = Date().addingTimeInterval(360) }, [:], nil),
                ("short nonce", { $0.nonce = [1, 2, 3] }, [:], nil),
                ("extra member", { _ in }, ["extra": "x"], nil),
                ("fractional timestamp", { _ in }, ["timestamp": "1764700000000.5"], nil),
                ("short timestamp", { _ in }, ["timestamp": "1764700000"], nil),
                ("upper-case host signed", { $0.host = "LOCALHOST" }, [:], nil),
            ]
            for (what, edit, members, body) in cases {
                let reply = try await Self.rename(
                    api,
                    server: server,
                    pat: pat,
                    as: asPat,
                    name: "x-\(what)",
                    edit: edit,
                    members: members,
                    send: body
                )
                #expect(reply.status == .forbidden, "\(what): \(reply.status) \(reply.body)")
            }
            #expect(try await server.store.token(id: pat.tokenId)?.name == "renamed")
        }
    }

    @Test("A signature over other bytes, or a header that is not JSON, is refused; a refusal uses up no nonce", arguments: TestDatabase.available)
    func forgedSignatures(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin, algorithm: .ed25519)
            // A signature by the right credential over other bytes, and a refusal uses up no nonce:
            // the genuine request with the same nonce still works afterwards.
            let reuse = Array(repeating: UInt8(9), count: 16)
            let forged = try await Self.rename(
                api,
                server: server,
                pat: pat,
                as: asPat,
                name: "forged",
                edit: { $0.nonce = reuse },
                send: #"{"name":"other"}"#
            )
            #expect(forged.status == .forbidden)
            var header = FastAuthHeader(method: "PUT", path: "/auth/pats/\(pat.tokenId)", body: Array(#"{"name":"sig"}"#.utf8), orgId: server.orgId)
            header.nonce = Array(repeating: UInt8(8), count: 16)
            let genuine = try header.header(asPat.signer)
            let tampered = try Self.withSignature(of: genuine, replacedBy: try asPat.signer.key.signature(for: Array("other bytes".utf8)))
            let badSignature = try await api.send(
                .put,
                "/auth/pats/\(pat.tokenId)",
                token: asPat.token,
                body: #"{"name":"sig"}"#,
                headers: ["X-DFNS-USERACTION": tampered, "Host": "localhost"]
            )
            #expect(badSignature.status == .forbidden && badSignature.errorMessage?.contains("signature") == true, "\(badSignature.body)")
            #expect(try await Self.rename(api, server: server, pat: pat, as: asPat, name: "forged", edit: { $0.nonce = reuse }).status == .ok)
            let garbage = try await api.send(
                .put,
                "/auth/pats/\(pat.tokenId)",
                token: asPat.token,
                body: #"{"name":"g"}"#,
                headers: ["X-DFNS-USERACTION": "bm90LWpzb24"]
            )
            #expect(garbage.status == .forbidden)
        }
    }

    @Test(
        "The same signed creation sent several times at once, with Fast Auth or a user action token, creates one webhook",
        arguments: TestDatabase.available
    )
    func concurrentReplays(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let body = #"{"url":"https://hooks.example.com/once","events":["*"]}"#
            let fast = try FastAuthHeader(method: "POST", path: "/webhooks", body: Array(body.utf8), orgId: server.orgId).header(admin.signer)
            let token = try await api.userAction(as: admin, method: "POST", path: "/webhooks", payload: body)
            for header in [fast, token] {
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await api.send(.post, "/webhooks", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": header, "Host": "localhost"])
                                .status
                        }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .forbidden }.count == 3, "\(statuses)")
                let late = try await api.send(.post, "/webhooks", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": header, "Host": "localhost"])
                #expect(late.status == .forbidden && late.errorMessage?.contains("already") == true, "\(late.body)")
            }
            let hooks = try await api.send(.get, "/webhooks", token: admin.token).decode(ListResponse<Webhook>.self)
            #expect(hooks.items.count == 2, "one per signed request, however often it was sent")
            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self)
            #expect(logs.items.filter { $0.httpPath == "/webhooks" }.map(\.responseStatus) == [200, 200], "one audit record each, with its status")
        }
    }

    /// `header` with its signature replaced.
    static func withSignature(of header: String, replacedBy signature: [UInt8]) throws -> String {
        let bytes = try #require(Base64URL.decode(header))
        var whole = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        var assertion = try #require(whole["credentialAssertion"] as? [String: Any])
        assertion["signature"] = Base64URL.encode(signature)
        whole["credentialAssertion"] = assertion
        return Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: whole)))
    }

    @Test("A person's login session and a service account sign with their own keys", arguments: TestDatabase.available)
    func otherCallers(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let body = #"{"name":"fast-role","operations":["Wallets:Read"]}"#
            let header = try FastAuthHeader(method: "POST", path: "/permissions", body: Array(body.utf8), orgId: server.orgId).header(admin.signer)
            let reply = try await api.send(
                .post,
                "/permissions",
                token: admin.token,
                body: body,
                headers: ["X-DFNS-USERACTION": header, "Host": "localhost"]
            )
            #expect(reply.status == .ok, "\(reply.body)")
            let makers = try await api.createRole(as: admin, operations: ["Permissions:Create", "Wallets:Read"])
            let (_, asAccount) = try await api.createServiceAccount(as: admin, permissionId: makers.id)
            let roleByAccount = #"{"name":"fast-account-role","operations":["Wallets:Read"]}"#
            let signed = try FastAuthHeader(method: "POST", path: "/permissions", body: Array(roleByAccount.utf8), orgId: server.orgId)
                .header(asAccount.signer)
            let created = try await api.send(
                .post,
                "/permissions",
                token: asAccount.token,
                body: roleByAccount,
                headers: ["X-DFNS-USERACTION": signed, "Host": "localhost"]
            )
            #expect(created.status == .ok, "\(created.body)")
        }
    }

    @Test(
        "Only an active Key credential of the bearer's own identity signs; --no-fast-auth refuses with FastAuthDisabled",
        arguments: TestDatabase.available
    )
    func credentials(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin)
            let (_, other) = try await api.createPat(as: admin)
            // Another PAT's bearer with this PAT's key, and this PAT's bearer with another's key.
            let borrowed = Identity(token: other.token, signer: asPat.signer)
            #expect(try await Self.rename(api, server: server, pat: pat, as: borrowed).status == .forbidden)
            let foreignKey = Identity(token: asPat.token, signer: other.signer)
            #expect(try await Self.rename(api, server: server, pat: pat, as: foreignKey).status == .forbidden)
            // By its cr-… id too; then deactivated (with a second key signing).
            let (second, withSecond) = try await api.addCredential(for: asPat)
            #expect(try await Self.rename(api, server: server, pat: pat, as: withSecond, credId: second.credentialUuid).status == .ok)
            // Warm: the key signs (and is cached), so the refusal below must come from the deactivation.
            #expect(try await Self.rename(api, server: server, pat: pat, as: asPat).status == .ok)
            let oldUuid = try #require(try await server.store.credential(orgId: server.orgId, credentialId: asPat.signer.credentialId)?.uuid)
            #expect(
                try await api.signed(
                    .put,
                    "/auth/credentials/deactivate",
                    as: withSecond,
                    body: try api.json(CredentialUuidRequest(credentialUuid: oldUuid))
                )
                .status == .ok
            )
            let deactivated = try await Self.rename(api, server: server, pat: pat, as: asPat)
            #expect(deactivated.status == .forbidden && deactivated.errorMessage?.contains("deactivated") == true, "\(deactivated.body)")
        }
        var off = ServerConfiguration()
        off.fastAuth = false
        try await TestServer.with(database, configuration: off) { server, api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin)
            let refused = try await Self.rename(api, server: server, pat: pat, as: asPat)
            #expect(refused.status == .forbidden && refused.body.contains("FastAuthDisabled"), "\(refused.body)")
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: asPat, body: #"{"name":"slow"}"#).status == .ok)
        }
    }
}
