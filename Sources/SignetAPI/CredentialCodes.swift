public import Foundation

/// `POST /auth/credentials/code`: a one-time code with which another device, not signed in, adds
/// a credential to the caller's account.
public struct CreateCredentialCodeRequest: Codable, Sendable, Equatable, KnownFields {
    /// When the code stops working: an ISO 8601 time with its offset, or a Unix time in seconds (or
    /// milliseconds, as JavaScript counts); at most an hour away in Signet.
    public var expiration: Date

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case expiration
    }

    public init(expiration: Date) { self.expiration = expiration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? container.decode(String.self, forKey: .expiration) {
            guard let date = Self.date(text) else {
                throw DecodingError.dataCorruptedError(forKey: .expiration, in: container, debugDescription: "not an ISO 8601 time")
            }
            expiration = date
        } else {
            // Seconds, or milliseconds (JavaScript's Date.now()) when too large to be seconds.
            let number = try container.decode(Double.self, forKey: .expiration)
            guard number.isFinite, (0...1e14).contains(number) else {
                throw DecodingError.dataCorruptedError(forKey: .expiration, in: container, debugDescription: "not a Unix time")
            }
            expiration = Date(timeIntervalSince1970: number > 1e11 ? number / 1000 : number)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.text(expiration), forKey: .expiration)
    }

    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}

/// The code, shown once, and when it stops working.
public struct CredentialCode: Codable, Sendable, Equatable {
    public var code: String
    public var expiration: Date

    public init(code: String, expiration: Date) {
        self.code = code
        self.expiration = expiration
    }
}

/// `POST /auth/credentials/code/init`: the code, and the kind of credential the new device will register.
public struct CreateCredentialChallengeWithCodeRequest: Codable, Sendable, Equatable, KnownFields {
    /// `Key` or `Fido2`.
    public var credentialKind: CredentialKind
    public var code: String

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialKind, code
    }

    public init(credentialKind: CredentialKind, code: String) {
        self.credentialKind = credentialKind
        self.code = code
    }
}
