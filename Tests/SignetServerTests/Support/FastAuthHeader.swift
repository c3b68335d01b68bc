import Crypto
import Foundation
import SignetCore

/// Fast Auth headers as the Dfns TypeScript SDK builds them, written from
/// `docs/contract/dfns-fast-auth.md` (not from Signet's verifier): the challenge's seven members,
/// `{"type":"key.get","challenge":C}` signed with the key, base64url JSON of the assertion.
struct FastAuthHeader {
    var method: String
    var host = "localhost"
    var path: String
    var body: [UInt8] = []
    var orgId: String
    var timestamp = Date()
    var nonce = Array((0..<16).map { _ in UInt8.random(in: 0...255) })

    /// The header for `signer`, with `members` replacing or adding challenge members (for tampering).
    func header(_ signer: TestSigner, members: [String: String] = [:], credId: String? = nil) throws -> String {
        var challenge = [
            "timestamp": String(Int64(timestamp.timeIntervalSince1970 * 1000)), "nonce": Base64URL.encode(nonce), "host": host, "method": method,
            "path": path, "payloadHash": Base64URL.encode(Array(SHA256.hash(data: body))), "orgId": orgId,
        ]
        for (key, value) in members { challenge[key] = value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let c = Base64URL.encode(Array(try encoder.encode(challenge)))
        let clientData = Array(#"{"type":"key.get","challenge":"\#(c)"}"#.utf8)
        var assertion = [
            "credId": credId ?? signer.credentialId, "clientData": Base64URL.encode(clientData),
            "signature": Base64URL.encode(try signer.key.signature(for: clientData)),
        ]
        if signer.key.algorithm != .ed25519 { assertion["algorithm"] = "SHA256" }
        let whole: [String: Any] = ["kind": "Key", "credentialAssertion": assertion]
        return Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: whole)))
    }
}
