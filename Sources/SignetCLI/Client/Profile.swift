import Foundation
import SignetClient
import SignetCore

/// What the command line remembers between runs: where the server is, who you are, and how to sign.
/// Stored as JSON in the config folder (mode 0600); `SIGNET_*` variables override each field.
struct Profile: Codable, Equatable {
    var url: String
    var orgId: String
    /// Set for a login session (so an expired session can log in again with the key).
    var username: String?
    var credentialId: String
    var privateKeyPath: String
    var token: String?

    /// The config folder: `SIGNET_CONFIG_DIR`, else `$XDG_CONFIG_HOME/signet`, else `~/.config/signet`.
    static var folder: String {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["SIGNET_CONFIG_DIR"], !folder.isEmpty { return folder }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/signet" }
        return NSHomeDirectory() + "/.config/signet"
    }

    static var path: String { folder + "/profile.json" }

    /// The stored profile, if any.
    static func stored() throws -> Profile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(Profile.self, from: data)
        } catch {
            throw UsageError("the profile \(path) cannot be read; run signet login again")
        }
    }

    /// The stored profile with `SIGNET_*` overrides applied, or a usage error saying how to get one.
    static func current() throws -> Profile {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var profile = try stored()
        if profile == nil, let url = value("SIGNET_URL"), let orgId = value("SIGNET_ORG_ID"),
            let credentialId = value("SIGNET_CREDENTIAL_ID"), let key = value("SIGNET_PRIVATE_KEY")
        {
            profile = Profile(url: url, orgId: orgId, username: nil, credentialId: credentialId, privateKeyPath: key, token: nil)
        }
        guard var profile else {
            throw UsageError(
                "not logged in: run signet login --url URL --org ORG --email EMAIL --private-key KEY.pem, "
                    + "or set SIGNET_URL, SIGNET_ORG_ID, SIGNET_TOKEN, SIGNET_PRIVATE_KEY and SIGNET_CREDENTIAL_ID"
            )
        }
        if let url = value("SIGNET_URL") { profile.url = url }
        if let orgId = value("SIGNET_ORG_ID") { profile.orgId = orgId }
        if let token = value("SIGNET_TOKEN") {
            profile.token = token
            profile.username = nil
        }
        if let key = value("SIGNET_PRIVATE_KEY") { profile.privateKeyPath = key }
        if let credentialId = value("SIGNET_CREDENTIAL_ID") { profile.credentialId = credentialId }
        return profile
    }

    /// Writes the profile (folder 0700, file 0600).
    func save() throws {
        try FileManager.default.createDirectory(
            atPath: Self.folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        // Written to a private temporary file, then renamed over the profile: never half-written, never readable by others.
        let temporary = Self.path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        try SecretFile.create(temporary, contents: String(decoding: data, as: UTF8.self) + "\n")
        guard rename(temporary, Self.path) == 0 else {
            throw UsageError("cannot write \(Self.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The signer for the profile's key.
    func signer() throws -> KeySigner {
        guard let pem = try? String(contentsOfFile: privateKeyPath, encoding: .utf8) else {
            throw UsageError("cannot read the private key \(privateKeyPath); check the path (or SIGNET_PRIVATE_KEY)")
        }
        do {
            return try KeySigner(credentialID: credentialId, privateKeyPEM: pem)
        } catch {
            throw UsageError("\(privateKeyPath): \(error)")
        }
    }

    /// Whether the token is missing or expires within a minute.
    var tokenIsStale: Bool {
        guard let token, let expiry = Self.expiry(of: token) else { return true }
        return expiry < Date().addingTimeInterval(60)
    }

    /// The `exp` of a JWT.
    static func expiry(of token: String) -> Date? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])), let claims = try? JSONValue(parsing: payload),
            case .number(let exp)? = claims["exp"], let seconds = Double(exp)
        else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
