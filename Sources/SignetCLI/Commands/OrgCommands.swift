import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet org …`: the organisation's token policy.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "The organisation's settings: the longest a PAT may live.",
        discussion: """
              signet org settings
              signet org set --max-pat-days 90      # new PATs at most 90 days; older ones stop at 90 days
              signet org set --no-max-pat-days      # the server's maximum only
            """,
        subcommands: [Settings.self, Set.self]
    )

    struct Settings: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Show the organisation's settings.")
        @OptionGroup var options: ClientOptions

        func run(client: SignetClient) async throws { try OrgCommand.show(try await client.organization.settings(), json: options.json) }
    }

    struct Set: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Set or remove the longest PAT lifetime (applies to every PAT's next request).")
        @OptionGroup var options: ClientOptions
        @Option(name: .customLong("max-pat-days"), help: "The longest a PAT may live, in days (1 to the server's maximum).") var days: Int?
        @Flag(name: .customLong("no-max-pat-days"), help: "Remove the limit: the server's maximum only.") var clear = false

        func validate() throws {
            guard (days != nil) != clear else { throw ValidationError("give --max-pat-days DAYS or --no-max-pat-days") }
        }

        func run(client: SignetClient) async throws {
            try OrgCommand.show(try await client.organization.setMaximumPatLifetime(days: clear ? nil : days), json: options.json)
        }
    }

    static func show(_ settings: OrganizationSettings, json: Bool) throws {
        if json { return try Output.json(settings) }
        Output.fields([
            ("longest PAT lifetime", settings.maximumPatLifetimeDays.map { "\($0) days" } ?? "none (the server's maximum)"),
            ("server maximum", "\(settings.serverMaximumPatLifetimeDays) days"),
        ])
    }
}
