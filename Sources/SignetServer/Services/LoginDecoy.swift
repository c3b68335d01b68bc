import Crypto
import SignetCore

/// The stand-in identity of a username that cannot log in (unknown, deactivated, or without an
/// active Key credential): a user id and a credential id derived from the organisation and the
/// username with HMAC-SHA256 under a server secret. The same username always gets the same ids,
/// on every node, so asking twice does not reveal that the first answer was made up.
struct LoginDecoy {
    let userId: String
    let credentialId: String
    /// The ids its challenge lists: real keys show one id (a key Signet registered, whose credId is
    /// its `cr-…` uuid) or two (a credId of the client's, then the uuid); each username gets one
    /// shape or the other, derived like the ids, so the shape says nothing.
    let listedIds: [String]

    /// `nil` before the signing keys (from which the secret is derived) are loaded.
    init?(tokens: TokenAuthority, orgId: String, username: String) {
        guard let secret = tokens.derivedSecret(purpose: "login-decoy") else { return nil }
        let subject = Array(orgId.utf8) + [0] + Array(username.lowercased().utf8)
        func derive(_ label: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8) + [0] + subject, using: secret))
        }
        userId = Identifier.derived(.user, from: derive("user"))
        credentialId = Base64URL.encode(Identifier.derived(.credentialID, from: derive("credential")))
        let uuid = Identifier.derived(.credential, from: derive("credential-uuid"))
        listedIds = derive("shape")[0] & 1 == 0 ? [uuid] : [credentialId, uuid]
    }
}
