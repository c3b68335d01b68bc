import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import SignetAPI
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Bookkeeping (a token's last use, a registration code's failures; passkey counters are proved at
/// the store) is written on busy paths without emptying any cache; what decides access still empties it.
@Suite("Bookkeeping and the cache")
struct BookkeepingCacheTests {
    /// Waits for `condition`, checking every 20 ms, for at most 60 s: only a real failure waits that long.
    static func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("A bookkeeping write leaves the warm cache warm; an authorization write still empties it", arguments: TestDatabase.available)
    func bookkeepingKeepsCacheWarm(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.authorizationCacheLifetime = 3600
        configuration.tokenUsageFlushInterval = 0.05
        try await TestServer.with(database, configuration: configuration) { server, api in
            // On PostgreSQL the cache serves nothing until the change listener is connected (by design).
            #expect(try await Self.eventually { server.store.changes.isLive })
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "used")
            let invited = try await RegistrationTests.invite(api, as: admin, email: "new@example.com")
            let announced = NIOLockedValueBox<[StoreChange]>([])
            server.store.changes.subscribe { change in announced.withLockedValue { $0.append(change) } }
            // PostgreSQL notifies this node of its own commits too, in commit order: a marker write
            // (a change of details) is announced at once, then echoed after every echo of the setup;
            // once the echo is heard, only what the rounds announce is kept.
            _ = try await server.store.updateTokenDetails(id: pat.tokenId, name: "used", externalId: nil, at: Date())
            let markers = database == .postgres ? 2 : 1
            #expect(try await Self.eventually { announced.withLockedValue { $0.count { $0 == .detailsOf(userId: pat.linkedUserId) } } >= markers })
            announced.withLockedValue { $0.removeAll() }
            #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .ok)  // warm (the marker dropped rendered lists)
            // Each round: bookkeeping writes, then one list. Had they emptied the cache, every round's
            // list would read; background readers (the key poller, the janitor) can only add reads,
            // so the fewest reads of three rounds is the list's own.
            var fewest = Int.max
            for round in 0..<3 {
                if round == 0 {
                    #expect(try await api.send(.get, "/auth/whoami", token: identity.token).status == .ok)
                    #expect(try await Self.eventually { try await server.store.lastUses(tokenIds: [pat.tokenId])[pat.tokenId] != nil })
                }
                let wrong = try await RegistrationTests.initiate(api, server: server, email: invited.username, code: "not-the-code")
                #expect(wrong.status == .unauthorized)
                let before = server.store.reads.value
                #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .ok)
                fewest = min(fewest, server.store.reads.value - before)
            }
            #expect(try await server.store.registrationCode(userId: invited.userId)?.failures == 3)
            #expect(fewest == 0, "bookkeeping emptied the cache")
            // Webhook deliveries of the earlier writes (the PAT's creation, the invitation) may still be
            // announced, late over PostgreSQL's notifications; no cache acts on them.
            let cacheChanges = announced.withLockedValue { $0 }.filter { $0 != .webhookEvents }
            #expect(cacheChanges.isEmpty, "bookkeeping announced \(cacheChanges)")

            // An authorization write (a deactivation) empties it: the next list is read again.
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: admin).status == .ok)
            #expect(announced.withLockedValue { $0 }.contains(.authorization))
            let before = server.store.reads.value
            let items = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items
            #expect(server.store.reads.value - before > 0)
            #expect(items.first { $0.tokenId == pat.tokenId }?.isActive == false)
        }
    }

    @Test("A token's last use shows on its PAT, noted at most once a minute and written in the background", arguments: TestDatabase.available)
    func lastUseShown(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        configuration.tokenUsageFlushInterval = 0.05
        let cacheLifetime = configuration.authorizationCacheLifetime
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "used")
            let (sentinel, sentinelIdentity) = try await api.createPat(as: admin, name: "sentinel")
            @Sendable func written(_ tokenId: String) async throws -> Date? { try await server.store.lastUses(tokenIds: [tokenId])[tokenId] }
            func shown() async throws -> Date? {
                clock.advance(by: cacheLifetime + 1)  // past what the list may be late by
                let list = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items
                let single = try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token).decode(AccessToken.self)
                let listed = list.first { $0.tokenId == pat.tokenId }?.dateLastUsed
                #expect(listed == single.dateLastUsed, "the list and the single route agree")
                return listed
            }
            func use(_ token: String) async throws -> ClosedRange<Date> {
                let start = clock.now()
                #expect(try await api.send(.get, "/auth/whoami", token: token).status == .ok)
                return start.addingTimeInterval(-0.001)...clock.now().addingTimeInterval(0.001)
            }
            #expect(try await shown() == nil, "never used")
            let first = try await use(identity.token)
            #expect(try await Self.eventually { try await written(pat.tokenId) != nil })
            let firstShown = try #require(try await shown())
            #expect(first.contains(firstShown), "\(firstShown) not in \(first)")
            // Within a minute of the first: not noted again. The sentinel's use is noted after it, so
            // once the sentinel is written, a second note would have been written too.
            _ = try await use(identity.token)
            _ = try await use(sentinelIdentity.token)
            #expect(try await Self.eventually { try await written(sentinel.tokenId) != nil })
            let stillFirst = try #require(try await written(pat.tokenId))
            #expect(abs(stillFirst.timeIntervalSince(firstShown)) < 0.002, "\(stillFirst) vs \(firstShown)")
            clock.advance(by: 60)
            let later = try await use(identity.token)
            #expect(try await Self.eventually { try await written(pat.tokenId).map { $0.timeIntervalSince(firstShown) > 59 } == true })
            let laterShown = try #require(try await shown())
            #expect(later.contains(laterShown), "\(laterShown) not in \(later)")
        }
    }
}
