import Foundation
import SignetCore

/// A token-signing key as the `signing_keys` table holds it (the private key base64-encoded).
struct SigningKeyRow: StoreRow {
    var kid: String
    var privateKey: String
    @Milliseconds var createdAt: Date

    static let table = StoreTable.signingKeys
    static let primaryKey = CodingKeys.kid

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kid
        case privateKey = "private_key"
        case createdAt = "created_at"
    }

    init(_ key: SigningKeyMaterial) {
        kid = key.kid
        privateKey = Data(key.privateKey).base64EncodedString()
        createdAt = key.createdAt
    }

    /// The key, or an error if the stored text is not base64.
    func material() throws -> SigningKeyMaterial {
        guard let bytes = Data(base64Encoded: privateKey) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unreadable signing key \(kid)"))
        }
        return SigningKeyMaterial(kid: kid, privateKey: Array(bytes), createdAt: createdAt)
    }
}
