import Foundation
import SignetCore

/// What a webhook's fields may hold; each refusal is a 400 naming the field.
enum WebhookRules {
    static let maximumURLBytes = 2048
    static let maximumEvents = 100
    static let maximumDescriptionLength = 1000
    private static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]

    /// `https://host[:port]/path[?query]`, or `http://` to a loopback address only (a delivery
    /// names tokens and people, and its signature protects its integrity, not its secrecy). No
    /// user information, no fragment, no spaces or control characters.
    static func url(_ value: String) throws -> String {
        let refusal = APIError.invalid(
            "url",
            "field 'url' must be an https:// URL (http:// only to localhost), without user information or fragment, up to \(maximumURLBytes) bytes"
        )
        guard !value.isEmpty, value.utf8.count <= maximumURLBytes, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let components = URLComponents(string: value), let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil, components.fragment == nil
        else { throw refusal }
        switch components.scheme?.lowercased() {
        case "https": return value
        case "http" where loopbackHosts.contains(host.lowercased()): return value
        default: throw refusal
        }
    }

    /// 1 to ``maximumEvents`` kinds Signet or Dfns defines, or `*`; duplicates dropped.
    static func events(_ values: [String]) throws -> [String] {
        guard (1...maximumEvents).contains(values.count) else {
            throw APIError.invalid("events", "field 'events' must list 1 to \(maximumEvents) event kinds, or \"*\" for all of them")
        }
        var seen = Set<String>()
        var events: [String] = []
        for value in values {
            guard value == "*" || WebhookEventKind.subscribable.contains(value) else {
                throw APIError.invalid("events", "'\(TextRules.escaped(value))' is not an event kind (docs/webhooks.md lists them)")
            }
            if seen.insert(value).inserted { events.append(value) }
        }
        return events
    }

    static func status(_ value: String) throws -> String {
        guard value == "Enabled" || value == "Disabled" else {
            throw APIError.invalid("status", "field 'status' must be Enabled or Disabled")
        }
        return value
    }

    static func description(_ value: String?) throws -> String? {
        guard let value else { return nil }
        try Validate.text(value, field: "description", maximumCharacters: maximumDescriptionLength, maximumBytes: 4 * maximumDescriptionLength)
        return value
    }
}
