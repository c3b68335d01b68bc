import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

@Suite("Audit log")
struct AuditLogTests {
    @Test("Every completed user action is logged, a PAT's attributed to its user with the token alongside", arguments: TestDatabase.available)
    func entries(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            let body = #"{"name":"audited"}"#
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: body).status == .ok)
            #expect(try await api.signed(.post, "/permissions", as: patIdentity, body: #"{"name":"x","operations":["Nope"]}"#).status == .badRequest)

            let logs = try await api.send(.get, "/auth/action/logs", token: admin.token).decode(ListResponse<AuditLog>.self)
            #expect(logs.items.count == 3)
            let rename = try #require(logs.items.first { $0.httpPath == "/auth/pats/\(pat.tokenId)" })
            #expect(rename.userId == server.organization.userId && rename.username == "admin@example.com")
            #expect(rename.tokenId == pat.tokenId && rename.tokenKind == .pat)
            #expect(rename.action == "PUT /auth/pats/\(pat.tokenId)" && rename.responseStatus == 200)
            #expect(rename.payloadDigest == TokenDigest.of(body))
            #expect(rename.firstFactorCredential.id == pat.credId && rename.firstFactorCredential.kind == .key)
            // The evidence verifies: the signature over clientData with the credential's public key.
            let evidence = try #require(rename.firstFactorCredential.assertion)
            let key = try PublicKey(pem: rename.firstFactorCredential.publicKey)
            #expect(
                key.isValidSignature(try #require(Base64URL.decode(evidence.signature)), for: try #require(Base64URL.decode(evidence.clientData)))
            )
            let refused = try #require(logs.items.first { $0.httpPath == "/permissions" })
            #expect(refused.responseStatus == 400)
            let byCreation = try #require(logs.items.first { $0.httpPath == "/auth/pats" && $0.httpMethod == "POST" })
            #expect(byCreation.tokenKind == .login)

            let single = try await api.send(.get, "/auth/action/logs/\(rename.id)", token: admin.token).decode(AuditLog.self)
            #expect(single == rename)
            #expect(try await api.send(.get, "/auth/action/logs/ua-aaaaa-bbbbb-cccccccccccccccc", token: admin.token).status == .notFound)
        }
    }

    @Test("Filters by time and user; needs Auth:Logs:Read; refuses bad dates", arguments: TestDatabase.available)
    func queries(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            _ = try await api.createPat(as: admin)
            let (user, signer) = try await api.createUser(as: admin, email: "reader@example.com")
            let reader = try await api.session(user.username, orgId: server.orgId, signer: signer)
            let forbidden = try await api.send(.get, "/auth/action/logs", token: reader.token)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.errorMessage?.contains("Auth:Logs:Read") == true)

            let future = "2099-01-01T00:00:00Z"
            #expect(
                try await api.send(.get, "/auth/action/logs?startTime=\(future)&endTime=2099-02-01T00:00:00.000Z", token: admin.token)
                    .decode(ListResponse<AuditLog>.self).items.isEmpty
            )
            let mine = try await api.send(.get, "/auth/action/logs?userId=\(server.organization.userId)", token: admin.token)
                .decode(ListResponse<AuditLog>.self)
            #expect(mine.items.count == 2)
            #expect(
                try await api.send(.get, "/auth/action/logs?userId=\(user.userId)", token: admin.token)
                    .decode(ListResponse<AuditLog>.self).items.isEmpty
            )
            for bad in ["startTime=yesterday", "startTime=2030-01-01T00:00:00Z&endTime=2020-01-01T00:00:00Z", "userId=bob"] {
                #expect(try await api.send(.get, "/auth/action/logs?\(bad)", token: admin.token).status == .badRequest, "\(bad)")
            }
        }
    }

    @Test("CSV when asked for (Accept: text/csv or ?format=csv), JSON otherwise (the SDKs send */*); no cell becomes a formula")
    func csv() async throws {
        try await TestServer.with(.sqlite) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: #"{"name":"renamed"}"#).status == .ok)
            for accept in ["text/csv", "application/json;q=0.5, text/csv", "text/csv, application/json"] {
                let reply = try await api.send(.get, "/auth/action/logs", token: admin.token, headers: ["Accept": accept])
                #expect(reply.headers[.contentType] == "text/csv; charset=utf-8", "\(accept)")
                #expect(reply.headers[.vary] == "Accept")
                let lines = reply.body.split(separator: "\r\n").map(String.init)
                #expect(lines.first == AuditLogCSV.columns.joined(separator: ","))
                #expect(lines.count == 3, "a header and two entries: \(reply.body)")
                #expect(lines.contains { $0.contains("PUT,/auth/pats/\(pat.tokenId),200,") && $0.contains(",Pat,") && $0.contains(",Key") })
            }
            let csv = try await api.send(.get, "/auth/action/logs?format=csv", token: admin.token)
            #expect(csv.headers[.contentDisposition]?.contains("audit-log.csv") == true)
            for accept in ["*/*", "application/json", "application/json, text/csv;q=0.9", "text/csv;q=0, application/json"] {
                let reply = try await api.send(.get, "/auth/action/logs", token: admin.token, headers: ["Accept": accept])
                #expect(try reply.decode(ListResponse<AuditLog>.self).items.count == 2, "\(accept)")
            }
            #expect(AuditLogCSV.cell("=SUM(A1)") == "'=SUM(A1)" && AuditLogCSV.cell("@x") == "'@x" && AuditLogCSV.cell("-1") == "'-1")
            #expect(AuditLogCSV.cell("a,b") == "\"a,b\"" && AuditLogCSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"" && AuditLogCSV.cell("plain") == "plain")
        }
    }

    @Test("The export is one chain the offline verifier accepts; an edited, moved, copied or relabelled record is named", arguments: TestDatabase.available)
    func exportVerifies(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, patIdentity) = try await api.createPat(as: admin)  // a login session's three-request write
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: patIdentity, body: #"{"name":"a"}"#).status == .ok)
            let body = #"{"name":"fast-role","operations":["Wallets:Read"]}"#
            let header = try FastAuthHeader(method: "POST", path: "/permissions", body: Array(body.utf8), orgId: server.orgId).header(admin.signer)
            let fast = try await api.send(.post, "/permissions", token: admin.token, body: body, headers: ["X-DFNS-USERACTION": header, "Host": "localhost"])
            #expect(fast.status == .ok, "\(fast.body)")
            var records: [AuditRecord] = []
            var token: String?
            repeat {
                let query = "limit=2" + (token.map { "&paginationToken=\($0)" } ?? "")
                let page = try await api.send(.get, "/auth/audit/export?\(query)", token: admin.token).decode(AuditExportPage.self)
                records += page.items
                token = page.nextPageToken
            } while token != nil
            #expect(records.map(\.index) == [1, 2, 3], "pages of two, in chain order")
            #expect(records.last?.challengeId.hasPrefix("fast-auth:") == true)
            #expect(records.allSatisfy { $0.credential != nil && $0.payloadDigest.count == 64 })
            guard case .success(let head) = AuditChain.verify(records) else {
                Issue.record("the export does not verify: \(AuditChain.verify(records))")
                return
            }
            #expect(head == records.last?.hash)

            func problem(_ changed: [AuditRecord]) -> String {
                guard case .failure(let problem) = AuditChain.verify(changed) else { return "verified" }
                return problem.description
            }
            var edited = records
            edited[1].httpPath += "x"
            #expect(problem(edited).hasPrefix("record 2 (\(records[1].id)): its content hashes to"), "\(problem(edited))")
            #expect(problem([records[0], records[2], records[1]]).contains("out of order"))
            #expect(problem([records[0], records[2]]).contains("missing"))
            // Rebuilt hashes cannot hide a relabelled Fast Auth record, nor a copied signature.
            var relabelled = records
            relabelled[1].challengeId = records[0].challengeId  // another record's challenge, signature kept
            Self.rehash(&relabelled)
            #expect(problem(relabelled).contains("another challenge"), "\(problem(relabelled))")
            var moved = records
            moved[2].httpPath = "/permissions/elsewhere"
            Self.rehash(&moved)
            #expect(problem(moved).contains("names another request"), "\(problem(moved))")
            var copied = records
            copied.append(records[1])
            copied[3].index = 4
            copied[3].id = "ua-copy"
            Self.rehash(&copied)
            #expect(problem(copied).contains("already answered by record 2"), "\(problem(copied))")
        }
    }

    /// Rebuilds every place and hash, as someone who can write the database and knows the scheme could.
    static func rehash(_ records: inout [AuditRecord]) {
        var previous = AuditChain.genesis
        for index in records.indices {
            records[index].previousHash = previous
            records[index].hash = AuditChain.entry(of: records[index]).hash
            previous = records[index].hash
        }
    }
}
