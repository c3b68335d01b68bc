import ArgumentParser

/// `signet-bench`: Signet's benchmarks. Not a test: numbers vary between machines, and only ratios
/// measured in one run mean anything. `Benchmarks/run.sh` drives everything and prints the table.
@main
struct SignetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signet-bench",
        abstract: "Micro-benchmarks of the hot path, store seeding, and load drivers for signed requests.",
        subcommands: [MicroCommand.self, SeedCommand.self, LoadCommand.self, UpstreamCommand.self]
    )
}
