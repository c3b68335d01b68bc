import Crypto
public import Foundation

/// Random identifiers in the Dfns shape: `<prefix>-xxxxx-xxxxx-xxxxxxxxxxxxxxxx`, lower-case base36,
/// 26 random characters (about 134 bits) from the system's cryptographic random number generator.
public enum Identifier {
    /// The prefixes Signet issues, one per kind of object.
    public enum Prefix: String, Sendable, CaseIterable {
        case organization = "or"
        case user = "us"
        case token = "to"
        case loginSession = "uj"
        case credential = "cr"
        case credentialID = "ci"
        case permission = "pm"
        case assignment = "as"
        case userGroup = "ug"
        case webhook = "wh"
        case webhookEvent = "whe"
        case challenge = "ch"
        case nonce = "no"
        case userAction = "ua"
        case signingKey = "sk"
        case policy = "pl"
        case approval = "ap"
        case changeRequest = "cq"
    }

    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    /// A fresh identifier with the given prefix.
    public static func make(_ prefix: Prefix) -> String {
        assemble(prefix, systemCharacters(count: 26))
    }

    /// An identifier derived from `seed` (a MAC, say): the same seed always gives the same identifier,
    /// in the same shape as ``make(_:)``.
    public static func derived(_ prefix: Prefix, from seed: [UInt8]) -> String {
        var generator = SeededGenerator(seed: seed)
        return make(prefix, using: &generator)
    }

    /// A fresh identifier whose first ten characters are `date`'s Unix milliseconds in base 36,
    /// so identifiers made later sort after (by their bytes); the last sixteen are random. The same
    /// shape as ``make(_:)``.
    public static func timeOrdered(_ prefix: Prefix, at date: Date) -> String {
        var milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var time = [UInt8](repeating: alphabet[0], count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            time[index] = alphabet[Int(milliseconds % 36)]
            milliseconds /= 36
        }
        let random = String(decoding: systemCharacters(count: 16), as: UTF8.self)
        return "\(prefix.rawValue)-\(String(decoding: time[0..<5], as: UTF8.self))-\(String(decoding: time[5..<10], as: UTF8.self))-\(random)"
    }

    /// `<prefix>-xxxxx-xxxxx-xxxxxxxxxxxxxxxx` from 26 characters drawn from `generator`.
    private static func make(_ prefix: Prefix, using generator: inout some RandomNumberGenerator) -> String {
        assemble(prefix, randomCharacters(count: 26, using: &generator))
    }

    /// `<prefix>-xxxxx-xxxxx-xxxxxxxxxxxxxxxx` from 26 characters.
    private static func assemble(_ prefix: Prefix, _ characters: [UInt8]) -> String {
        let first = String(decoding: characters[0..<5], as: UTF8.self)
        let second = String(decoding: characters[5..<10], as: UTF8.self)
        let third = String(decoding: characters[10..<26], as: UTF8.self)
        return "\(prefix.rawValue)-\(first)-\(second)-\(third)"
    }

    /// Whether `value` has the shape of an identifier with `prefix` (used to reject junk early with a 4xx).
    public static func isWellFormed(_ value: String, prefix: Prefix) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, ExactText.equals(parts[0], prefix.rawValue) else { return false }
        guard parts[1].utf8.count == 5, parts[2].utf8.count == 5, (10...32).contains(parts[3].utf8.count) else {
            return false
        }
        return parts.dropFirst().allSatisfy { part in part.utf8.allSatisfy { alphabet.contains($0) } }
    }

    private static func randomCharacters(count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            // 252 = 36 * 7: rejecting the top four values keeps every character equally likely.
            if byte < 252 { result.append(alphabet[Int(byte % 36)]) }
        }
        return result
    }

    /// `count` characters from the system's generator, using all eight bytes of each of its words
    /// (one system call per word, not per character); rejection as in ``randomCharacters(count:using:)``.
    private static func systemCharacters(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = generator.next()
            for _ in 0..<8 where result.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 252 { result.append(alphabet[Int(byte % 36)]) }
            }
        }
        return result
    }

    /// Random bytes from the system's cryptographic generator, eight per call to it.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count + 7)
        while result.count < count {
            withUnsafeBytes(of: generator.next()) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }
}

/// A deterministic stream of bytes: SHA-256 of the seed and a counter. Only for ``Identifier/derived(_:from:)``.
private struct SeededGenerator: RandomNumberGenerator {
    let seed: [UInt8]
    var counter: UInt64 = 0

    mutating func next() -> UInt64 {
        counter += 1
        var input = seed
        withUnsafeBytes(of: counter.littleEndian) { input.append(contentsOf: $0) }
        let digest = SHA256.hash(data: input)
        return digest.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
}
