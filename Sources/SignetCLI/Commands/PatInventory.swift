import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet pat list --all …`: the organisation's PATs and service-account tokens (`GET /auth/tokens`).
struct PatInventoryOptions: ParsableArguments {
    @Flag(name: .customLong("all"), help: "Every PAT and service-account token of the organisation you may see (needs Auth:Users:Read).")
    var all = false
    @Option(name: .customLong("user"), help: "With --all: only the tokens acting as this user (us-…).") var userId: String?
    @Option(help: "With --all: only Pat or ServiceAccount tokens.") var kind: String?
    @Option(help: "With --all: only active, inactive or expired tokens.") var state: String?
    @Option(help: "With --all: only tokens expiring within this time, e.g. 7d or 12h.") var expiring: String?
    @Option(help: "With --all: only tokens not used for this long (or never), e.g. 90d.") var unused: String?
    @Flag(name: .customLong("never-used"), help: "With --all: only tokens never used.") var neverUsed = false

    func validate() throws {
        if !all && (userId != nil || kind != nil || state != nil || expiring != nil || unused != nil || neverUsed) {
            throw ValidationError("--user, --kind, --state, --expiring, --unused and --never-used filter --all; add --all")
        }
        _ = try Self.seconds(expiring, flag: "--expiring")
        _ = try Self.seconds(unused, flag: "--unused")
    }

    /// The query of `GET /auth/tokens`, with durations turned into dates from now.
    func filters(now: Date = Date()) throws -> [String: String] {
        var filters: [String: String] = [:]
        filters["userId"] = userId
        filters["kind"] = kind
        filters["state"] = state
        if let seconds = try Self.seconds(expiring, flag: "--expiring") { filters["expiringBefore"] = Output.date(now.addingTimeInterval(seconds)) }
        if let seconds = try Self.seconds(unused, flag: "--unused") { filters["unusedSince"] = Output.date(now.addingTimeInterval(-seconds)) }
        if neverUsed { filters["neverUsed"] = "true" }
        return filters
    }

    /// `30d`, `12h`, `45m` or `90s` in seconds.
    static func seconds(_ text: String?, flag: String) throws -> TimeInterval? {
        guard let text else { return nil }
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        guard let unit = text.last, let scale = units[unit], let count = Int(text.dropLast()), count > 0, count <= 100_000 else {
            throw ValidationError("\(flag) '\(text)' must be a count and a unit: 7d, 12h, 30m or 90s")
        }
        return TimeInterval(count) * scale
    }

    /// Every page of the inventory.
    func fetch(_ client: SignetClient) async throws -> [AccessToken] {
        let query = try filters()
        var tokens: [AccessToken] = []
        var page: String?
        repeat {
            let answer = try await client.personalAccessTokens.inventory(query, limit: 500, paginationToken: page)
            tokens += answer.items
            page = answer.nextPageToken
        } while page != nil
        return tokens
    }
}
