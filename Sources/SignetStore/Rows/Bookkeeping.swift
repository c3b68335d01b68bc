package import Foundation

// Bookkeeping: facts the server keeps about use, not about who may do what. Their tables announce
// nothing (``StoreTable/change`` is `nil`), so writing them on a busy path leaves every cache on
// every node warm. What decides access stays in the authorization tables: a counter that went
// back flags and deactivates its credential there, and a used-up code registers its user there.

/// A passkey's signature counter, raised at each use and never lowered.
package struct CredentialCounterRow: StoreRow, Equatable {
    package var credentialUuid: String
    package var signCount: Int64
    /// When that count was stored: an answer to a challenge issued before then may be late, not cloned.
    @Milliseconds package var recordedAt: Date

    package static let table = StoreTable.credentialCounters
    package static let primaryKey = CodingKeys.credentialUuid

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialUuid = "credential_uuid"
        case signCount = "sign_count"
        case recordedAt = "recorded_at"
    }
}

/// A person's outstanding one-time registration code, kept only as its digest (``TokenDigest``).
package struct RegistrationCodeRow: StoreRow, Equatable {
    package var userId: String
    package var digest: String
    /// When the code stops working (also set to the past when it has been guessed wrong too often).
    @Milliseconds package var expiresAt: Date
    /// Wrong codes tried since it was issued; the code dies at ``maximumFailures``.
    package var failures: Int

    package static let table = StoreTable.registrationCodes
    package static let primaryKey = CodingKeys.userId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case userId = "user_id"
        case digest
        case expiresAt = "expires_at"
        case failures
    }
}

/// One of a person's outstanding recovery codes (`POST /auth/recover/user/code`), as its digest:
/// a table of its own, so that a recovery code can never stand for a registration code. A person
/// may hold a few at once, so a stranger asking for codes cannot replace the one on its way.
package struct RecoveryCodeRow: StoreRow, Equatable {
    package var userId: String
    package var digest: String
    @Milliseconds package var expiresAt: Date

    package static let table = StoreTable.recoveryCodes
    package static let primaryKey = CodingKeys.userId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case userId = "user_id"
        case digest
        case expiresAt = "expires_at"
    }
}

/// When a token was last presented, recorded at most about once a minute per token and node.
package struct TokenUsageRow: StoreRow, Equatable {
    package var tokenId: String
    @Milliseconds package var lastUsedAt: Date

    package static let table = StoreTable.tokenUsage
    package static let primaryKey = CodingKeys.tokenId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case tokenId = "token_id"
        case lastUsedAt = "last_used_at"
    }
}

/// One of the last clients that presented a token: its address and user agent, and when that pair
/// was last seen. A token keeps its five most recent (``SQLStore/recordTokenClients(_:)``).
package struct TokenClientRow: StoreRow, Equatable {
    package var tokenId: String
    /// The client's address as the trusted-proxy rule decided it ("" when unknown).
    package var address: String
    /// The `User-Agent` it sent, cut to ``maximumUserAgentLength`` characters ("" when none).
    package var userAgent: String
    @Milliseconds package var lastUsedAt: Date

    /// How many clients a token keeps, as GitLab keeps the last five addresses of a token.
    package static let kept = 5
    /// The longest user agent kept, in Unicode scalars.
    package static let maximumUserAgentLength = 200

    package init(tokenId: String, address: String, userAgent: String, lastUsedAt: Date) {
        self.tokenId = tokenId
        self.address = address
        let scalars = userAgent.unicodeScalars
        self.userAgent =
            scalars.count <= Self.maximumUserAgentLength
            ? userAgent : String(String.UnicodeScalarView(scalars.prefix(Self.maximumUserAgentLength)))
        self.lastUsedAt = lastUsedAt
    }

    package static let table = StoreTable.tokenClients
    package static let primaryKey = CodingKeys.tokenId

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case tokenId = "token_id"
        case address
        case userAgent = "user_agent"
        case lastUsedAt = "last_used_at"
    }
}
