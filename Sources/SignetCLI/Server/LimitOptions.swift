import ArgumentParser
import Foundation
import SignetCore
import SignetServer

/// `signet serve`'s abuse limits and the reverse proxies it believes about client addresses.
struct LimitOptions: ParsableArguments {
    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp(
            "Change an abuse limit: NAME=COUNT/UNIT, such as username=10/min; repeat for several (env SIGNET_RATE_LIMITS, comma-separated).",
            discussion: """
                Each limit is a token bucket per key, in each node's memory: COUNT at once, refilled at COUNT per UNIT \
                (s, min, h, day). Past it, the request is refused with 429 and Retry-After. Limits and defaults: \
                \(AbuseLimits.Name.allCases.map { "\($0.rawValue) (\($0.summary), \(AbuseLimits.defaults[$0]?.description ?? "off"))" }.joined(separator: "; ")).
                """
        )
    )
    var rateLimits: [String] = Environment.value("SIGNET_RATE_LIMITS").map { $0.split(separator: ",").map(String.init) } ?? []

    @Flag(name: .customLong("no-rate-limits"), help: "Turn every abuse limit off (env SIGNET_RATE_LIMITS=off), for benchmarks of raw throughput.")
    var noRateLimits = false

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy in front of Signet whose X-Forwarded-For names the client: an address or a CIDR block; repeat for several (env SIGNET_TRUSTED_PROXIES, comma-separated).",
            discussion: "Without it, a client is the connection's peer, and every client behind a proxy shares the proxy's address limits."
        )
    )
    var trustedProxyOptions: [String] = Environment.value("SIGNET_TRUSTED_PROXIES").map { $0.split(separator: ",").map(String.init) } ?? []

    /// The limits, as set.
    func abuseLimits() throws -> AbuseLimits {
        var limits = AbuseLimits()
        if noRateLimits || rateLimits == ["off"] { return .off }
        for setting in rateLimits {
            do {
                try limits.set(setting.trimmingCharacters(in: .whitespaces))
            } catch {
                throw ValidationError("--rate-limit \(error.description)")
            }
        }
        return limits
    }

    /// The trusted proxies, as set.
    func trustedProxies() throws -> [IPRange] {
        try trustedProxyOptions.map { text in
            guard let range = IPRange(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--trusted-proxy '\(text)' is not an address or a CIDR block (such as 10.0.0.0/8)")
            }
            return range
        }
    }

    func validate() throws {
        _ = try abuseLimits()
        _ = try trustedProxies()
    }
}
