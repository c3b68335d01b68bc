import Crypto
import _CryptoExtras

/// A credential public key in COSE form (RFC 9053), as an authenticator attests it, turned into the
/// ``PublicKey`` the rest of Signet verifies with.
public struct COSEKey: Sendable {
    /// The COSE algorithm: -7 ES256, -8 EdDSA, -257 RS256.
    public let algorithm: Int
    /// The key, checked as every Signet key is (weak Ed25519 points and small RSA keys refused).
    public let publicKey: PublicKey

    /// The COSE algorithms Signet offers and accepts, most preferred first.
    public static let supportedAlgorithms = [-7, -8, -257]

    /// Reads a COSE_Key map: EC2 on P-256 with ES256, OKP Ed25519 with EdDSA, or RSA with RS256.
    public init(_ value: CBORValue) throws(WebAuthnError) {
        guard case .map = value, let kty = value[1]?.intValue, let alg = value[3]?.intValue else {
            throw .unsupportedKey("a COSE key needs kty (1) and alg (3)")
        }
        algorithm = alg
        switch (kty, alg) {
        case (2, -7):
            guard value[-1]?.intValue == 1, let x = value[-2]?.bytesValue, let y = value[-3]?.bytesValue, x.count == 32, y.count == 32
            else { throw .unsupportedKey("an EC2 key for ES256 must be on P-256 (crv 1) with 32-byte x and y") }
            guard let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y) else {
                throw .unsupportedKey("x and y are not a point on P-256")
            }
            publicKey = try Self.parse(Array(key.derRepresentation))
        case (1, -8):
            guard value[-1]?.intValue == 6, let x = value[-2]?.bytesValue, x.count == 32 else {
                throw .unsupportedKey("an OKP key for EdDSA must be Ed25519 (crv 6) with a 32-byte x")
            }
            publicKey = try Self.parse(SubjectPublicKeyInfo.ed25519DER(x))
        case (3, -257):
            guard let n = value[-1]?.bytesValue, let e = value[-2]?.bytesValue, !n.isEmpty, !e.isEmpty, e.count <= 8 else {
                throw .unsupportedKey("an RSA key needs n (-1) and e (-2)")
            }
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { throw .unsupportedKey("n and e are not an RSA key") }
            publicKey = try Self.parse(Array(key.derRepresentation))
        default:
            throw .unsupportedKey("key type \(kty) with algorithm \(alg); accepted are ES256 (-7), EdDSA (-8) and RS256 (-257)")
        }
    }

    private static func parse(_ spki: [UInt8]) throws(WebAuthnError) -> PublicKey {
        do {
            return try PublicKey(spki: spki)
        } catch {
            throw .unsupportedKey(error.description)
        }
    }
}
