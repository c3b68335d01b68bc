import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SignetAPI
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// `signet serve` killed with SIGKILL at random moments under a write load (PAT creation, renames
/// signed with Fast Auth and with a three-request user action, deactivations, roles made and narrowed), then
/// started again: everything it acknowledged is there, no signature it accepted works again, no
/// token it revoked works, and (SQLite) `signet check` finds the store whole.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// A signed request the server acknowledged, to send again after the crash.
    struct SignedRequest: Sendable {
        let method: HTTPMethod
        let path: String
        let body: String
        let userAction: String
        /// The session that signed it (a user action is bound to its caller: replayed by another, it
        /// would be refused for that reason and prove nothing).
        let token: String
    }

    /// What the server acknowledged: only answers received count. A change whose answer the kill
    /// cut off may or may not have been applied (`pending…`): either state passes, and the state
    /// found after the restart is the one kept.
    struct Ledger: Sendable {
        var active: [String: String] = [:]
        var deactivated: [String: String] = [:]
        var names: [String: String] = [:]
        var pendingNames: [String: String] = [:]
        var pendingDeactivations: Set<String> = []
        var roles: [String] = []
        /// Roles made with two operations and narrowed to one (acknowledged, or cut off).
        var narrowed: Set<String> = []
        var pendingNarrowings: Set<String> = []
        var signed: [SignedRequest] = []
        var writes = 0
    }

    /// Kills per database (20; `SIGNET_CRASH_ROUNDS` for a longer search).
    static let rounds = Int(ProcessInfo.processInfo.environment["SIGNET_CRASH_ROUNDS"] ?? "") ?? 20

    /// SQLite always; PostgreSQL when the test run has a cluster (scripts/with-postgres).
    static let databases = TestDatabase.postgresURL != nil ? ["sqlite", "postgres"] : ["sqlite"]
    /// Without abuse limits: the checks present every revoked token, each a failed bearer to them.
    static let arguments = ["--no-rate-limits"]

    @Test(
        "SIGKILL under a write load, 20 times: acknowledged writes survive, used signatures stay used, revoked tokens stay revoked",
        arguments: databases
    )
    func killedUnderLoad(database kind: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("signet-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = kind == "sqlite" ? folder + "/signet.sqlite" : try await TestDatabase.createPostgres()
        let cluster = try await Cluster.initialise(database: database, nodes: 1)
        let ledger = NIOLockedValueBox(Ledger())
        do {
            var checked = 0
            try await cluster.startNode(0, arguments: Self.arguments)
            for _ in 0..<Self.rounds {
                let admin = try await cluster.admin(at: 0)
                let before = ledger.withLockedValue { $0.writes }
                let load = Task { await Self.writeLoad(admin, cluster: cluster, ledger: ledger) }
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
                // At least one acknowledged write per round, however slow the machine.
                let deadline = ContinuousClock.now + .seconds(120)
                while ledger.withLockedValue({ $0.writes }) == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                await cluster.killNode(0)
                await load.value
                try await cluster.startNode(0, arguments: Self.arguments)
                var acknowledged = ledger.withLockedValue { $0 }
                try await Self.verify(&acknowledged, replaying: Array(acknowledged.signed.dropFirst(checked)), cluster: cluster)
                checked = acknowledged.signed.count
                ledger.withLockedValue { $0 = acknowledged }
                if kind == "sqlite" { #expect(try Cluster.run(["check", "--database", database]).contains("sound")) }
            }
            let total = ledger.withLockedValue { $0 }
            #expect(total.writes >= Self.rounds, "the load acknowledged only \(total.writes) writes in \(Self.rounds) rounds")
            #expect(total.signed.count > 0 && !total.deactivated.isEmpty && !total.narrowed.isEmpty)
            print(
                "crash safety on \(kind): \(Self.rounds) kills, \(total.writes) acknowledged writes, \(total.signed.count) signatures replayed, "
                    + "\(total.deactivated.count) revoked tokens tried, \(total.narrowed.count) narrowed roles"
            )
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    /// Three writers and a role maker (each role made with two operations, then narrowed to one)
    /// until the node dies (their next request fails).
    static func writeLoad(_ admin: SignetClient, cluster: Cluster, ledger: NIOLockedValueBox<Ledger>) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    while (try? await cycle(admin, cluster: cluster, ledger: ledger)) != nil {}
                }
            }
            group.addTask {
                let wide = ["Auth:Logs:Read", "Auth:Users:Read"]
                while let role = try? await admin.permissions.create(CreatePermissionRequest(name: "crash-\(UUID().uuidString)", operations: wide)) {
                    ledger.withLockedValue {
                        $0.roles.append(role.id)
                        $0.pendingNarrowings.insert(role.id)
                        $0.writes += 1
                    }
                    guard (try? await admin.permissions.update(role.id, UpdatePermissionRequest(operations: ["Auth:Logs:Read"]))) != nil else { break }
                    ledger.withLockedValue {
                        $0.pendingNarrowings.remove(role.id)
                        $0.narrowed.insert(role.id)
                        $0.writes += 1
                    }
                }
            }
        }
    }

    /// A PAT created, renamed with Fast Auth, renamed with a user action, and (every other one) deactivated.
    static func cycle(_ admin: SignetClient, cluster: Cluster, ledger: NIOLockedValueBox<Ledger>) async throws {
        let key = try PrivateKey.generate(.ed25519)
        let pat = try await admin.personalAccessTokens.create(CreatePersonalAccessTokenRequest(name: "crash-\(UUID().uuidString)", publicKey: key.publicKey.pemRepresentation))
        let token = try #require(pat.accessToken)
        ledger.withLockedValue {
            $0.active[pat.tokenId] = token
            $0.names[pat.tokenId] = pat.name
            $0.writes += 1
        }
        let signer = KeySigner(credentialID: cluster.adminCredentialId, privateKey: cluster.adminKey)
        let path = "/auth/pats/\(pat.tokenId)"
        for style in ["fast", "action"] {
            let name = "\(style)-\(UUID().uuidString)"
            let body = #"{"name":"\#(name)"}"#
            let userAction = try await style == "fast" ? fastAuth(path: path, body: body, cluster: cluster, signer: signer)
                : userAction(admin, path: path, body: body, signer: signer)
            let request = SignedRequest(method: .PUT, path: path, body: body, userAction: userAction, token: try #require(admin.authToken))
            ledger.withLockedValue { $0.pendingNames[pat.tokenId] = name }
            guard try await send(request, token: request.token, cluster: cluster).status == 200 else { throw ClusterError(description: "refused") }
            ledger.withLockedValue {
                $0.names[pat.tokenId] = name
                $0.pendingNames[pat.tokenId] = nil
                $0.signed.append(request)
                $0.writes += 1
            }
        }
        guard Bool.random() else { return }
        ledger.withLockedValue { _ = $0.pendingDeactivations.insert(pat.tokenId) }
        _ = try await admin.personalAccessTokens.deactivate(pat.tokenId)
        ledger.withLockedValue {
            $0.pendingDeactivations.remove(pat.tokenId)
            $0.deactivated[pat.tokenId] = $0.active.removeValue(forKey: pat.tokenId)
            $0.writes += 1
        }
    }

    static func fastAuth(path: String, body: String, cluster: Cluster, signer: KeySigner) async throws -> String {
        let request = FastAuth.Request(method: "PUT", host: "127.0.0.1", target: path, body: Array(body.utf8), orgId: cluster.orgId)
        let clientData = FastAuth.clientData(for: request, timestamp: Date(), nonce: Identifier.randomBytes(16))
        let (signature, algorithm) = try await signer.signFastAuth(clientData)
        return FastAuth.header(credId: signer.credentialID, clientData: clientData, signature: signature, algorithm: algorithm)
    }

    static func userAction(_ admin: SignetClient, path: String, body: String, signer: KeySigner) async throws -> String {
        let challenge = try await admin.auth.createUserActionChallenge(
            CreateUserActionChallengeRequest(userActionPayload: body, userActionHttpMethod: "PUT", userActionHttpPath: path)
        )
        let answer = SignedChallenge(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try await signer.sign(challenge))
        return try await admin.auth.signUserActionChallenge(answer).userAction
    }

    static func send(_ request: SignedRequest?, method: HTTPMethod = .GET, path: String = "", token: String, cluster: Cluster) async throws -> (status: UInt, body: String) {
        var outgoing = HTTPClientRequest(url: cluster.url(0) + (request?.path ?? path))
        outgoing.method = request?.method ?? method
        outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let request {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.headers.add(name: "X-DFNS-USERACTION", value: request.userAction)
            outgoing.body = .bytes(ByteBuffer(string: request.body))
        }
        let response = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: body))
    }

    /// After a restart: replays refused, then every acknowledged state present (a cut-off change
    /// resolved to what the store kept).
    static func verify(_ ledger: inout Ledger, replaying replays: [SignedRequest], cluster: Cluster) async throws {
        let admin = try await cluster.admin(at: 0)
        for replay in replays {
            // By the session that signed it, which survives the restart: refused only for being used.
            let answer = try await send(replay, token: replay.token, cluster: cluster)
            #expect(answer.status == 403 && answer.body.contains("already"), "a used signature after the crash: \(answer.status) \(answer.body)")
        }
        for (tokenId, token) in ledger.active {
            let pat = try await admin.personalAccessTokens.get(tokenId)
            let names = [ledger.names[tokenId], ledger.pendingNames[tokenId]].compactMap { $0 }
            #expect(names.contains(pat.name), "PAT \(tokenId) is named \(pat.name), acknowledged \(names)")
            ledger.names[tokenId] = pat.name
            ledger.pendingNames[tokenId] = nil
            if !pat.isActive, ledger.pendingDeactivations.contains(tokenId) {
                ledger.deactivated[tokenId] = token
                ledger.active[tokenId] = nil
            } else {
                #expect(pat.isActive, "acknowledged active PAT \(tokenId) is inactive")
                #expect(try await send(nil, path: "/auth/whoami", token: token, cluster: cluster).status == 200)
            }
            ledger.pendingDeactivations.remove(tokenId)
        }
        for (tokenId, token) in ledger.deactivated {
            #expect(try await admin.personalAccessTokens.get(tokenId).isActive == false, "deactivated \(tokenId) came back")
            #expect(try await send(nil, path: "/auth/whoami", token: token, cluster: cluster).status == 401, "revoked \(tokenId) works")
        }
        for role in ledger.roles {
            let operations = Set(try await admin.permissions.get(role).operations)
            if ledger.pendingNarrowings.remove(role) != nil, operations.count == 1 { ledger.narrowed.insert(role) }
            let expected: Set<String> = ledger.narrowed.contains(role) ? ["Auth:Logs:Read"] : ["Auth:Logs:Read", "Auth:Users:Read"]
            #expect(operations == expected, "role \(role) has \(operations), acknowledged \(expected)")
        }
    }
}
