import Foundation

/// A Fast Auth nonce already accepted, kept until its window has passed (then swept).
struct FastAuthNonceRow: StoreRow {
    var nonce: String
    var orgId: String
    @Milliseconds var expiresAt: Date

    static let table = StoreTable.fastAuthNonces
    static let primaryKey = CodingKeys.nonce

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nonce
        case orgId = "org_id"
        case expiresAt = "expires_at"
    }
}
