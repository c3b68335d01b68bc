public import Foundation
import NIOConcurrencyHelpers

/// A rate: at most `count` in a burst, refilled at `count` per `period` seconds.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// The burst, and what refills in one period.
    public let count: Int
    /// The period, in seconds.
    public let period: TimeInterval

    /// `count` per `period` seconds; both must be positive.
    public init?(count: Int, per period: TimeInterval) {
        guard count > 0, period > 0, period.isFinite else { return nil }
        self.count = count
        self.period = period
    }

    private static let units: [(name: String, seconds: TimeInterval)] = [("s", 1), ("min", 60), ("h", 3600), ("day", 86_400)]

    /// Reads `30/min`, `10/s`, `600/h` or `1000/day`; `nil` for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy(\.isASCII), let count = Int(parts[0]), count <= 1_000_000,
            let unit = Self.units.first(where: { $0.name == parts[1] })
        else { return nil }
        self.init(count: count, per: unit.seconds)
    }

    /// `30/min`.
    public var description: String {
        let unit = Self.units.last { $0.seconds == period } ?? ("s", 1)
        return unit.seconds == period ? "\(count)/\(unit.name)" : "\(count)/\(period)s"
    }

    /// Tokens refilled per second.
    var perSecond: Double { Double(count) / period }
}

/// Token buckets by key (a client address, a username, a token id), in memory: each key may take
/// ``RateLimit/count`` at once and then one per ``RateLimit/period``/``RateLimit/count`` seconds.
///
/// Memory is bounded: past `maximumKeys` keys, buckets that have refilled (as good as absent) are
/// dropped, and if that is not enough the least recently used half; a key dropped that way starts
/// again with a full bucket, so a flood of distinct keys costs each key at most one more burst.
public final class TokenBuckets: Sendable {
    public let limit: RateLimit
    private let maximumKeys: Int
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    public init(_ limit: RateLimit, maximumKeys: Int = 100_000) {
        self.limit = limit
        self.maximumKeys = max(1, maximumKeys)
    }

    /// Takes one token from `key`'s bucket: `nil` when taken, otherwise the seconds until one will
    /// be there (nothing is taken then).
    public func take(_ key: String, at now: Date) -> TimeInterval? {
        buckets.withLockedValue { buckets in
            var bucket = refilled(buckets[key], at: now)
            guard bucket.tokens >= 1 else { return wait(for: bucket) }
            bucket.tokens -= 1
            if buckets[key] == nil, buckets.count >= maximumKeys { shrink(&buckets, at: now) }
            buckets[key] = bucket
            return nil
        }
    }

    /// The seconds until `key`'s bucket has a token, or `nil` when it has one now; takes nothing.
    public func wait(_ key: String, at now: Date) -> TimeInterval? {
        buckets.withLockedValue { buckets in
            let bucket = refilled(buckets[key], at: now)
            return bucket.tokens >= 1 ? nil : wait(for: bucket)
        }
    }

    /// How many keys have a bucket now (for tests of the memory bound).
    public var keyCount: Int { buckets.withLockedValue { $0.count } }

    private func refilled(_ bucket: Bucket?, at now: Date) -> Bucket {
        guard let bucket else { return Bucket(tokens: Double(limit.count), updated: now) }
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return Bucket(tokens: min(Double(limit.count), bucket.tokens + elapsed * limit.perSecond), updated: max(now, bucket.updated))
    }

    private func wait(for bucket: Bucket) -> TimeInterval {
        (1 - bucket.tokens) / limit.perSecond
    }

    /// Makes room, down to three quarters of `maximumKeys` at most, so that the next shrink is at
    /// least a quarter of the keys away (a shrink costs one pass over them, under the lock).
    private func shrink(_ buckets: inout [String: Bucket], at now: Date) {
        buckets = buckets.filter { refilled($0.value, at: now).tokens < Double(limit.count) }
        guard buckets.count > maximumKeys * 3 / 4 else { return }
        let kept = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maximumKeys / 2)
        buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}
