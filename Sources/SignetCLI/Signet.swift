import ArgumentParser

/// The `signet` command line.
@main
struct Signet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signet",
        abstract: "Signet: identity and access for APIs (personal access tokens, service accounts, signed user actions).",
        discussion: """
            Start a server on an embedded SQLite store:   signet serve --dev
            Or create the organisation yourself first:    signet init --org-name NAME --email EMAIL --public-key FILE
            """,
        subcommands: [ServeCommand.self, InitCommand.self])
}
