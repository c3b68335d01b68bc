import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// A person's live PATs have distinct names: "é" typed precomposed or decomposed is one name, and
/// the database holds it (a unique index on the name's canonical composition), whatever races.
@Suite("PAT names")
struct PatNameTests {
    static func create(_ api: APIClient, as admin: Identity, name: String) async throws -> Reply {
        let body = try api.json(CreatePersonalAccessTokenRequest(name: name, publicKey: try TestSigner.generate().publicKeyPEM))
        return try await api.signed(.post, "/auth/pats", as: admin, body: body)
    }

    static func isNameConflict(_ reply: Reply) throws -> Bool {
        guard reply.status == .conflict else { return false }
        let error = try reply.decode(ErrorResponse.self).error
        return error.id == "duplicate" && error.field == "name"
    }

    @Test("A name typed with a decomposed accent is the name typed precomposed", arguments: TestDatabase.available)
    func canonicalEquivalence(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            #expect(try await Self.create(api, as: admin, name: "Caf\u{E9}").status == .ok)
            #expect(try Self.isNameConflict(try await Self.create(api, as: admin, name: "Cafe\u{301}")))
            let other = try await Self.create(api, as: admin, name: "other").decode(AccessToken.self)
            let renamed = try await api.signed(.put, "/auth/pats/\(other.tokenId)", as: admin, body: "{\"name\":\"Cafe\u{301}\"}")
            #expect(try Self.isNameConflict(renamed), "\(renamed.body)")
            // A deleted PAT's name is free again.
            #expect(try await api.signed(.delete, "/auth/pats/\(other.tokenId)", as: admin).status == .ok)
            #expect(try await Self.create(api, as: admin, name: "other").status == .ok)
        }
    }

    @Test("Concurrent creates of one name: one PAT, and the others a 409 naming the field", arguments: TestDatabase.available)
    func concurrentCreates(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<6 { group.addTask { try await Self.create(api, as: admin, name: "raced") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == .ok }.count == 1, "\(replies.map(\.status))")
            #expect(try replies.filter { $0.status != .ok }.allSatisfy(Self.isNameConflict), "\(replies.map(\.body))")
            #expect(try await server.store.tokens(userId: server.organization.userId, kind: .pat).filter { $0.name == "raced" }.count == 1)
        }
    }

    @Test("The store refuses a second live PAT of one name for one user, and only that", arguments: TestDatabase.available)
    func uniqueIndex(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, _ in
            let (orgId, userId) = (server.orgId, server.organization.userId)
            func token(_ name: String, kind: TokenKind = .pat, user: String? = nil) -> AccessTokenRecord {
                AccessTokenRecord(
                    id: Identifier.make(.token),
                    orgId: orgId,
                    kind: kind,
                    userId: user ?? userId,
                    credentialUuid: nil,
                    name: name,
                    tokenDigest: UUID().uuidString,
                    createdAt: Date(),
                    expiresAt: Date().addingTimeInterval(600)
                )
            }
            let first = token("Caf\u{E9}")
            try await server.store.insertToken(first)
            await #expect(throws: StoreError.self) { try await server.store.insertToken(token("Cafe\u{301}")) }
            // A service account's tokens and login sessions are not PAT names.
            try await server.store.insertToken(token("Caf\u{E9}", kind: .login))
            _ = try await server.store.deleteToken(id: first.id, at: Date())
            try await server.store.insertToken(token("Cafe\u{301}"))
        }
    }
}
