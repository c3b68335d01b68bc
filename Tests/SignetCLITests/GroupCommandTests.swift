import Foundation
import Testing

@Suite("signet groups, run as a binary against a live server")
struct GroupCommandTests {
    @Test("Create a group, give it a role, add and remove a person, rename it, delete it")
    func groups() async throws {
        try await CommandLineTests.withSession { cli, url, orgId in
            try await cli.succeed(["login", "--url", url, "--org", orgId, "--email", "admin@cli.example", "--private-key", "admin.pem"])
            let group = try await cli.succeed(["groups", "create", "--name", "Treasury", "--description", "pays invoices", "--json"]).json()
            let groupId = try #require(group["id"] as? String)
            #expect(group["memberCount"] as? Int == 0)
            let role = try await cli.succeed(["roles", "create", "--name", "readers", "--operation", "Auth:Users:Read", "--json"]).json()
            let roleId = try #require(role["id"] as? String)
            #expect(try await cli.succeed(["roles", "assign", roleId, groupId]).stdout.contains("Assigned"))

            try await cli.succeed(["keygen", "--out", "dev"])
            let user = try await cli.succeed(["users", "create", "--email", "dev@cli.example", "--public-key", "dev.public.pem", "--json"]).json()
            let userId = try #require(user["userId"] as? String)
            #expect(try await cli.succeed(["groups", "add", groupId, userId]).stdout.contains("Added 1 user"))
            #expect(try await cli.succeed(["groups", "members", groupId]).stdout.contains("dev@cli.example"))
            let shown = try await cli.succeed(["users", "get", userId, "--json"]).json()
            #expect((shown["permissions"] as? [String])?.contains("Auth:Users:Read") == true)
            #expect(try await cli.succeed(["groups", "list"]).stdout.contains("Treasury"))

            let renamed = try await cli.succeed(["groups", "update", groupId, "--name", "Finance", "--clear-description", "--json"]).json()
            #expect(renamed["name"] as? String == "Finance" && renamed["description"] == nil)
            #expect(try await cli.run(["groups", "update", groupId]).status == 2)
            #expect(try await cli.run(["groups", "add", groupId, "to-not-a-user"]).status == 1)

            try await cli.succeed(["groups", "remove", groupId, userId])
            let after = try await cli.succeed(["users", "get", userId, "--json"]).json()
            #expect((after["permissions"] as? [String])?.contains("Auth:Users:Read") != true)
            #expect(try await cli.succeed(["groups", "delete", groupId]).stdout.contains("Deleted"))
            #expect(try await cli.run(["groups", "get", groupId]).status == 1)
        }
    }
}
