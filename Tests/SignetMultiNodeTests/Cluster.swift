import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SignetClient
import SignetCore
import SignetTestFixtures
import Testing

/// Several `signet serve` processes on loopback ports sharing one PostgreSQL database.
final class Cluster: Sendable {
    let databaseURL: String
    let directory: String
    /// Each node's port (a node whose port was taken meanwhile is started again on another).
    private let portBox: NIOLockedValueBox<[Int]>
    var ports: [Int] { portBox.withLockedValue { $0 } }
    let orgId: String
    let adminKey: PrivateKey
    let adminCredentialId: String
    private let processes: NIOLockedValueBox<[Int: ChildProcess]>

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SIGNET_BINARY"], !path.isEmpty { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("signet").path
    }

    /// Creates a database, initialises it with `signet init`, and starts `count` nodes.
    static func start(nodes count: Int) async throws -> Cluster {
        let cluster = try await initialise(database: try await TestDatabase.createPostgres(), nodes: count)
        for index in cluster.ports.indices { try await cluster.startNode(index) }
        return cluster
    }

    /// Initialises `database` (a postgres:// URL or a SQLite path) with `signet init`; starts no node.
    static func initialise(database databaseURL: String, nodes count: Int) async throws -> Cluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-cluster-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = try PrivateKey.generate(.ed25519)
        try key.publicKey.pemRepresentation.write(toFile: directory + "/admin.public.pem", atomically: true, encoding: .utf8)
        let output = try run([
            "init", "--database", databaseURL, "--org-name", "Cluster", "--email", "admin@cluster.example", "--public-key",
            directory + "/admin.public.pem", "--json",
        ])
        let result = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let ports = try (0..<count).map { _ in try freePort() }
        return Cluster(
            databaseURL: databaseURL,
            directory: directory,
            ports: ports,
            orgId: result?["orgId"] as? String ?? "",
            adminKey: key,
            adminCredentialId: result?["credentialId"] as? String ?? ""
        )
    }

    private init(databaseURL: String, directory: String, ports: [Int], orgId: String, adminKey: PrivateKey, adminCredentialId: String) {
        self.databaseURL = databaseURL
        self.directory = directory
        self.portBox = NIOLockedValueBox(ports)
        self.orgId = orgId
        self.adminKey = adminKey
        self.adminCredentialId = adminCredentialId
        self.processes = NIOLockedValueBox([:])
    }

    func url(_ node: Int) -> String { "http://127.0.0.1:\(ports[node])" }

    /// Starts node `index` (on `database`, by default the cluster's) and waits until it says it
    /// listens on its port and answers `/healthz`. Another process may take a port between
    /// ``freePort()`` and the node's start (another test's node answering `/healthz` there once made
    /// a test talk to the wrong cluster): the node says so and exits, and it is started again on a
    /// new port.
    func startNode(_ index: Int, database: String? = nil, arguments extra: [String] = []) async throws {
        for _ in 0..<5 {
            let logged = log(index).count
            try launch(index, database: database, arguments: extra)
            let port = ports[index]
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let since = String(log(index).dropFirst(logged))
                if since.contains("listening"), since.contains("address=127.0.0.1:\(port)"),
                    let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url(index) + "/healthz"), timeout: .seconds(1)),
                    response.status == .ok
                {
                    try await Task.sleep(for: .milliseconds(300))  // let the change listener connect (not needed to pass)
                    return
                }
                if !(processes.withLockedValue { $0[index]?.isRunning } ?? false) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let since = String(log(index).dropFirst(logged))
            guard since.contains("already in use") else {
                throw ClusterError(description: "node \(index) did not start:\n" + since.suffix(3000))
            }
            let next = try Self.freePort()
            portBox.withLockedValue { $0[index] = next }
        }
        throw ClusterError(description: "node \(index) found no free port in five tries")
    }

    /// Starts node `index`'s process (its output goes to `node<index>.log`) without waiting for it.
    func launch(_ index: Int, database: String? = nil, arguments extra: [String] = []) throws {
        let process = try ChildProcess(
            executable: Self.binary,
            arguments: ["serve", "--database", database ?? databaseURL, "--port", String(ports[index]), "--log-level", "notice"] + extra,
            output: directory + "/node\(index).log",
            append: true
        )
        processes.withLockedValue { $0[index] = process }
    }

    /// The text node `index` has logged so far.
    func log(_ index: Int) -> String { (try? String(contentsOfFile: directory + "/node\(index).log", encoding: .utf8)) ?? "" }

    /// Stops node `index` with SIGTERM, as `systemctl stop` does. A node that has not exited 30
    /// seconds later (its documented drain is 10) is a failure: it is killed, and the test says which.
    func stopNode(_ index: Int) async {
        guard let process = processes.withLockedValue({ $0.removeValue(forKey: index) }) else { return }
        process.send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard process.isRunning else { return }
        process.send(SIGKILL)
        _ = await process.exitStatus()
        Issue.record("node \(index) did not exit within 30 s of SIGTERM; killed. Its log ends:\n\(log(index).suffix(1500))")
    }

    /// Kills node `index` with SIGKILL, as a crash or an out-of-memory kill would: nothing of its
    /// own shutdown runs.
    func killNode(_ index: Int) async {
        guard let process = processes.withLockedValue({ $0.removeValue(forKey: index) }) else { return }
        process.send(SIGKILL)
        _ = await process.exitStatus()
    }

    /// Waits until node `index`'s log contains `text`; false after 30 seconds.
    /// Waits until node `index` has logged `text` more than `after` times (60 s at most: only a real
    /// failure waits that long). Pass the count seen before an event to wait for the line that event
    /// causes, not an earlier one (a listener that failed once at start logs the same words).
    func waitForLog(node index: Int, containing text: String, after: Int = 0) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if occurrences(of: text, node: index) > after { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// How many times node `index` has logged `text`.
    func occurrences(of text: String, node index: Int) -> Int { log(index).components(separatedBy: text).count - 1 }

    func shutdown() async {
        for index in ports.indices { await stopNode(index) }
        if databaseURL.hasPrefix("postgres") { try? await TestDatabase.dropPostgres(databaseURL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The administrator logged in at `node`.
    func admin(at node: Int) async throws -> SignetClient {
        try await SignetClient.login(
            baseURL: url(node),
            organizationID: orgId,
            username: "admin@cluster.example",
            signer: KeySigner(credentialID: adminCredentialId, privateKey: adminKey)
        )
    }

    /// The same credentials against another node.
    func client(_ template: SignetClient, signer: any Signer, at node: Int) throws -> SignetClient {
        try SignetClient(baseURL: url(node), organizationID: orgId, authToken: template.authToken, signer: signer)
    }

    /// Runs the `signet` binary to completion and returns its standard output.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let id = UUID().uuidString
        let outPath = NSTemporaryDirectory() + "signet-run-\(id).out"
        let errPath = NSTemporaryDirectory() + "signet-run-\(id).err"
        defer { for path in [outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        let status = try ChildProcess(executable: binary, arguments: arguments, output: outPath, error: errPath).waitUntilExit()
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw ClusterError(description: "signet \(arguments.first ?? "") failed (\(status)): \(errors)")
        }
        return output
    }

    static func freePort() throws -> Int {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw ClusterError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
}
