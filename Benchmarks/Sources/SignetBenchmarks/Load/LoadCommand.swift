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
            pat-churn:  the same, then DELETE /auth/pats/{id} (signed): the store does not grow.
            reads:      GET /auth/pats with a PAT. gateway-reads: GET /wallets through the gateway with a PAT.
            With --as-other-user, rounds and fast-writes are made by a new person with a role of their own
            (created by the administrator), not by the administrator.
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
        case patChurn = "pat-churn"
        case reads
        case gatewayReads = "gateway-reads"
    }

    @Argument(help: "What to drive: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
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

    @Flag(help: "rounds and fast-writes: sign as a new person of their own, not as the administrator.")
    var asOtherUser = false

    @Option(help: "Key algorithm of the signing PAT (rounds): ECDSA-P256, Ed25519 or RSA.")
    var algorithm: String = KeyAlgorithm.ecdsaP256.rawValue

    /// What `signet-bench upstream` answers to `GET /wallets`.
    struct WalletList: Decodable, Sendable {
        struct Wallet: Decodable, Sendable { var id: String }
        var items: [Wallet]
    }

    struct Admin: Decodable {
        var baseUrl: String
        var orgId: String
        var username: String
        var credentialId: String
        var privateKeyFile: String
    }

    func validate() throws {
        guard seconds > 0, seconds <= 3600, concurrency > 0, concurrency <= 1024 else {
            throw ValidationError("--seconds must be in (0, 3600] and --concurrency in 1…1024")
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
            let writer = asOtherUser ? try await OtherUser.session(
                administrator: session, admin: admin, http: http, configuration: SignetClient.Configuration()) : session
            let (client, pat) = try await patClient(
                session: writer,
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
        case .patCreate, .patChurn:
            let churn = kind == .patChurn
            return { _ in
                let key = try PrivateKey.generate(.ecdsaP256)
                let pat = try await session.personalAccessTokens.create(
                    CreatePersonalAccessTokenRequest(name: "bench-\(UUID().uuidString)", publicKey: key.publicKey.pemRepresentation)
                )
                if churn { _ = try await session.personalAccessTokens.delete(pat.tokenId) }
            }
        case .reads, .gatewayReads:
            let (client, _) = try await patClient(session: session, admin: admin, http: http, prefix: "bench-reader", fastAuth: true)
            if kind == .reads { return { _ in _ = try await client.personalAccessTokens.list() } }
            return { _ in _ = try await client.send("GET", "/wallets", body: String?.none, signed: false, as: WalletList.self) }
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
}
