package import Foundation
package import SignetStore

/// The dashboard's setup link, `<base>/setup?org=…&username=…&code=…`: a person opens it to
/// register a passkey with a one-time code and is signed in. `signet init` (without a public key),
/// `signet serve --dev` and `signet users create` print one; the Users page shows one.
package enum SetupLink {
    /// The link for a code already issued. `base` is the dashboard's origin, such as `http://localhost:8080`.
    package static func url(base: String, orgId: String, username: String, code: String) -> String {
        let base = base.hasSuffix("/") ? String(base.dropLast()) : base
        return "\(base)/setup?org=\(escape(orgId))&username=\(escape(username))&code=\(escape(code))"
    }

    /// Gives `user` a new registration code (the previous one stops working; only its digest is
    /// kept) and returns its link and expiry, to show once.
    package static func issue(
        store: any SignetStore,
        user: UserRecord,
        base: String,
        lifetime: TimeInterval = 4 * 3600,
        now: Date = Date()
    ) async throws -> (link: String, expiresAt: Date)? {
        guard let (code, expiresAt) = try await RegistrationService.issueCode(store: store, userId: user.id, lifetime: lifetime, now: now)
        else { return nil }
        return (url(base: base, orgId: user.orgId, username: user.username, code: code), expiresAt)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (so `+` and `@` survive).
    static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return escaped
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
