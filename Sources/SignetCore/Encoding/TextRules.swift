/// What Signet accepts in names, emails and other text that people read: in the dashboard, in logs,
/// in the command line's tables.
///
/// Refused everywhere such text is accepted:
/// - control characters (C0, DEL, C1: `\u{0}`, `\u{1B}[2J`, `\u{7F}`), which reach logs and terminals;
/// - format characters (category Cf): bidirectional overrides and isolates (U+202A–U+202E,
///   U+2066–U+2069), zero-width spaces and joiners, the byte order mark, which make one name look
///   like another;
/// - line and paragraph separators, private-use characters and lone surrogates.
///
/// Lengths are limited in UTF-8 bytes as well as in characters: one "character" (grapheme cluster)
/// can carry any number of combining marks.
public enum TextRules {
    /// Why a text was refused, in words that name no field (the caller adds it).
    public enum Violation: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case tooLong(characters: Int, bytes: Int)
        case forbiddenCharacter(Unicode.Scalar)

        public var description: String {
            switch self {
            case .empty:
                return "must not be empty"
            case .tooLong(let characters, let bytes):
                return "must be at most \(characters) characters and \(bytes) bytes of UTF-8"
            case .forbiddenCharacter(let scalar):
                return "must not contain control, format (bidirectional or zero-width) or separator characters "
                    + "(found \(TextRules.codePoint(scalar)))"
            }
        }
    }

    /// The first scalar that is not allowed in displayed text, or `nil`.
    public static func forbiddenScalar(in text: some StringProtocol) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isForbidden)
    }

    /// Whether a scalar is refused in displayed text.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        // ASCII, the common case (every log line, header and name): its only forbidden scalars are
        // the controls (Cc), U+0000–U+001F and U+007F; the property lookup is for the rest.
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Checks a text for length (characters and UTF-8 bytes) and forbidden characters.
    public static func check(_ text: String, maximumCharacters: Int, maximumBytes: Int) throws(Violation) {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.count <= maximumBytes, text.count <= maximumCharacters else {
            throw .tooLong(characters: maximumCharacters, bytes: maximumBytes)
        }
        if let scalar = forbiddenScalar(in: text) { throw .forbiddenCharacter(scalar) }
    }

    /// `text` with every forbidden scalar written as `\u{…}`, safe to print to a terminal or a log.
    public static func escaped(_ text: String) -> String {
        guard forbiddenScalar(in: text) != nil else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isForbidden(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `U+XXXX`.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
