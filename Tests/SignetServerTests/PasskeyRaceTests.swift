import Foundation
import HTTPTypes
import SignetAPI
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

/// Passkey answers that arrive at the same moment: the challenge is used up before the counter is
/// stored, so a duplicate submit never looks like a clone; two answers with one counter value never
/// both open a session.
@Suite("Passkey answers that race")
struct PasskeyRaceTests {
    /// A login answer from `authenticator` to a fresh challenge, as a request body.
    static func answer(_ api: APIClient, server: TestServer, authenticator: SoftwareAuthenticator, counter: UInt32? = nil) async throws -> String {
        let challenge = try await api.send(
            .post,
            "/auth/login/init",
            body: try api.json(LoginChallengeRequest(username: server.organization.username, orgId: server.orgId))
        ).decode(UserActionChallenge.self)
        let assertion = try authenticator.assert(challenge: challenge.challenge, userId: server.organization.userId, counter: counter)
        return try api.json(
            SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: Factor(kind: .fido2, credentialAssertion: assertion))
        )
    }

    static func sendAtOnce(_ api: APIClient, _ bodies: [String]) async throws -> [UInt] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for body in bodies { group.addTask { UInt(try await api.send(.post, "/auth/login", body: body).status.code) } }
            return try await group.reduce(into: [UInt]()) { $0.append($1) }.sorted()
        }
    }

    @Test("Two copies of one answer sent at once: one session, one refusal, and the passkey stays active", arguments: TestDatabase.available)
    func duplicateAnswer(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try PasskeyTests.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, added, _) = try await PasskeyTests.addPasskey(api, as: admin)
            #expect(added.status == .ok, "\(added.body)")
            for round in 0..<5 {
                let body = try await Self.answer(api, server: server, authenticator: authenticator)
                #expect(try await Self.sendAtOnce(api, [body, body]) == [200, 401], "round \(round)")
            }
            let stored = try #require(try await server.store.credential(orgId: server.orgId, credentialId: authenticator.credId))
            #expect(stored.isActive && !stored.isFlagged)
        }
    }

    @Test(
        "Two answers to two challenges with one counter value, sent at once: the passkey is flagged whichever wins",
        arguments: TestDatabase.available
    )
    func oneCounterValue(database: TestDatabase.Kind) async throws {
        try await TestServer.with(database, configuration: try PasskeyTests.configuration()) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, added, _) = try await PasskeyTests.addPasskey(api, as: admin)
            #expect(added.status == .ok, "\(added.body)")
            for round in 0..<3 {
                let counter = UInt32(100 * (round + 1))
                let first = try await Self.answer(api, server: server, authenticator: authenticator, counter: counter)
                let second = try await Self.answer(api, server: server, authenticator: authenticator, counter: counter)
                let statuses = try await Self.sendAtOnce(api, [first, second])
                #expect(statuses == [200, 401], "round \(round): one is accepted, whichever comes first")
                // One counter value on two signatures is a clone, whether the second was caught by its
                // signature check or by the compare-and-set; re-enable the passkey for the next round.
                let stored = try #require(try await server.store.credential(orgId: server.orgId, credentialId: authenticator.credId))
                #expect(stored.isFlagged && !stored.isActive, "round \(round)")
                try await server.store.setCredentialActive(uuid: stored.uuid, isActive: true)
            }
        }
    }

    @Test(
        "A late answer (the authenticator signed two challenges, the later arrived first) is refused, not flagged; a lower count on a newer challenge is",
        arguments: TestDatabase.available
    )
    func lateAnswer(database: TestDatabase.Kind) async throws {
        // The clock moves a second between issuing and answering, as a person signing would take:
        // whether a challenge was issued before a count was stored is decided to the millisecond.
        let clock = TestClock()
        var configuration = try PasskeyTests.configuration()
        configuration.now = clock.now
        try await TestServer.with(database, configuration: configuration) { server, api in
            let admin = try await server.admin(api)
            let (authenticator, added, _) = try await PasskeyTests.addPasskey(api, as: admin)
            #expect(added.status == .ok, "\(added.body)")
            let earlier = try await Self.answer(api, server: server, authenticator: authenticator, counter: 50)
            let later = try await Self.answer(api, server: server, authenticator: authenticator, counter: 60)
            clock.advance(by: 1)
            #expect(try await api.send(.post, "/auth/login", body: later).status == .ok)
            let late = try await api.send(.post, "/auth/login", body: earlier)
            #expect(late.status == .unauthorized, "\(late.body)")
            var stored = try #require(try await server.store.credential(orgId: server.orgId, credentialId: authenticator.credId))
            #expect(stored.isActive && !stored.isFlagged, "a late answer is no clone")
            #expect(
                try await api.send(.post, "/auth/login", body: try await Self.answer(api, server: server, authenticator: authenticator, counter: 61))
                    .status == .ok
            )

            // A clone takes a challenge while 61 is stored, and answers only after the owner's next
            // use (62): a genuine answer to that challenge would count above 61, so 55 is a clone's,
            // however late it comes (no clock decides it).
            let clone = try await Self.answer(api, server: server, authenticator: authenticator, counter: 55)
            clock.advance(by: 1)
            #expect(
                try await api.send(.post, "/auth/login", body: try await Self.answer(api, server: server, authenticator: authenticator, counter: 62))
                    .status == .ok
            )
            let cloned = try await api.send(.post, "/auth/login", body: clone)
            #expect(cloned.status == .unauthorized, "\(cloned.body)")
            stored = try #require(try await server.store.credential(orgId: server.orgId, credentialId: authenticator.credId))
            #expect(stored.isFlagged && !stored.isActive)
        }
    }
}
