import Crypto

/// The signature on a webhook delivery: `sha256=` and the lower-case hex HMAC-SHA256 of the exact
/// body bytes, keyed with the webhook's secret (Dfns' `X-DFNS-WEBHOOK-SIGNATURE`).
public enum WebhookSignature {
    /// The header Dfns names, carrying the signature with the webhook's current secret.
    public static let header = "X-DFNS-WEBHOOK-SIGNATURE"
    /// Signet's header carrying the signature with the previous secret, during a rotation's overlap.
    public static let previousHeader = "X-Signet-Webhook-Previous-Signature"

    /// `sha256=<hex>` for `body` under `secret` (the secret's UTF-8 bytes are the key, as Dfns does).
    public static func sign(_ body: some Sequence<UInt8>, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + Hex.encode(Array(code))
    }

    /// Whether `signature` (a header value) is `body`'s under `secret`, compared in constant time.
    public static func verify(_ signature: String, body: some Sequence<UInt8>, secret: String) -> Bool {
        ConstantTime.equals(Array(sign(body, secret: secret).utf8), Array(signature.utf8))
    }

    /// A fresh secret: `whsec-` and 32 random bytes in base64url (43 characters).
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec-" + Base64URL.encode(bytes)
    }
}
