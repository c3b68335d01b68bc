import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetServer
import SignetTestFixtures
import Testing

/// The abuse limits: a burst gets 429 (`rate_limited`, `Retry-After`) before anything is written, a
/// well-behaved client never does, and each limit refills.
@Suite("Abuse limits")
struct AbuseLimitTests {
    /// A configuration with `settings` (`NAME=RATE`) over the defaults, on a clock the test moves.
    /// The rates are per hour, and the clock moves by minutes: on a machine so busy that a test
    /// takes minutes, real time refills nothing the test counts on.
    static func configuration(_ settings: [String], clock: TestClock) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        for setting in settings { try configuration.abuseLimits.set(setting) }
        configuration.now = clock.now
        return configuration
    }

    static func loginInit(_ api: APIClient, _ username: String, orgId: String) async throws -> Reply {
        try await api.send(.post, "/auth/login/init", body: try api.json(LoginChallengeRequest(username: username, orgId: orgId)))
    }

    static func expectLimited(_ reply: Reply, _ what: String) {
        #expect(reply.status == .tooManyRequests, "\(what): \(reply.status) \(reply.body)")
        #expect(reply.body.contains(#""id":"rate_limited""#), "\(what): \(reply.body)")
        #expect(Int(reply.headers[.retryAfter] ?? "") ?? 0 >= 1, "\(what): Retry-After \(reply.headers[.retryAfter] ?? "missing")")
    }

    @Test(
        "Login challenges per username: a burst is limited alike for real and unknown usernames, others are not, and it refills",
        arguments: TestDatabase.available
    )
    func perUsername(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        try await TestServer.with(database, configuration: try Self.configuration(["username=3/h"], clock: clock), limits: true) { server, api in
            for username in ["nobody@example.com", server.organization.username] {
                for _ in 0..<3 { #expect(try await Self.loginInit(api, username, orgId: server.orgId).status == .ok) }
                Self.expectLimited(try await Self.loginInit(api, username, orgId: server.orgId), username)
            }
            #expect(
                try await Self.loginInit(api, "NOBODY@example.com", orgId: server.orgId).status == .tooManyRequests,
                "usernames compare case-insensitively"
            )
            #expect(try await Self.loginInit(api, "other@example.com", orgId: server.orgId).status == .ok)
            clock.advance(by: 1200)
            #expect(try await Self.loginInit(api, "nobody@example.com", orgId: server.orgId).status == .ok, "one more after 20 minutes")
            #expect(try await Self.loginInit(api, "nobody@example.com", orgId: server.orgId).status == .tooManyRequests)
        }
    }

    @Test("Login and registration requests per client address, over a real socket", arguments: TestDatabase.available)
    func perAddress(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        try await TestServer.withLive(database, configuration: try Self.configuration(["address=4/h"], clock: clock), limits: true) {
            server,
            api,
            _ in
            for index in 0..<4 { #expect(try await Self.loginInit(api, "user\(index)@example.com", orgId: server.orgId).status == .ok) }
            Self.expectLimited(try await Self.loginInit(api, "fresh@example.com", orgId: server.orgId), "a fifth username from one address")
            for variant in ["/auth//login/init", "/auth/login/init/", "//auth/login/init"] {
                let reply = try await api.send(.post, variant, body: #"{"username":"v@example.com","orgId":"\#(server.orgId)"}"#)
                #expect(reply.status == .tooManyRequests || reply.status == .notFound, "\(variant) is the same route, or none: \(reply.status)")
            }
            let registration = try await api.send(
                .post,
                "/auth/registration/init",
                body: #"{"orgId":"\#(server.orgId)","username":"a@example.com","registrationCode":"x"}"#
            )
            Self.expectLimited(registration, "registration from the same address")
            #expect(try await api.send(.get, "/auth/whoami", token: "not-a-token").status == .unauthorized, "other routes are not counted")
            clock.advance(by: 900)
            #expect(try await Self.loginInit(api, "fresh@example.com", orgId: server.orgId).status == .ok)
        }
    }

    @Test(
        "A username's bucket is per client address: a stranger's requests for a person's name never lock the person out",
        arguments: TestDatabase.available
    )
    func usernamePerAddress(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        var configuration = try Self.configuration(["username=2/h"], clock: clock)
        configuration.trustedProxies = [try #require(IPRange("127.0.0.1"))]
        try await TestServer.withLive(database, configuration: configuration, limits: true) { server, api, _ in
            let from = { (address: String) in
                try await api.send(
                    .post,
                    "/auth/login/init",
                    body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId)),
                    headers: ["X-Forwarded-For": address]
                )
            }
            for _ in 0..<2 { #expect(try await from("203.0.113.66").status == .ok) }
            Self.expectLimited(try await from("203.0.113.66"), "the stranger")
            #expect(try await from("198.51.100.7").status == .ok, "the person, from elsewhere")
            Self.expectLimited(try await from("203.0.113.66:4444"), "the stranger with a port")
        }
    }

    @Test(
        "Failed token checks per address: past the limit a token from that address waits; successes are not counted",
        arguments: TestDatabase.available
    )
    func failedTokens(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        try await TestServer.withLive(database, configuration: try Self.configuration(["failed-tokens=3/h"], clock: clock), limits: true) {
            server,
            api,
            _ in
            let admin = try await server.admin(api)
            for _ in 0..<10 { #expect(try await api.send(.get, "/auth/whoami", token: admin.token).status == .ok) }
            for _ in 0..<3 { #expect(try await api.send(.get, "/auth/whoami", token: "guess").status == .unauthorized) }
            Self.expectLimited(try await api.send(.get, "/auth/whoami", token: "guess"), "a fourth guess")
            Self.expectLimited(try await api.send(.get, "/auth/whoami", token: admin.token), "any token from that address")
            #expect(try await api.send(.get, "/healthz").status == .ok, "requests without a token are not limited by it")
            clock.advance(by: 1200)
            #expect(try await api.send(.get, "/auth/whoami", token: admin.token).status == .ok, "it refills")
        }
    }

    @Test(
        "Signed writes per token: user-action challenges and Fast Auth share one bucket; another token has its own",
        arguments: TestDatabase.available
    )
    func tokenWrites(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        try await TestServer.with(database, configuration: try Self.configuration(["token-writes=2/h"], clock: clock), limits: true) {
            server,
            api in
            let admin = try await server.admin(api)
            let (pat, asPat) = try await api.createPat(as: admin, algorithm: .ed25519)
            let actionInit = { (token: String) in
                try await api.send(
                    .post,
                    "/auth/action/init",
                    token: token,
                    body: try api.json(
                        CreateUserActionChallengeRequest(userActionPayload: "{}", userActionHttpMethod: "PUT", userActionHttpPath: "/auth/pats/x")
                    )
                )
            }
            #expect(try await actionInit(asPat.token).status == .ok)
            #expect(try await FastAuthTests.rename(api, server: server, pat: pat, as: asPat, name: "fast").status == .ok)
            Self.expectLimited(try await actionInit(asPat.token), "a third signed write")
            Self.expectLimited(try await FastAuthTests.rename(api, server: server, pat: pat, as: asPat, name: "again"), "Fast Auth, past it")
            let credentialInit = try await api.send(
                .post,
                "/auth/credentials/init",
                token: asPat.token,
                body: try api.json(CreateCredentialChallengeRequest(kind: .key))
            )
            Self.expectLimited(credentialInit, "a credential challenge is a signed write too")
            #expect(try await actionInit(admin.token).status == .ok, "another token")
            clock.advance(by: 1800)
            #expect(try await actionInit(asPat.token).status == .ok)
        }
    }

    @Test("Introspections of inactive tokens per caller are limited; active ones are not counted", arguments: TestDatabase.available)
    func introspection(database: TestDatabase.Kind) async throws {
        let clock = TestClock()
        try await TestServer.with(database, configuration: try Self.configuration(["failed-tokens=2/h"], clock: clock), limits: true) {
            server,
            api in
            let admin = try await server.admin(api)
            let role = try await api.createRole(as: admin, operations: ["Auth:Tokens:Introspect"])
            let (_, service) = try await api.createServiceAccount(as: admin, permissionId: role.id)
            let introspect = { (token: String) in
                try await api.send(.post, "/oauth2/introspect", token: service.token, body: "token=\(token)")
            }
            for _ in 0..<5 { #expect(try await introspect(admin.token).body.contains(#""active":true"#)) }
            for _ in 0..<2 { #expect(try await introspect("guess").body.contains(#""active":false"#)) }
            Self.expectLimited(try await introspect("guess"), "a third inactive introspection")
            clock.advance(by: 1800)
            #expect(try await introspect(admin.token).status == .ok)
        }
    }

    @Test(
        "With the default limits a well-behaved client never sees 429: logins, reads and signed writes at a person's and a CI job's pace",
        arguments: TestDatabase.available
    )
    func wellBehaved(database: TestDatabase.Kind) async throws {
        try await TestServer.withLive(database, limits: true) { server, api, _ in
            for _ in 0..<5 { _ = try await server.admin(api) }
            let admin = try await server.admin(api)
            for index in 0..<20 {
                #expect(try await api.send(.get, "/auth/pats", token: admin.token).status == .ok)
                #expect(try await api.createPat(as: admin, name: "ci-\(index)").0.tokenId.hasPrefix("to-"))
            }
        }
    }
}
