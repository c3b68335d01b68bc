public import Foundation

/// The values list routes read from their query strings, parsed without trusting them: dates,
/// page sizes and pagination tokens. Each answers `nil` for anything it does not accept; the
/// server turns that into a 400 naming the parameter.
public enum QueryValues {
    /// The dates a query may name, as Unix seconds: 1970-01-01 to 9999-12-31T23:59:59Z.
    public static let representableSeconds: ClosedRange<Double> = 0...253_402_300_799

    /// An ISO-8601 date (with or without fractional seconds) or Unix seconds, between 1970 and the
    /// year 9999, at most 64 bytes; `nan`, `inf` and out-of-range numbers are refused.
    public static func date(_ text: String) -> Date? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var date: Date?
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
            let seconds = Double(text)
        {
            date = seconds.isFinite ? Date(timeIntervalSince1970: seconds) : nil
        } else if let parsed = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            date = parsed
        } else {
            date = try? Date(text, strategy: Date.ISO8601FormatStyle())
        }
        guard let date, representableSeconds.contains(date.timeIntervalSince1970) else { return nil }
        return date
    }

    /// A page size: a decimal integer in `1...maximum`.
    public static func limit(_ text: String, maximum: Int) -> Int? {
        guard let value = Int(text), (1...maximum).contains(value) else { return nil }
        return value
    }

    /// The id a pagination token carries: the base64url of at most 64 bytes of UTF-8 this server wrote.
    public static func pageToken(_ text: String) -> String? {
        guard text.utf8.count <= 128, let bytes = Base64URL.decode(text), let id = String(bytes: bytes, encoding: .utf8), id.utf8.count <= 64 else {
            return nil
        }
        return id
    }
}
