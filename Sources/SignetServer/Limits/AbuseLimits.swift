import Foundation
package import SignetCore

/// The abuse limits, by name: what each counts, and its rate (`--rate-limit NAME=RATE`).
///
/// Each is a token bucket per key, in each node's memory: on several nodes a client may reach
/// the limit once per node.
package struct AbuseLimits: Sendable, Equatable {
    /// A limit's name, as `--rate-limit` and `SIGNET_RATE_LIMITS` spell it.
    package enum Name: String, Sendable, CaseIterable {
        /// Login and registration requests (both steps) per client address.
        case address
        /// Login and registration challenges per username (in an organisation).
        case username
        /// Login and registration challenges per organisation: what strangers may add to its
        /// database.
        case organisation
        /// Signed writes per access token: user-action challenges (`POST /auth/action/init`) and
        /// Fast Auth requests.
        case tokenWrites = "token-writes"
        /// Failed bearer-token checks per client address (past it, the address's requests with a
        /// token are refused until it refills), and inactive answers of token introspection per
        /// caller.
        case failedTokens = "failed-tokens"

        /// What the limit counts, for `--help` and the docs.
        package var summary: String {
            switch self {
            case .address: "login and registration requests per client address"
            case .username: "login and registration challenges per username"
            case .organisation: "login and registration challenges per organisation"
            case .tokenWrites: "user-action challenges and Fast Auth requests per access token"
            case .failedTokens: "failed bearer-token checks per client address, inactive introspections per caller"
            }
        }
    }

    /// Whether any limit applies (`--no-rate-limits` turns them all off).
    package var enabled = true
    /// The rate of each limit.
    package var rates: [Name: RateLimit] = AbuseLimits.defaults

    /// Generous for people and automation, tight for guessing: a person logs in a few times a day,
    /// a CI job signs hundreds of writes a minute, a guesser needs millions of tries.
    package static let defaults: [Name: RateLimit] = [
        .address: RateLimit(parsing: "120/min"), .username: RateLimit(parsing: "30/min"),
        .organisation: RateLimit(parsing: "600/min"), .tokenWrites: RateLimit(parsing: "100/s"),
        .failedTokens: RateLimit(parsing: "60/min"),
    ].compactMapValues { $0 }

    package init() {}

    /// No limit at all (tests that log in hundreds of times, benchmarks of raw throughput).
    package static let off: AbuseLimits = {
        var limits = AbuseLimits()
        limits.enabled = false
        return limits
    }()

    /// Applies `NAME=RATE` (`username=10/min`); a description of the mistake otherwise.
    package mutating func set(_ setting: String) throws(Failure) {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let name = Name(rawValue: parts[0]) else {
            throw Failure(
                description: "'\(setting)' names no limit; use NAME=RATE with NAME one of \(Name.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let rate = RateLimit(parsing: parts[1]) else {
            throw Failure(description: "'\(parts[1])' is not a rate; write COUNT/UNIT, such as 30/min (units: s, min, h, day)")
        }
        rates[name] = rate
    }

    /// A limit setting that cannot be read.
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package let description: String
    }
}
