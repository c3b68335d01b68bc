import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// `/auth/organization/settings`: the organisation's longest PAT lifetime, at creation and on every use.
@Suite("Organisation settings")
struct OrganizationSettingsTests {
    static func set(_ api: APIClient, _ days: String, as admin: Identity) async throws -> Reply {
        try await api.signed(.put, "/auth/organization/settings", as: admin, body: #"{"maximumPatLifetimeDays":\#(days)}"#)
    }

    @Test(
        "A limit caps new PATs, stops older ones on their next request, and its removal restores them",
        arguments: TestDatabase.available
    )
    func lifetimeLimit(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = ServerConfiguration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let initial = try await api.send(.get, "/auth/organization/settings", token: admin.token).decode(OrganizationSettings.self)
            #expect(initial == OrganizationSettings(maximumPatLifetimeDays: nil, serverMaximumPatLifetimeDays: 730))
            let (old, oldIdentity) = try await api.createPat(as: admin, name: "old", secondsValid: 60 * 86_400)
            #expect(try await api.send(.get, "/auth/whoami", token: oldIdentity.token).status == .ok)

            clock.advance(by: 10 * 86_400)
            let later = try await server.admin(api)  // the login session of ten days ago has ended
            let set = try await Self.set(api, "7", as: later)
            let settings = try set.decode(OrganizationSettings.self)
            #expect(set.status == .ok && settings.maximumPatLifetimeDays == 7, "\(set.body)")
            let refused = try await api.send(.get, "/auth/whoami", token: oldIdentity.token)
            #expect(
                refused.status == .unauthorized && refused.body.contains("older than the organisation lets PATs live (7 days)"),
                "\(refused.body)"
            )
            // The gauges count it as expired, as the bearer check treats it.
            let counts = try await server.store.tokenCounts(at: clock.now())
            #expect(counts.contains { $0.kind == .pat && $0.state == "expired" && $0.count >= 1 }, "\(counts)")

            // New PATs: at most 7 days; without a lifetime, exactly 7.
            let tooLong = CreatePersonalAccessTokenRequest(name: "long", publicKey: try TestSigner.generate(.ed25519).publicKeyPEM, daysValid: 8)
            #expect(try await api.signed(.post, "/auth/pats", as: later, body: try api.json(tooLong)).status == .badRequest)
            let (capped, cappedIdentity) = try await api.createPat(as: later, name: "capped")
            let lifetime = try #require(capped.dateExpires).timeIntervalSince(capped.dateCreated)
            #expect(abs(lifetime - 7 * 86_400) < 5)
            #expect(try await api.send(.get, "/auth/whoami", token: cappedIdentity.token).status == .ok)

            // A limit the old PAT is within: it works, and the header a script watches shows the end the limit sets.
            #expect(try await Self.set(api, "20", as: later).status == .ok)
            let reply = try await api.send(.get, "/auth/whoami", token: oldIdentity.token)
            let header = try #require(reply.headers[HTTPField.Name("Signet-Token-Expiration")!])
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "UTC")
            format.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
            let shown = try #require(format.date(from: header))
            #expect(abs(shown.timeIntervalSince(old.dateCreated.addingTimeInterval(20 * 86_400))) < 2, "\(header)")
            try await Self.expectLimitShown(server: server, api: api, clock: clock, as: later, old: old, capped: capped)

            #expect(try await Self.set(api, "null", as: later).status == .ok)
            #expect(try await api.send(.get, "/auth/whoami", token: oldIdentity.token).status == .ok, "\(old.tokenId) lives its own 60 days again")
        }
    }

    @Test("Bad values are a 400 naming the field; a caller without Orgs:Settings:Update is refused", arguments: TestDatabase.available)
    func refusals(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database) { server, api in
            let admin = try await server.admin(api)
            for days in ["0", "731", "-1", #""x""#, "1.5"] {
                let reply = try await Self.set(api, days, as: admin)
                #expect(reply.status == .badRequest, "\(days): \(reply.body)")
            }
            for body in ["{}", #"{"maximumPatLifetimeDays":5,"extra":1}"#] {
                #expect(try await api.signed(.put, "/auth/organization/settings", as: admin, body: body).status == .badRequest, "\(body)")
            }
            let readers = try await api.createRole(as: admin, operations: ["Orgs:Settings:Read"])
            let (_, reader) = try await api.createPat(as: admin, permissionId: readers.id)
            #expect(try await api.send(.get, "/auth/organization/settings", token: reader.token).status == .ok)
            #expect(try await Self.set(api, "5", as: reader).status == .forbidden)
        }
    }

    /// With a 20-day limit, ten days in: lists show the PAT's end as the limit's, and the
    /// inventory's filters and `token.expiring` use it (its own end is 50 days away).
    static func expectLimitShown(
        server: TestServer,
        api: APIClient,
        clock: TestClock,
        as later: Identity,
        old: AccessToken,
        capped: AccessToken
    ) async throws {
        // Lists show the same end, and the inventory's filters use it: the old PAT (its own end
        // 50 days away) now ends in 10, so it is "expiring within 15 days".
        clock.advance(by: 301)  // past the cache lifetime: the lists are read again
        let listed = try await api.send(.get, "/auth/pats/\(old.tokenId)", token: later.token).decode(AccessToken.self)
        #expect(abs(try #require(listed.dateExpires).timeIntervalSince(old.dateCreated.addingTimeInterval(20 * 86_400))) < 2)
        let within = clock.now().addingTimeInterval(15 * 86_400).formatted(Date.ISO8601FormatStyle())
        let expiring = try await api.send(.get, "/auth/tokens?expiringBefore=\(within)", token: later.token)
            .decode(ListResponse<AccessToken>.self).items.map(\.tokenId)
        #expect(expiring.contains(old.tokenId) && expiring.contains(capped.tokenId), "\(expiring)")
        // token.expiring looks for the same end.
        let soon = try await server.store.tokensExpiring(between: clock.now(), and: clock.now().addingTimeInterval(14 * 86_400))
        let notice = try #require(soon.first { $0.id == old.tokenId })
        #expect(abs(notice.expiresAt.timeIntervalSince(old.dateCreated.addingTimeInterval(20 * 86_400))) < 2)
    }
}
