import Crypto
import Foundation

/// The WebAuthn relying party Signet acts as: its id (a domain) and the exact origins allowed to
/// run ceremonies for it.
///
/// Safest reading of Dfns's "whitelisted relying party" rule: only the configured origins are
/// accepted (no wildcard realm), each web origin's host must be the rp id or a subdomain of it,
/// and `http` is allowed only for `localhost`. Mobile app origins (`android:apk-key-hash:…`,
/// `ios:bundle-id:…`) may be listed as they are.
public struct RelyingParty: Sendable {
    /// The rp id, lower case (`example.com`, `localhost`).
    public let id: String
    /// The name authenticators show.
    public let name: String
    /// The allowed origins, exactly as `clientData.origin` must spell them.
    public let origins: [String]
    /// SHA-256 of the rp id, which `authenticatorData.rpIdHash` must equal.
    public let idHash: [UInt8]

    /// Why a relying-party configuration was refused.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(id: String, name: String, origins: [String]) throws(ConfigurationError) {
        let id = id.lowercased()
        guard Self.isDomain(id) else {
            throw ConfigurationError(description: "rp id '\(id)' must be a bare domain such as example.com or localhost (no scheme, port or path)")
        }
        guard id == "localhost" || id.contains(".") else {
            throw ConfigurationError(description: "rp id '\(id)' must be a registrable domain (with a dot), or localhost")
        }
        guard !origins.isEmpty else { throw ConfigurationError(description: "give at least one origin for rp id '\(id)'") }
        for origin in origins {
            if origin.hasPrefix("android:apk-key-hash:") || origin.hasPrefix("ios:bundle-id:") { continue }
            guard let url = URL(string: origin), let scheme = url.scheme, let host = url.host?.lowercased(),
                url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil,
                origin == "\(scheme)://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")"
            else {
                throw ConfigurationError(description: "origin '\(origin)' must be scheme://host[:port], nothing more (https://app.example.com)")
            }
            guard scheme == "https" || (scheme == "http" && host == "localhost") else {
                throw ConfigurationError(description: "origin '\(origin)' must use https (http only for localhost)")
            }
            guard host == id || host.hasSuffix("." + id) else {
                throw ConfigurationError(description: "rp id '\(id)' is not the host of origin '\(origin)' or a parent domain of it")
            }
        }
        self.id = id
        self.name = name
        self.origins = origins
        self.idHash = Array(SHA256.hash(data: Array(id.utf8)))
    }

    /// Whether `origin` is one of the configured origins (compared by Unicode scalars).
    public func allows(origin: String) -> Bool {
        origins.contains { ExactText.equals($0, origin) }
    }

    private static func isDomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253, !text.hasPrefix("."), !text.hasSuffix(".") else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }
}

/// `clientDataJSON` (W3C WebAuthn §5.8.1), parsed as JSON (never compared to a template: browsers
/// add members) and checked against what the server issued.
public struct CollectedClientData: Sendable {
    /// The bytes as received; their SHA-256 is part of what the authenticator signed.
    public let raw: [UInt8]
    public let type: String
    public let challenge: String
    public let origin: String
    public let crossOrigin: Bool

    /// The longest clientDataJSON accepted.
    public static let maximumSize = 8 * 1024

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count <= Self.maximumSize else { throw .malformed(part: "clientData", reason: "longer than \(Self.maximumSize) bytes") }
        guard let json = try? JSONValue(parsing: bytes) else { throw .malformed(part: "clientData", reason: "not JSON") }
        guard let type = json["type"]?.stringValue, let challenge = json["challenge"]?.stringValue,
            let origin = json["origin"]?.stringValue
        else { throw .malformed(part: "clientData", reason: "type, challenge and origin are required strings") }
        switch json["crossOrigin"] {
        case nil, .bool(false)?, .null?: crossOrigin = false
        case .bool(true)?: crossOrigin = true
        default: throw .malformed(part: "clientData", reason: "crossOrigin must be a boolean")
        }
        self.raw = bytes
        self.type = type
        self.challenge = challenge
        self.origin = origin
    }

    /// Checks the type, the challenge (in either form the official Dfns clients produce: the
    /// browser signer hands the authenticator the challenge string's UTF-8 bytes, the mobile
    /// signers its base64url-decoded bytes) and the origin.
    public func check(type expected: String, issuedChallenge: String, relyingParty: RelyingParty) throws(WebAuthnError) {
        guard ExactText.equals(type, expected) else { throw .wrongType(expected: expected) }
        guard let received = Base64URL.decode(challenge), !received.isEmpty else { throw .wrongChallenge }
        let asText = ConstantTime.equals(received, Array(issuedChallenge.utf8))
        let asBytes = Base64URL.decode(issuedChallenge).map { ConstantTime.equals(received, $0) } ?? false
        guard asText || asBytes else { throw .wrongChallenge }
        guard relyingParty.allows(origin: origin) else { throw .originNotAllowed(origin) }
        guard !crossOrigin else { throw .crossOrigin }
    }
}
