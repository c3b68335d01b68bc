import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import SignetAPI
import SignetCore
import SignetStore
import SignetTestFixtures
import Testing

@testable import SignetServer

/// The warm path serves callers, permissions and the PAT list from memory; these tests warm it
/// first and then check that every change still applies on the very next request.
@Suite("Authorization cache")
struct AuthorizationCacheTests {
    @Test("Every cached response is built only from tables whose every change empties the cache")
    func cachedResponsesDependOnAnnouncedTables() {
        for response in CachedResponse.examples {
            #expect(!response.sources.isEmpty)
            for table in response.sources {
                #expect(table.change == .authorization, "\(response.key) reads \(table.rawValue)")
            }
            for table in response.bookkeepingSources {
                #expect(table.change == nil && !response.sources.contains(table), "\(response.key) reads \(table.rawValue)")
            }
        }
        #expect(Set(CachedResponse.examples.map(\.key)).count == CachedResponse.examples.count)
    }

    @Test("A change of details only (a rename) drops rendered responses and keeps permissions; any other change empties all")
    func detailsKeepPermissions() async throws {
        try await TestServer.with(.sqlite) { server, _ in
            let cache = AuthorizationCache(store: server.store)
            let evaluations = NIOLockedValueBox(0)
            let renders = NIOLockedValueBox(0)
            @Sendable func touch() async throws {
                _ = try await cache.effectivePermissions(tokenId: "to-example") {
                    evaluations.withLockedValue { $0 += 1 }
                    return .none
                }
                _ = try await cache.response("pats:us-example") {
                    renders.withLockedValue { $0 += 1 }
                    return ByteBuffer()
                }
            }
            try await touch()
            try await touch()
            #expect(evaluations.withLockedValue { $0 } == 1 && renders.withLockedValue { $0 } == 1, "warm")
            server.store.changes.publish(.details)
            try await touch()
            #expect(evaluations.withLockedValue { $0 } == 1, "a rename keeps permission sets")
            #expect(renders.withLockedValue { $0 } == 2, "a rename drops what lists showed")
            server.store.changes.publish(.authorization)
            try await touch()
            #expect(evaluations.withLockedValue { $0 } == 2 && renders.withLockedValue { $0 } == 3, "anything else empties all")
        }
    }

