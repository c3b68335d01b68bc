import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import SignetClient
import SignetCore
import Testing

/// The subjects readers pick from: the fixed ones (revoked and restored again and again), and the
/// login sessions of a person who rotates their key. Each session is a subject of its own, revoked
/// once and for good: the rotation's new Key credential opens the next one.
final class SubjectPool: Sendable {
    private struct State {
        var fixed: [RevocationHistoryTests.Subject]
        var sessions: [Int: RevocationHistoryTests.Subject] = [:]
        var latest: Int?
    }

    private let state: NIOLockedValueBox<State>
    /// How many fixed subjects there are; a session's subject number comes after them.
    let fixedCount: Int

    init(fixed: [RevocationHistoryTests.Subject]) {
        state = NIOLockedValueBox(State(fixed: fixed))
        fixedCount = fixed.count
    }

    func fixed(_ index: Int) -> RevocationHistoryTests.Subject { state.withLockedValue { $0.fixed[index] } }

    /// Adds the newest session; returns its subject number.
    func addSession(_ subject: RevocationHistoryTests.Subject) -> Int {
        state.withLockedValue { state in
            let number = fixedCount + state.sessions.count
            state.sessions[number] = subject
            state.latest = number
            return number
        }
    }

    /// A subject for a read: a fixed one, or the newest session (three times in four) or an older,
    /// revoked one, so that reads of ended sessions keep being tried.
    func pick() -> (Int, RevocationHistoryTests.Subject) {
        state.withLockedValue { state in
            let choice = Int.random(in: 0...fixedCount)
            guard choice == fixedCount, let latest = state.latest, let newest = state.sessions[latest] else {
                let index = min(choice, fixedCount - 1)
                return (index, state.fixed[index])
            }
            guard Int.random(in: 0..<4) == 0, let older = state.sessions.randomElement() else { return (latest, newest) }
            return (older.key, older.value)
        }
    }
}

extension RevocationHistoryTests {
    /// A person's current login session and the Key credential that opened it.
    struct KeyRotation: Sendable {
        let username: String
        let session: SignetClient
        let credentialUuid: String
        let subject: Int
    }

    /// A person with a key and a login session on node 0: the first session subject.
    static func startRotation(_ cluster: Cluster, admin: SignetClient, pool: SubjectPool) async throws -> KeyRotation {
        let username = "rotator@cluster.example"
        let key = try PrivateKey.generate(.ed25519)
        _ = try await admin.users.create(CreateUserRequest(email: username, publicKey: key.publicKey.pemRepresentation))
        let challenge = try await SignetClient(baseURL: cluster.url(0), organizationID: cluster.orgId, authToken: nil)
            .auth.createLoginChallenge(username: username)
        let credentialId = challenge.allowCredentials.key[0].id
        let session = try await SignetClient.login(
            baseURL: cluster.url(0),
            organizationID: cluster.orgId,
            username: username,
            signer: KeySigner(credentialID: credentialId, privateKey: key)
        )
        let credential = try #require(try await session.credentials.list().first { $0.credentialId == credentialId })
        let subject = pool.addSession(Subject(kind: .session, tokens: [try #require(session.authToken)], path: "/auth/whoami"))
        return KeyRotation(username: username, session: session, credentialUuid: credential.credentialUuid, subject: subject)
    }

    /// Rotates the person's key as they would: a new Key credential, then the old one deactivated
    /// (the revocation: it ends the session the old key opened), then a login with the new key.
    static func rotate(_ rotation: KeyRotation, cluster: Cluster, pool: SubjectPool, history: NIOLockedValueBox<RevocationHistory>) async throws -> KeyRotation {
        let key = try PrivateKey.generate(.ed25519)
        let added = try await rotation.session.credentials.add(key: key, name: "key-\(rotation.subject)")
        let start = ContinuousClock.now
        _ = try await rotation.session.credentials.deactivate(rotation.credentialUuid)
        let change = RevocationHistory.Change(subject: rotation.subject, revoke: true, node: 0, start: start, end: ContinuousClock.now)
        history.withLockedValue { $0.changes.append(change) }
        let session = try await SignetClient.login(
            baseURL: cluster.url(0),
            organizationID: cluster.orgId,
            username: rotation.username,
            signer: KeySigner(credentialID: added.credentialId, privateKey: key)
        )
        let subject = pool.addSession(Subject(kind: .session, tokens: [try #require(session.authToken)], path: "/auth/whoami"))
        return KeyRotation(username: rotation.username, session: session, credentialUuid: added.credentialUuid, subject: subject)
    }
}
