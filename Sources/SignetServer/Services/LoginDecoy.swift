import Crypto
import SignetCore

/// The stand-in identity of a username that cannot log in (unknown, deactivated, or without an
/// active Key credential): a user id and a credential id derived from the organisation and the
/// username with HMAC-SHA256 under a server secret. The same username always gets the same ids,
/// on every node, so asking twice does not reveal that the first answer was made up.
struct LoginDecoy {
    let userId: String
    let credentialId: String
    /// Its `cr-…` id, listed beside `credentialId` as a real key's is.
    let credentialUuid: String

    /// `nil` before the signing keys (from which the secret is derived) are loaded.
    init?(tokens: TokenAuthority, orgId: String, username: String) {
        guard let secret = tokens.derivedSecret(purpose: "login-decoy") else { return nil }
        let subject = Array(orgId.utf8) + [0] + Array(username.lowercased().utf8)
        func derive(_ label: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8) + [0] + subject, using: secret))
        }
        userId = Identifier.derived(.user, from: derive("user"))
        credentialId = Base64URL.encode(Identifier.derived(.credentialID, from: derive("credential")))
        credentialUuid = Identifier.derived(.credential, from: derive("credential-uuid"))
    }
}
