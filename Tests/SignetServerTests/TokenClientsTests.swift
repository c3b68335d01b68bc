import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// A token's last clients (address and user agent), as GitLab keeps a token's last addresses.
@Suite("A token's last clients")
struct TokenClientsTests {
    @Test(
        "The last five clients show on the PAT, most recent first, with the address the trusted-proxy rule decides",
        arguments: TestDatabase.available
    )
    func lastFive(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        configuration.tokenUsageFlushInterval = 0.05
        configuration.trustedProxies = [try #require(IPRange("127.0.0.1"))]
        let cacheLifetime = configuration.authorizationCacheLifetime
        try await TestServer.withLive(database, configuration: configuration) { server, api, _ in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "used from six places")
            let (unused, _) = try await api.createPat(as: admin, name: "never used")
            let long = String(repeating: "é", count: 300)
            for index in 1...6 {
                clock.advance(by: 1)
                let agent = index == 6 ? long : "agent-\(index)"
                let headers = ["X-Forwarded-For": "203.0.113.\(index)", "User-Agent": agent]
                #expect(try await api.send(.get, "/auth/whoami", token: identity.token, headers: headers).status == .ok)
            }
            // The same client again within the minute is not noted again (its time stays).
            clock.advance(by: 1)
            #expect(
                try await api.send(.get, "/auth/whoami", token: identity.token, headers: ["X-Forwarded-For": "203.0.113.2", "User-Agent": "agent-2"])
                    .status == .ok
            )
            #expect(
                try await BookkeepingCacheTests.eventually {
                    try await server.store.tokenClients(tokenIds: [pat.tokenId])[pat.tokenId]?.first?.address == "203.0.113.6"
                }
            )
            clock.advance(by: cacheLifetime + 1)
            let shown = try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token).decode(AccessToken.self)
            let clients = try #require(shown.lastUsedBy)
            #expect(clients.map(\.address) == ["203.0.113.6", "203.0.113.5", "203.0.113.4", "203.0.113.3", "203.0.113.2"])
            #expect(clients.first?.userAgent == String(repeating: "é", count: TokenClientRow.maximumUserAgentLength))
            #expect(clients.dropFirst().map(\.userAgent) == ["agent-5", "agent-4", "agent-3", "agent-2"])
            #expect(clients.map(\.dateLastUsed) == clients.map(\.dateLastUsed).sorted(by: >))
            #expect(shown.dateLastUsed != nil && clients.first?.dateLastUsed == shown.dateLastUsed, "last used is the newest client's time")
            let listed = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items
            #expect(listed.first { $0.tokenId == pat.tokenId }?.lastUsedBy == clients, "the list shows what the single route shows")
            let never = try #require(listed.first { $0.tokenId == unused.tokenId })
            #expect(never.lastUsedBy == nil && never.dateLastUsed == nil, "a PAT never presented has no clients")
        }
    }

    @Test("Without --trusted-proxy, X-Forwarded-For is not believed: the client is the connection's peer", arguments: TestDatabase.available)
    func forwardedForIgnored(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.tokenUsageFlushInterval = 0.05
        try await TestServer.withLive(database, configuration: configuration) { server, api, _ in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "spoofed")
            let headers = ["X-Forwarded-For": "198.51.100.9"]
            #expect(try await api.send(.get, "/auth/whoami", token: identity.token, headers: headers).status == .ok)
            #expect(try await BookkeepingCacheTests.eventually { try await server.store.tokenClients(tokenIds: [pat.tokenId])[pat.tokenId] != nil })
            let clients = try await server.store.tokenClients(tokenIds: [pat.tokenId])[pat.tokenId] ?? []
            #expect(clients.map(\.address) == ["127.0.0.1"])
            #expect(clients.map(\.userAgent) == [""], "no User-Agent sent: kept as empty, shown as absent")
        }
    }
}
