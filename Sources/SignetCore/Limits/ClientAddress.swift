import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An address range: one address (`127.0.0.1`, `::1`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
public struct IPRange: Sendable, Equatable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefix: Int
    public let description: String

    /// Reads an address or a CIDR block; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let bytes = Self.bytes(of: parts[0]) else { return nil }
        let prefix: Int
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]), (0...bytes.count * 8).contains(length) else { return nil }
            prefix = length
        } else {
            prefix = bytes.count * 8
        }
        self.bytes = bytes
        self.prefix = prefix
        description = text
    }

    /// Whether `address` (text, as a socket gives it) is in the range.
    public func contains(_ address: String) -> Bool {
        guard let other = Self.bytes(of: address), other.count == bytes.count else { return false }
        let whole = prefix / 8
        guard other.prefix(whole).elementsEqual(bytes.prefix(whole)) else { return false }
        let rest = prefix % 8
        guard rest > 0 else { return true }
        let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - rest))
        return other[whole] & mask == bytes[whole] & mask
    }

    /// The bytes of an IPv4 or IPv6 address (an IPv4-mapped IPv6 address as its IPv4 bytes).
    static func bytes(of text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        return bytes.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) ? Array(bytes.suffix(4)) : bytes
    }
}

/// Which address a request comes from, when reverse proxies stand in front of Signet.
public enum ClientAddress {
    /// The client's address: the connection's peer, or, when that peer is a trusted proxy, the
    /// nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    /// Entries a proxy did not write (to the left of the first untrusted one) are never believed;
    /// an entry that is not an address ends the walk at the last trusted hop.
    public static func resolve(peer: String?, forwardedFor: [String], trusted: [IPRange]) -> String? {
        guard var current = peer else { return nil }
        var hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        while trusted.contains(where: { $0.contains(current) }), let next = hops.popLast() {
            guard let address = bare(next) else { return current }
            current = address
        }
        return current
    }

    /// An `X-Forwarded-For` entry as an address: `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678`;
    /// `nil` for anything else (`unknown`, a name).
    static func bare(_ entry: String) -> String? {
        var text = Substring(entry)
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<end]
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        return IPRange.bytes(of: String(text)) == nil ? nil : String(text)
    }

    /// The key an address is limited by: an IPv4 address itself (an IPv4-mapped IPv6 one too), and
    /// an IPv6 address's /64, which one client usually holds whole; text that is no address, as is.
    public static func bucketKey(_ address: String) -> String {
        guard let bytes = IPRange.bytes(of: address) else { return address }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 8, by: 2).map { String(format: "%02x%02x", bytes[$0], bytes[$0 + 1]) }.joined(separator: ":") + "::/64"
    }
}
