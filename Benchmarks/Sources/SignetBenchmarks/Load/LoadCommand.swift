import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import SignetAPI
import SignetClient
import SignetCore

/// `signet-bench load`: drives what wrk cannot, because every operation needs a fresh signature:
/// the signed user-action round, PAT creation and login. Runs `--concurrency` clients for
/// `--seconds` against a server on loopback and prints one result line.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Signed rounds, PAT creations or logins per second against a running server (127.0.0.1 only).",
        discussion: """
            rounds:     POST /auth/action/init, POST /auth/action, then PUT /auth/pats/{id} (renaming the PAT),
                        signed by a PAT this command creates with a fresh key (the three-request flow).
            fast-writes: the same rename in one request, signed with Fast Auth.
            gateway-rounds / gateway-fast-writes: POST /wallets through the gateway, three requests or one.
            pat-create: POST /auth/pats (signed) with a fresh key each time, as the administrator.
            login:      POST /auth/login/init, then POST /auth/login, as the administrator.
            The administrator's settings come from the admin.json that `signet serve --dev` writes.
            With --server-pid, the server's CPU time per operation is read from /proc and printed too.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case rounds
        case fastWrites = "fast-writes"
        case gatewayRounds = "gateway-rounds"
        case gatewayFastWrites = "gateway-fast-writes"
        case patCreate = "pat-create"
        case login
    }

    @Argument(help: "What to drive: rounds, fast-writes, gateway-rounds, gateway-fast-writes, pat-create or login.")
    var kind: Kind

    @Option(help: "The admin.json written by `signet serve --dev`.")
    var from: String

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 10

    @Option(help: "Clients running at once.")
    var concurrency = 16

    @Option(help: "The server's process id, to report its CPU time per operation.")
    var serverPid: Int32?

    @Option(help: "At most this many operations per second in all, evenly spaced (0: as fast as they go). For mixed loads.")
    var rate: Double = 0

    @Option(help: "Key algorithm of the signing PAT (rounds): ECDSA-P256, Ed25519 or RSA.")
    var algorithm: String = KeyAlgorithm.ecdsaP256.rawValue

    struct Admin: Decodable {
        var baseUrl: String
        var orgId: String
        var username: String
        var credentialId: String
        var privateKeyFile: String
    }

    func validate() throws {
        guard seconds > 0, seconds <= 600, concurrency > 0, concurrency <= 1024 else {
            throw ValidationError("--seconds must be in (0, 600] and --concurrency in 1…1024")
        }
        guard rate >= 0, rate <= 1_000_000 else { throw ValidationError("--rate must be in [0, 1000000]") }
        guard KeyAlgorithm(rawValue: algorithm) != nil else { throw ValidationError("--algorithm must be ECDSA-P256, Ed25519 or RSA") }
    }

    func run() async throws {
        let adminURL = URL(fileURLWithPath: from)
        let admin = try JSONDecoder().decode(Admin.self, from: try Data(contentsOf: adminURL))
        guard let host = URL(string: admin.baseUrl)?.host, host == "127.0.0.1" || host == "localhost" else {
            throw ValidationFailure("load runs against 127.0.0.1 only; \(admin.baseUrl) is elsewhere")
        }
        let keyPath = URL(fileURLWithPath: admin.privateKeyFile, relativeTo: adminURL.deletingLastPathComponent().deletingLastPathComponent())
        let signer = try KeySigner(credentialID: admin.credentialId, privateKeyPEM: try String(contentsOf: keyPath, encoding: .utf8))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await drive(admin: admin, signer: signer, http: http)
            try await http.shutdown()
            print(result)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func drive(admin: Admin, signer: KeySigner, http: HTTPClient) async throws -> String {
        // The administrator's session signs PAT creation with the three requests, as in earlier runs.
        var threeRequests = SignetClient.Configuration()
        threeRequests.fastAuth = false
        let session = try await SignetClient.login(
            baseURL: admin.baseUrl,
            organizationID: admin.orgId,
            username: admin.username,
            signer: signer,
            configuration: threeRequests,
            httpClient: http
        )
        let operation = try await operation(session: session, admin: admin, signer: signer, http: http)
        let cpuBefore = serverPid.flatMap(Self.cpuSeconds(pid:))
        let report = try await Self.measure(seconds: seconds, concurrency: concurrency, rate: rate, operation)
        let cpuAfter = serverPid.flatMap(Self.cpuSeconds(pid:))
        var line = "RESULT \(kind.rawValue) " + report.description
        if let cpuBefore, let cpuAfter, report.completed > 0 {
            line += String(format: " server_cpu_us_per_op=%.0f", (cpuAfter - cpuBefore) * 1e6 / Double(report.completed))
        }
        return line
    }

    /// The operation the run repeats, for `--kind`.
    private func operation(
        session: SignetClient,
        admin: Admin,
        signer: KeySigner,
        http: HTTPClient
    ) async throws -> @Sendable (Int) async throws -> Void {
        switch kind {
        case .rounds, .fastWrites:
            let (client, pat) = try await patClient(
                session: session,
                admin: admin,
                http: http,
                prefix: "bench-rounds",
                fastAuth: kind == .fastWrites
            )
            let (tokenId, runName) = (pat.tokenId, pat.name)
            return { index in
                _ = try await client.personalAccessTokens.update(tokenId, UpdatePersonalAccessTokenRequest(name: "\(runName)-\(index)"))
            }
        case .gatewayRounds, .gatewayFastWrites:
            // The signed round through the gateway: user action for POST /wallets, then the request,
            // forwarded to `signet-bench upstream` (or the one Fast Auth request).
            let (client, _) = try await patClient(
                session: session,
                admin: admin,
                http: http,
                prefix: "bench-gateway",
                fastAuth: kind == .gatewayFastWrites
            )
            return { _ in
                let _: [String: String] = try await client.send("POST", "/wallets", body: ["network": "Ethereum"], signed: true)
            }
        case .patCreate:
            return { _ in
                let key = try PrivateKey.generate(.ecdsaP256)
                _ = try await session.personalAccessTokens.create(
                    CreatePersonalAccessTokenRequest(name: "bench-\(UUID().uuidString)", publicKey: key.publicKey.pemRepresentation)
                )
            }
        case .login:
            return { _ in
                _ = try await SignetClient.login(
                    baseURL: admin.baseUrl,
                    organizationID: admin.orgId,
                    username: admin.username,
                    signer: signer,
                    httpClient: http
                )
            }
        }
    }

    /// A new PAT of the administrator's (key of `--algorithm`) and a client that signs with it.
    private func patClient(
        session: SignetClient,
        admin: Admin,
        http: HTTPClient,
        prefix: String,
        fastAuth: Bool
    ) async throws -> (SignetClient, AccessToken) {
        var configuration = SignetClient.Configuration()
        configuration.fastAuth = fastAuth
        let key = try PrivateKey.generate(KeyAlgorithm(rawValue: algorithm) ?? .ecdsaP256)
        let pat = try await session.personalAccessTokens.create(
            CreatePersonalAccessTokenRequest(name: "\(prefix)-\(UUID().uuidString.prefix(8))", publicKey: key.publicKey.pemRepresentation)
        )
        let client = try SignetClient(
            baseURL: admin.baseUrl,
            organizationID: admin.orgId,
            authToken: pat.accessToken,
            signer: KeySigner(credentialID: pat.credId, privateKey: key),
            configuration: configuration,
            httpClient: http
        )
        return (client, pat)
    }

    struct Report: CustomStringConvertible {
        var completed: Int
        var failed: Int
        var seconds: Double
        var latencies: [Double]

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }

        var description: String {
            String(
                format: "per_second=%.1f p50_ms=%.2f p99_ms=%.2f completed=%d failed=%d",
                Double(completed) / seconds,
                percentile(0.5) * 1000,
                percentile(0.99) * 1000,
                completed,
                failed
            )
        }
    }

    /// Runs `operation` from `concurrency` tasks until `seconds` have passed; with a `rate`, the
    /// operations start evenly spaced at that many per second.
    static func measure(
        seconds: Double,
        concurrency: Int,
        rate: Double = 0,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws
        -> Report
    {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let counter = NIOLockedValueBox(0)
        let outcomes = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failed = 0
                    while clock.now < deadline {
                        let index = counter.withLockedValue { value -> Int in
                            value += 1
                            return value
                        }
                        if rate > 0 {
                            let slot = start + .nanoseconds(Int64(Double(index - 1) / rate * 1e9))
                            guard slot < deadline else { break }
                            if slot > clock.now { try await Task.sleep(until: slot, clock: clock) }
                        }
                        let began = clock.now
                        do {
                            try await operation(index)
                            let elapsed = clock.now - began
                            latencies.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                        } catch {
                            failed += 1
                            if failed == 1 { FileHandle.standardError.write(Data("first failure: \(error)\n".utf8)) }
                        }
                    }
                    return (latencies, failed)
                }
            }
            var all: [([Double], Int)] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = clock.now - start
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let latencies = outcomes.flatMap(\.0)
        return Report(completed: latencies.count, failed: outcomes.map(\.1).reduce(0, +), seconds: total, latencies: latencies)
    }

    /// User plus system CPU time of a process, from /proc (Linux).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based), so indices 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / ticks
    }
}
