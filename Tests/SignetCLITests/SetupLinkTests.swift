import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SignetCore
import SignetServer
import SignetStore
import SignetTestFixtures
import Testing

@Suite("Setup links printed by the command line")
struct SetupLinkTests {
    @Test("init without a public key prints a setup link whose code opens a passkey registration; a bad --url is refused")
    func initWithoutKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-setup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cli = CommandRunner(directory: directory, environment: ["SIGNET_CONFIG_DIR": directory + "/config", "PATH": "/usr/bin:/bin"])
        let badURL = try await cli.run(["init", "--database", "data/s.sqlite", "--org-name", "L", "--email", "a@l.example", "--url", "ftp://x"])
        #expect(badURL.status == 2 && badURL.stderr.contains("--url"))

        let shown = try await cli.succeed([
            "init", "--database", "data/s.sqlite", "--org-name", "Links", "--email", "a+b@links.example", "--url", "https://signet.links.example",
        ])
        #expect(shown.stdout.contains("--rp-id signet.links.example --origin https://signet.links.example,"))
        // A link to this machine on another port: the next command listens there.
        let local = try await cli.succeed([
            "init", "--database", "data/local.sqlite", "--org-name", "Local", "--email", "a@local.example", "--url", "http://localhost:8081",
        ])
        #expect(local.stdout.contains("--rp-id localhost --origin http://localhost:8081 --port 8081,"), "\(local.stdout)")
        let line = try #require(shown.stdout.split(separator: "\n").first { $0.contains("setup link") })
        let text = try #require(line.split(separator: " ").last)
        let link = try #require(URLComponents(string: String(text)))
        #expect(link.host == "signet.links.example" && link.path == "/setup")
        let query = Dictionary(uniqueKeysWithValues: (link.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["username"] == "a+b@links.example")
        let (org, code) = (try #require(query["org"]), try #require(query["code"]))

        let store = try await SQLStore.sqlite(path: directory + "/data/s.sqlite")
        do {
            let party = try RelyingParty(id: "signet.links.example", name: "Links", origins: ["https://signet.links.example"])
            let app = try await buildApplication(
                configuration: ServerConfiguration(port: 0, relyingParty: party),
                store: store,
                logger: TestLogging.server()
            )
            try await app.test(.router) { client in
                for (attempt, expected) in [(code + "x", HTTPResponse.Status.unauthorized), (code, .ok)] {
                    let body = #"{"orgId": "\#(org)", "username": "a+b@links.example", "registrationCode": "\#(attempt)"}"#
                    let reply = try await client.execute(
                        uri: "/auth/registration/init",
                        method: .post,
                        headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    )
                    #expect(reply.status == expected, "\(String(buffer: reply.body))")
                }
            }
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}