    @Test("A rename drops the responses rendered for its user only: another user's list and tokens stay warm")
    func detailsOfOneUser() async throws {
        try await TestServer.with(.sqlite) { server, _ in
            let cache = AuthorizationCache(store: server.store)
            let renders = NIOLockedValueBox<[String: Int]>([:])
            let responses: [CachedResponse] = [
                .pats(userId: "us-a"), .whoami(userId: "us-a", tokenId: "to-a"), .pats(userId: "us-ab"),
                .pats(userId: "us-b"), .whoami(userId: "us-b", tokenId: "to-b"), .whoami(userId: "us-ab", tokenId: "to-a"),
            ]
            @Sendable func touch() async throws {
                for response in responses {
                    _ = try await cache.response(response.key) {
                        renders.withLockedValue { $0[response.key, default: 0] += 1 }
                        return ByteBuffer()
                    }
                }
            }
            try await touch()
            server.store.changes.publish(.detailsOf(userId: "us-a"))
            try await touch()
            let counts = renders.withLockedValue { $0 }
            #expect(counts["pats:us-a"] == 2 && counts["whoami:us-a:to-a"] == 2, "the renamed user's responses are rendered again")
            #expect(
                counts.filter { !$0.key.hasPrefix("pats:us-a") && !$0.key.hasPrefix("whoami:us-a:") }.values.allSatisfy { $0 == 1 }
                    && counts["pats:us-ab"] == 1,
                "another user's stay: \(counts)")
        }
    }

    @Test("A token served from the cache is refused as soon as it expires", arguments: TestDatabase.available)
    func expiryWhileCached(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        // The cache keeps entries far longer than the token lives, so the refusal cannot come from
        // the entry's own lifetime running out; the token lives long enough in real time for the
        // warm-up on a loaded machine (3 seconds did not, once).
        configuration.authorizationCacheLifetime = 3600
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin, secondsValid: 120)
            // Warm: the token verifies and its caller is cached.
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
            // The cache's own lifetime has not run out when the token's has.
            clock.advance(by: 120.5)
            let reply = try await api.send(.get, "/auth/pats", token: identity.token)
            #expect(reply.status == .unauthorized)
            #expect(reply.errorMessage?.contains("expired") == true)
        }
    }

    @Test("After warm reads, a rename, a deactivation and a narrowed role show on the next request", arguments: TestDatabase.available)
    func warmReadsSeeChanges(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (pat, identity) = try await api.createPat(as: admin, name: "first")
            let (sibling, _) = try await api.createPat(as: admin, name: "second")
            func list() async throws -> [AccessToken] {
                try await api.send(.get, "/auth/pats", token: identity.token).decode(ListResponse<AccessToken>.self).items
            }
            func whoami() async throws -> WhoAmI {
                try await api.send(.get, "/auth/whoami", token: identity.token).decode(WhoAmI.self)
            }
            for _ in 0..<2 {
                #expect(try await list().map(\.name).sorted() == ["first", "second"])
                #expect(try await whoami().allOperations)
            }

            let renamed = try await api.signed(.put, "/auth/pats/\(pat.tokenId)", as: identity, body: #"{"name":"renamed"}"#)
            #expect(renamed.status == .ok)
            #expect(try await list().map(\.name).sorted() == ["renamed", "second"])

            #expect(try await api.signed(.put, "/auth/pats/\(sibling.tokenId)/deactivate", as: admin).status == .ok)
            #expect(try await list().first { $0.tokenId == sibling.tokenId }?.isActive == false)

            // The PAT's own role narrowed: its effective permissions shrink at once.
            let reader = try await server.addRole("Reader", operations: ["Auth:Users:Read"])
            let assigned = try #require(try await server.store.assignedRoles(identityId: pat.tokenId).first)
            try await server.store.deleteAssignment(id: assigned.0.id)
            try await server.assign(reader, to: pat.tokenId)
            let narrowed = try await whoami()
            #expect(!narrowed.allOperations)
            #expect(narrowed.permissions == ["Auth:Users:Read"])

            #expect(try await api.signed(.put, "/auth/pats/\(pat.tokenId)/deactivate", as: admin).status == .ok)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .unauthorized)
        }
    }

    @Test("A token differing from a cached one by a single byte is checked in full, and refused", arguments: TestDatabase.available)
    func neighbourOfCachedToken(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            let (_, identity) = try await api.createPat(as: admin)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token).status == .ok)
            var bytes = Array(identity.token.utf8)
            bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let tampered = String(decoding: bytes, as: UTF8.self)
            #expect(try await api.send(.get, "/auth/pats", token: tampered).status == .unauthorized)
            #expect(try await api.send(.get, "/auth/pats", token: identity.token + " ").status == .ok)
        }
    }

    @Test("Concurrent misses for one key load once; a load begun before a change is not shared after it", arguments: TestDatabase.available)
    func singleLoad(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, _ in
            // On PostgreSQL the cache works only once the change listener is connected (until then every
            // read goes to the database, by design); on a loaded machine that can take a moment.
            for _ in 0..<200 where !server.store.changes.isLive { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.store.changes.isLive)
            // Time stands still: no entry expires on its own while the test runs, however slow the machine.
            let frozen = Date()
            let cache = AuthorizationCache(store: server.store, now: { frozen })
            let loads = NIOLockedValueBox(0)
            // The second load waits for the test to release it: it is in flight, however slow the machine.
            let released = NIOLockedValueBox(false)
            let asked = NIOLockedValueBox(0)
            let render: @Sendable () async throws -> ByteBuffer = {
                let count = loads.withLockedValue { value -> Int in
                    value += 1
                    return value
                }
                if count == 2 {
                    let deadline = ContinuousClock.now + .seconds(30)
                    while !released.withLockedValue({ $0 }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                } else {
                    // The first load lasts until all twenty requests have asked (a signal, not a pause).
                    let deadline = ContinuousClock.now + .seconds(30)
                    while asked.withLockedValue({ $0 }) < 20 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                }
                return ByteBuffer(string: "load \(count)")
            }
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        asked.withLockedValue { $0 += 1 }
                        return String(buffer: try await cache.response("k", render: render))
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(loads.withLockedValue { $0 } == 1)
            #expect(Set(bodies) == ["load 1"])

            // A change while a load is in flight: later requests do not wait for that load.
            cache.invalidate()
            async let early = cache.response("k", render: render)
            let deadline = ContinuousClock.now + .seconds(30)
            while loads.withLockedValue({ $0 }) < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            cache.invalidate()
            let late = String(buffer: try await cache.response("k", render: render))
            released.withLockedValue { $0 = true }
            #expect(String(buffer: try await early) == "load 2")
            #expect(late == "load 3")
            // The second load began before the last change and was not kept; the third began after it and was.
            #expect(String(buffer: try await cache.response("k", render: render)) == "load 3")
            #expect(loads.withLockedValue { $0 } == 3)
        }
    }

    @Test(
        "The bearer scheme is read from the header's bytes",
        arguments: [
            ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("BEARER  \tabc \t", "abc"),
            ("Bearer ", nil), ("Bearer", nil), ("Bearer\tabc", nil), ("Basic abc", nil), ("Bearerabc", nil), ("", nil),
            ("Bearer    ", nil), ("Bëarer abc", nil),
        ] as [(String, String?)]
    )
    func bearerScheme(header: String, token: String?) {
        #expect(BearerAuthenticator.bearerToken(header) == token)
    }
}
