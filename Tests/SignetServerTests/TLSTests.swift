import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import SignetServer
import SignetTestFixtures
import Testing

/// `--tls-cert` / `--tls-key`: Signet serves HTTPS itself, with `Strict-Transport-Security`.
@Suite("TLS")
struct TLSTests {
    /// A throwaway P-256 certificate for localhost and 127.0.0.1, made by openssl in `directory`.
    static func certificate(in directory: String, name: String = "server") async throws -> (certificate: String, key: String) {
        let (certificate, key) = (directory + "/\(name).crt", directory + "/\(name).key")
        let process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                certificate, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            output: directory + "/openssl.log"
        )
        let status = await process.exitStatus()
        #expect(status == 0, "openssl: \((try? String(contentsOfFile: directory + "/openssl.log", encoding: .utf8)) ?? "")")
        return (certificate, key)
    }

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("HTTPS with a throwaway certificate: a client trusting it gets answers with Strict-Transport-Security; plain HTTP gets none")
    func servesHTTPS() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try await Self.certificate(in: directory)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.tls = try ServerTLS(certificateFile: files.certificate, keyFile: files.key)
        let server = try await TestServer.make(.sqlite, configuration: configuration)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(configuration: configuration, store: server.store, logger: TestLogging.server()) { portSink.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "signet.test")))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                let response = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/healthz"), timeout: .seconds(30))
                #expect(response.status == .ok)
                #expect(response.headers["Strict-Transport-Security"] == ["max-age=31536000"])
                let plain = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(30))
                #expect(plain?.status != .ok, "plain HTTP on the TLS port is not served")
                // A client that does not trust the certificate refuses it (at once: no connection retries).
                var plainConfiguration = HTTPClient.Configuration()
                plainConfiguration.connectionPool.retryConnectionEstablishment = false
                let strangers = HTTPClient(eventLoopGroupProvider: .singleton, configuration: plainConfiguration)
                let untrusted = try? await strangers.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/healthz"), timeout: .seconds(30))
                #expect(untrusted == nil)
                try await strangers.shutdown()
            } catch {
                Issue.record(error)
            }
            try await client.shutdown()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await server.close()
    }

    @Test("A key that is not the certificate's, a missing file, or a file that is not PEM is refused at load, naming the flag")
    func refusedFiles() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await Self.certificate(in: directory, name: "first")
        let second = try await Self.certificate(in: directory, name: "second")
        try "not a certificate".write(toFile: directory + "/junk.pem", atomically: true, encoding: .utf8)
        let cases: [(String, String, String)] = [
            (first.certificate, second.key, "does not belong"), (directory + "/missing.crt", first.key, "--tls-cert"),
            (first.certificate, directory + "/missing.key", "--tls-key"), (directory + "/junk.pem", first.key, "--tls-cert"),
            (first.certificate, directory + "/junk.pem", "--tls-key"),
        ]
        for (certificate, key, expected) in cases {
            #expect(throws: ServerTLS.LoadError.self, "\(certificate) \(key)") { try ServerTLS(certificateFile: certificate, keyFile: key) }
            do {
                _ = try ServerTLS(certificateFile: certificate, keyFile: key)
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
        #expect(throws: Never.self) { try ServerTLS(certificateFile: first.certificate, keyFile: first.key) }
    }

    @Test("Without TLS no answer claims Strict-Transport-Security")
    func plainHasNoHSTS() async throws {
        try await TestServer.with(.sqlite) { _, api in
            let reply = try await api.send(.get, "/healthz")
            #expect(reply.status == .ok && reply.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }
}
