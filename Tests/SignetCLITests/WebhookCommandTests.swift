import Foundation
import Testing

@Suite("signet webhooks, run as a binary against a live server")
struct WebhookCommandTests {
    @Test("Create a webhook (its secret shown once), list, disable, ping, rotate the secret, list events, delete")
    func webhooks() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            let created = try await cli.succeed(["webhooks", "create", "--url", "http://127.0.0.1:9/hook", "--events", "token.created, user.invited"])
            #expect(created.stdout.contains("whsec-") && created.stdout.contains("not shown again"), "\(created.stdout)")
            let webhook = try await cli.succeed(["webhooks", "list", "--json"]).stdout
            let items = try #require(try JSONSerialization.jsonObject(with: Data(webhook.utf8)) as? [[String: Any]])
            let id = try #require(items.first?["id"] as? String)
            #expect(items.first?["events"] as? [String] == ["token.created", "user.invited"] && items.first?["secret"] == nil)
            #expect(!(try await cli.succeed(["webhooks", "get", id]).stdout.contains("whsec-")))

            let disabled = try await cli.succeed(["webhooks", "update", id, "--disable", "--json"]).json()
            #expect(disabled["status"] as? String == "Disabled")
            #expect(try await cli.run(["webhooks", "update", id]).status == 2)
            #expect(try await cli.run(["webhooks", "update", id, "--enable", "--disable"]).status == 2)
            #expect(try await cli.run(["webhooks", "create", "--url", "http://example.com/x", "--events", "*"]).status == 1)

            let ping = try await cli.succeed(["webhooks", "ping", id, "--json"]).json()
            #expect(ping["status"] as? String == "failed" && (ping["error"] as? String)?.contains("could not be reached") == true)
            let rotated = try await cli.succeed(["webhooks", "rotate-secret", id, "--overlap-seconds", "60", "--json"]).json()
            #expect((rotated["secret"] as? String)?.hasPrefix("whsec-") == true && rotated["previousSecretValidUntil"] != nil)
            // An event the endpoint (nothing listens on port 9) cannot receive: a failed attempt, listed.
            try await cli.succeed(["webhooks", "update", id, "--enable"])
            try await cli.succeed(["users", "create", "--email", "invited@cli.example"])
            var failed = ""
            for _ in 0..<300 where !failed.contains("user.invited") {
                try await Task.sleep(for: .milliseconds(100))
                failed = try await cli.succeed(["webhooks", "events", id, "--failed"]).stdout
            }
            #expect(failed.contains("user.invited") && failed.contains("failed"), "\(failed)")
            #expect(try await cli.succeed(["webhooks", "delete", id]).stdout.contains("Deleted webhook"))
            #expect(try await cli.run(["webhooks", "get", id]).status == 1)
        }
    }
}
