import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("signet serve, run as a binary")
struct ServeCommandTests {
    @Test("A port in use is refused with a message naming it; the startup line is logged")
    func portInUse() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Hold a port.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(holder, raw, length) == 0, listen(holder, 1) == 0, getsockname(holder, raw, &length) == 0 else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let cli = CommandRunner(directory: directory, environment: ["SIGNET_CONFIG_DIR": directory + "/config", "PATH": "/usr/bin:/bin"])
        let result = try await cli.run(["serve", "--database", "data/s.sqlite", "--port", String(port), "--log-level", "notice"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("port \(port) on 127.0.0.1 is already in use") && result.stderr.contains("--port"), "\(result.stderr)")
        #expect(result.stderr.contains("signet starting") && result.stderr.contains("store=data/s.sqlite"), "\(result.stderr)")

        // --log-format json: every log line is one JSON object.
        let json = try await cli.run(["serve", "--database", "data/s.sqlite", "--port", String(port), "--log-format", "json"])
        let lines = json.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && objects.count == lines.count, "\(json.stderr)")
        let starting = objects.first { $0["message"] as? String == "signet starting" }
        #expect(starting?["level"] as? String == "notice" && starting?["store"] as? String == "data/s.sqlite" && starting?["time"] != nil)
        #expect(try await cli.run(["serve", "--log-format", "xml"]).status == 2)
    }

    @Test("Abuse-limit, metrics and TLS flags: a wrong value is a usage error that says what to write; --help lists them")
    func limitFlags() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cli = CommandRunner(directory: directory, environment: ["SIGNET_CONFIG_DIR": directory + "/config", "PATH": "/usr/bin:/bin"])
        for (arguments, says) in [
            (["--rate-limit", "bogus=1/s"], "NAME one of address, username, organisation, token-writes, failed-tokens"),
            (["--rate-limit", "username=ten/min"], "write COUNT/UNIT"),
            (["--rate-limit", "username=0/min"], "write COUNT/UNIT"),
            (["--trusted-proxy", "10.0.0.0/33"], "not an address or a CIDR block"),
            (["--metrics-port", "8080"], "not the API's --port"),
            (["--metrics-port", "70000"], "--metrics-port must be between 1 and 65535"),
            (["--tls-cert", "server.crt"], "--tls-cert and --tls-key go together"),
            (["--tls-key", "server.key"], "--tls-cert and --tls-key go together"),
            (["--tls-cert", "missing.crt", "--tls-key", "missing.key"], "--tls-cert missing.crt: not a readable PEM certificate"),
        ] {
            let result = try await cli.run(["serve", "--database", "data/s.sqlite"] + arguments)
            #expect(result.status == 2 && result.stderr.contains(says), "\(arguments): \(result.stderr)")
        }
        let help = try await cli.run(["serve", "--help"])
        #expect(help.stdout.contains("--rate-limit") && help.stdout.contains("token-writes (user-action challenges"), "\(help.stdout)")
        #expect(help.stdout.contains("--metrics-port") && help.stdout.contains("--metrics-host"))
        #expect(help.stdout.contains("--tls-cert") && help.stdout.contains("--tls-key"))
    }
}
