import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Bookkeeping (a token's last use, a passkey's counter, a registration code's failures) is
/// written on busy paths without emptying any cache; what decides access still empties it.
@Suite("Bookkeeping and the cache")
struct BookkeepingCacheTests {
    @Test("A bookkeeping write leaves the warm cache warm; an authorization write still empties it", arguments: TestDatabase.available)
    func bookkeepingKeepsCacheWarm(database: TestDatabase.Kind) async throws {
        var configuration = ServerConfiguration()
        configuration.authorizationCacheLifetime = 3600
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "used")
            let invited = try await RegistrationTests.invite(api, as: admin, email: "new@example.com")
            // The fewest reads of three requests: background readers (the signing-key poller, the
            // janitor) may land inside one request's window, never inside all three.
            func readsOfWarmList() async throws -> Int {
                var fewest = Int.max
                for _ in 0..<3 {
                    let before = server.store.reads.value
                    #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .ok)
                    fewest = min(fewest, server.store.reads.value - before)
                }
                return fewest
            }
            _ = try await readsOfWarmList()
            #expect(try await readsOfWarmList() == 0, "warm: the list and its caller come from memory")

            // Bookkeeping: the PAT's first use is recorded, and a wrong registration code counted.
            #expect(try await api.send(.get, "/auth/whoami", token: identity.token).status == .ok)
            #expect(try await server.store.lastUses(tokenIds: [pat.tokenId])[pat.tokenId] != nil)
            let wrong = try await RegistrationTests.initiate(api, server: server, email: invited.username, code: "not-the-code")
            #expect(wrong.status == .unauthorized)
            #expect(try await server.store.registrationCode(userId: invited.userId)?.failures == 1)
            #expect(try await readsOfWarmList() == 0, "bookkeeping emptied the cache")

            // An authorization write (a deactivation) empties it: the next list is read again.
            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: admin).status == .ok)
            let before = server.store.reads.value
            let items = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items
            #expect(server.store.reads.value - before > 0)
            #expect(items.first { $0.tokenId == pat.tokenId }?.isActive == false)
        }
    }

    @Test("A token's last use shows on its PAT, recorded at most once a minute", arguments: TestDatabase.available)
    func lastUseShown(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        let cacheLifetime = configuration.authorizationCacheLifetime
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "used")
            func shown() async throws -> Date? {
                clock.advance(by: cacheLifetime + 1)  // past what the list may be late by
                let list = try await api.send(.get, "/auth/pats", token: admin.token).decode(ListResponse<AccessToken>.self).items
                let single = try await api.send(.get, "/auth/pats/\(pat.tokenId)", token: admin.token).decode(AccessToken.self)
                let listed = list.first { $0.tokenId == pat.tokenId }?.dateLastUsed
                #expect(listed == single.dateLastUsed, "the list and the single route agree")
                return listed
            }
            func use() async throws -> ClosedRange<Date> {
                let start = clock.now()
                #expect(try await api.send(.get, "/auth/whoami", token: identity.token).status == .ok)
                return start.addingTimeInterval(-0.001)...clock.now().addingTimeInterval(0.001)
            }
            #expect(try await shown() == nil, "never used")
            let first = try await use()
            let firstShown = try #require(try await shown())
            #expect(first.contains(firstShown), "\(firstShown) not in \(first)")
            _ = try await use()  // within a minute of the first: not written again
            #expect(try await shown() == firstShown)
            clock.advance(by: 60)
            let later = try await use()
            let laterShown = try #require(try await shown())
            #expect(later.contains(laterShown), "\(laterShown) not in \(later)")
        }
    }
}
