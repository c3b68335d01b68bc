import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// `GET /auth/tokens`: an administrator's inventory of PATs and service-account tokens.
@Suite("Token inventory")
struct TokenInventoryTests {
    static func ids(_ api: APIClient, _ query: String, as identity: Identity) async throws -> Set<String> {
        let reply = try await api.send(.get, "/auth/tokens" + query, token: identity.token)
        #expect(reply.status == .ok, "\(query): \(reply.body)")
        #expect(!reply.body.contains("accessToken"), "the inventory never shows a token")
        return Set(try reply.decode(ListResponse<AccessToken>.self).items.map(\.tokenId))
    }

    @Test("Filters by user, kind, state, expiry and use; bad filters are a 400 naming them", arguments: TestDatabase.available)
    func filters(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        configuration.tokenUsageFlushInterval = 0.1
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read", "Auth:Pats:Create"])
            let (month, monthIdentity) = try await api.createPat(as: admin, name: "month", secondsValid: 30 * 86_400)
            let (twoDays, _) = try await api.createPat(as: admin, name: "two-days", secondsValid: 2 * 86_400)
            let (off, _) = try await api.createPat(as: admin, name: "off", secondsValid: 30 * 86_400)
            #expect(try await api.signed(.put, "/auth/pats/\(off.tokenId)/deactivate", as: admin).status == .ok)
            let (account, _) = try await api.createServiceAccount(as: admin, name: "robot", permissionId: readers.id)
            let (dev, devSigner) = try await api.createUser(as: admin, email: "dev@example.com")
            try await api.assign(readers.id, to: dev.userId, as: admin)
            let (devPat, _) = try await api.createPat(as: try await api.session(dev.username, orgId: server.orgId, signer: devSigner), name: "dev")
            let accountToken = try #require(account.accessTokens.first?.tokenId)

            let all: Set = [month.tokenId, twoDays.tokenId, off.tokenId, accountToken, devPat.tokenId]
            #expect(try await Self.ids(api, "", as: admin) == all)
            #expect(try await Self.ids(api, "?kind=ServiceAccount", as: admin) == [accountToken])
            #expect(try await Self.ids(api, "?kind=Pat&userId=\(dev.userId)", as: admin) == [devPat.tokenId])
            #expect(try await Self.ids(api, "?state=inactive", as: admin) == [off.tokenId])
            let inAWeek = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(7 * 86_400))
            #expect(try await Self.ids(api, "?expiringBefore=\(inAWeek)", as: admin) == [twoDays.tokenId])

            // One PAT is used; the flush writes its last use shortly after.
            #expect(try await api.send(.get, "/auth/whoami", token: monthIdentity.token).status == .ok)
            var unused: Set<String> = all
            for _ in 0..<600 where unused.contains(month.tokenId) {
                try await Task.sleep(for: .milliseconds(50))
                unused = try await Self.ids(api, "?neverUsed=true", as: admin)
            }
            #expect(!unused.contains(month.tokenId) && unused.contains(twoDays.tokenId))
            let soon = Int(clock.now().addingTimeInterval(60).timeIntervalSince1970)
            #expect(try await Self.ids(api, "?unusedSince=\(soon)", as: admin).contains(month.tokenId))
            let before = Int(clock.now().addingTimeInterval(-60).timeIntervalSince1970)
            #expect(!(try await Self.ids(api, "?unusedSince=\(before)", as: admin)).contains(month.tokenId))

            clock.advance(by: 3 * 86_400)  // past the two-day PAT, and the login session: log in again
            let later = try await server.admin(api)
            #expect(try await Self.ids(api, "?state=expired", as: later) == [twoDays.tokenId])
            #expect(!(try await Self.ids(api, "?state=active", as: later)).contains(twoDays.tokenId))
            let farAhead = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(365 * 86_400))
            #expect(!(try await Self.ids(api, "?expiringBefore=\(farAhead)", as: later)).contains(twoDays.tokenId), "expired is not expiring")
            for query in ["?kind=Token", "?state=gone", "?userId=to-1", "?neverUsed=maybe", "?expiringBefore=soon", "?limit=0"] {
                #expect(try await api.send(.get, "/auth/tokens" + query, token: later.token).status == .badRequest, "\(query)")
            }
        }
    }

    @Test("A caller sees only tokens of users whose every operation it holds; without Auth:Users:Read, none", arguments: TestDatabase.available)
    func onlyWhatTheCallerCouldActAs(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let readers = try await api.createRole(as: admin, operations: ["Auth:Users:Read"])
            let (adminPat, _) = try await api.createPat(as: admin)
            let (reader, readerSigner) = try await api.createUser(as: admin, email: "reader@example.com")
            try await api.assign(readers.id, to: reader.userId, as: admin)
            let session = try await api.session(reader.username, orgId: server.orgId, signer: readerSigner)
            let (peer, peerSigner) = try await api.createUser(as: admin, email: "peer@example.com")
            try await api.assign(readers.id, to: peer.userId, as: admin)
            let creators = try await api.createRole(as: admin, operations: ["Auth:Pats:Create"])
            try await api.assign(creators.id, to: peer.userId, as: admin)
            let peerSession = try await api.session(peer.username, orgId: server.orgId, signer: peerSigner)
            let (peerPat, _) = try await api.createPat(as: peerSession, permissionId: readers.id)
            let (account, _) = try await api.createServiceAccount(as: admin, name: "robot", permissionId: readers.id)
            let accountToken = try #require(account.accessTokens.first?.tokenId)
            // The reader holds Auth:Users:Read only: the peer also holds Auth:Pats:Create, the admin everything.
            #expect(try await Self.ids(api, "", as: session).isEmpty)
            // Pages leak nothing of what is hidden: no page token naming a hidden token, whatever the filters.
            for query in ["?limit=1", "?limit=1&userId=\(server.organization.userId)", "?limit=1&neverUsed=true"] {
                let page = try await api.send(.get, "/auth/tokens" + query, token: session.token).decode(ListResponse<AccessToken>.self)
                #expect(page.items.isEmpty && page.nextPageToken == nil, "\(query): \(page.nextPageToken ?? "")")
            }
            try await api.assign(creators.id, to: reader.userId, as: admin)
            let widened = try await api.session(reader.username, orgId: server.orgId, signer: readerSigner)
            let after = try await Self.ids(api, "", as: widened)
            // The service account's operations are covered, but service accounts need Auth:ServiceAccounts:Read.
            #expect(after == [peerPat.tokenId] && !after.contains(adminPat.tokenId) && !after.contains(accountToken))
            let accountReaders = try await api.createRole(as: admin, operations: ["Auth:ServiceAccounts:Read"])
            try await api.assign(accountReaders.id, to: reader.userId, as: admin)
            let withAccounts = try await api.session(reader.username, orgId: server.orgId, signer: readerSigner)
            #expect(try await Self.ids(api, "", as: withAccounts) == [peerPat.tokenId, accountToken])
            let first = try await api.send(.get, "/auth/tokens?limit=1", token: withAccounts.token).decode(ListResponse<AccessToken>.self)
            let next = try #require(first.nextPageToken)
            let second = try await api.send(.get, "/auth/tokens?limit=1&paginationToken=\(next)", token: withAccounts.token)
            #expect(
                Set(first.items.map(\.tokenId) + (try second.decode(ListResponse<AccessToken>.self).items.map(\.tokenId))) == [
                    peerPat.tokenId, accountToken,
                ]
            )
            let (_, narrow) = try await api.createPat(as: admin, permissionId: creators.id)
            #expect(try await api.send(.get, "/auth/tokens", token: narrow.token).status == .forbidden)
        }
    }
}
