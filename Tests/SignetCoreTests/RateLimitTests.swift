import Foundation
import SignetCore
import Testing

/// Token buckets and client addresses, the core of the abuse limits.
@Suite("Rate limits: token buckets and client addresses")
struct RateLimitTests {
    @Test("Rates read as COUNT/UNIT; anything else is refused")
    func rates() throws {
        let rate = try #require(RateLimit(parsing: "30/min"))
        #expect(rate.count == 30 && rate.period == 60 && rate.description == "30/min")
        #expect(RateLimit(parsing: "10/s")?.period == 1 && RateLimit(parsing: "2/day")?.period == 86_400)
        for bad in ["", "30", "/min", "0/min", "-1/s", "30/minute", "30/min/s", "٣/s", "1.5/s", "99999999/s"] {
            #expect(RateLimit(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("A bucket gives its burst, then refuses with the wait until it refills; keys are separate")
    func buckets() throws {
        let buckets = TokenBuckets(try #require(RateLimit(parsing: "3/min")))
        let start = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<3 { #expect(buckets.take("a", at: start) == nil) }
        let wait = try #require(buckets.take("a", at: start))
        #expect(abs(wait - 20) < 0.001, "one token per 20 s")
        #expect(buckets.take("b", at: start) == nil, "another key has its own bucket")
        #expect(buckets.wait("a", at: start.addingTimeInterval(10)) != nil)
        #expect(buckets.take("a", at: start.addingTimeInterval(20)) == nil, "refilled after 20 s")
        #expect(buckets.take("a", at: start.addingTimeInterval(20)) != nil)
        for _ in 0..<3 { #expect(buckets.take("a", at: start.addingTimeInterval(3600)) == nil) }
        #expect(buckets.take("a", at: start.addingTimeInterval(3600)) != nil, "refills to the burst, no further")
    }

    @Test("A flood of distinct keys keeps memory bounded and costs each key at most one more burst")
    func boundedMemory() throws {
        let buckets = TokenBuckets(try #require(RateLimit(parsing: "1/h")), maximumKeys: 100)
        let now = Date()
        #expect(buckets.take("victim", at: now) == nil)
        #expect(buckets.take("victim", at: now) != nil)
        for index in 0..<1_000 { _ = buckets.take("flood-\(index)", at: now) }
        #expect(buckets.keyCount <= 100)
        #expect(buckets.take("victim", at: now) != nil || buckets.keyCount <= 100, "dropped or still limited")
    }

    @Test("Address ranges: addresses and CIDR blocks, IPv4 and IPv6, IPv4-mapped IPv6")
    func ranges() throws {
        let private10 = try #require(IPRange("10.0.0.0/8"))
        #expect(private10.contains("10.1.2.3") && !private10.contains("11.0.0.1") && !private10.contains("::1"))
        #expect(private10.contains("::ffff:10.9.9.9"), "an IPv4-mapped address is its IPv4 address")
        let loopback = try #require(IPRange("::1"))
        #expect(loopback.contains("::1") && !loopback.contains("::2"))
        let block = try #require(IPRange("fd00::/7"))
        #expect(block.contains("fdab::1") && block.contains("fc00::1") && !block.contains("fe80::1"))
        #expect(try #require(IPRange("192.168.1.0/25")).contains("192.168.1.127"))
        #expect(try #require(IPRange("192.168.1.0/25")).contains("192.168.1.128") == false)
        for bad in ["", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0", "example.com", "::1/129", "10.0.0.0/8/8", "10.0.0.0/x"] {
            #expect(IPRange(bad) == nil, "\(bad)")
        }
    }

    @Test("The client is the peer, or behind trusted proxies the nearest untrusted X-Forwarded-For hop")
    func clientAddress() throws {
        let proxies = [try #require(IPRange("10.0.0.0/8"))]
        #expect(
            ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: proxies) == "203.0.113.9",
            "an untrusted peer's header is ignored"
        )
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4"], trusted: proxies) == "1.2.3.4")
        #expect(
            ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 1.2.3.4, 10.0.0.7"], trusted: proxies) == "1.2.3.4",
            "a forged leftmost entry is never reached"
        )
        #expect(
            ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["6.6.6.6", "1.2.3.4"], trusted: proxies) == "1.2.3.4",
            "several headers read as one list"
        )
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["not-an-address"], trusted: proxies) == "10.0.0.2")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trusted: proxies) == "10.0.0.2")
        #expect(ClientAddress.resolve(peer: "1.2.3.4", forwardedFor: ["6.6.6.6"], trusted: []) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["6.6.6.6"], trusted: proxies) == nil)
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4:5678"], trusted: proxies) == "1.2.3.4", "a port is dropped")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["[2001:db8::1]:443"], trusted: proxies) == "2001:db8::1")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["unknown"], trusted: proxies) == "10.0.0.2")
    }

    @Test("Bucket keys: an IPv4 address itself, an IPv4-mapped one as IPv4, IPv6 by its /64")
    func bucketKeys() {
        #expect(ClientAddress.bucketKey("1.2.3.4") == "1.2.3.4" && ClientAddress.bucketKey("::ffff:1.2.3.4") == "1.2.3.4")
        #expect(ClientAddress.bucketKey("2001:db8:0:1::1") == ClientAddress.bucketKey("2001:db8:0:1:ffff:ffff:ffff:ffff"))
        #expect(ClientAddress.bucketKey("2001:db8:0:1::1") != ClientAddress.bucketKey("2001:db8:0:2::1"))
        #expect(ClientAddress.bucketKey("2001:db8:0:1::1") == "2001:0db8:0000:0001::/64")
    }
}
