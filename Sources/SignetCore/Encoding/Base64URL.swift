import Foundation

/// Base64url without padding (RFC 4648 §5), the encoding every binary value on the Dfns wire uses.
public enum Base64URL {
    /// Encodes bytes as base64url without `=` padding.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Encodes the UTF-8 bytes of a string as base64url without padding.
    public static func encode(_ string: String) -> String {
        encode(Array(string.utf8))
    }

    /// Decodes base64url, with or without padding. Returns `nil` for any character outside the
    /// base64url alphabet (standard `+` and `/` are refused too), for misplaced padding, and for an
    /// impossible length.
    public static func decode(_ string: String) -> [UInt8]? {
        var body = Substring(string)
        while body.hasSuffix("=") { body = body.dropLast() }
        let padding = string.utf8.count - body.utf8.count
        guard padding <= 2 else { return nil }
        guard body.utf8.allSatisfy(isAlphabet) else { return nil }
        let remainder = body.utf8.count % 4
        guard remainder != 1 else { return nil }
        if padding > 0 && (body.utf8.count + padding) % 4 != 0 { return nil }
        var standard = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if remainder > 0 { standard += String(repeating: "=", count: 4 - remainder) }
        guard let data = Data(base64Encoded: standard) else { return nil }
        return Array(data)
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
