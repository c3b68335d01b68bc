/// `GET /auth/organization/settings` (Signet's): the organisation's token policy.
public struct OrganizationSettings: Codable, Sendable, Equatable {
    /// The longest a PAT may live, in days, checked at creation and on every use (a PAT created
    /// before a shorter limit stops working at it); `nil` when only the server's maximum applies.
    public var maximumPatLifetimeDays: Int?
    /// The server's own maximum (`730` unless configured otherwise): no limit can exceed it.
    public var serverMaximumPatLifetimeDays: Int

    public init(maximumPatLifetimeDays: Int?, serverMaximumPatLifetimeDays: Int) {
        self.maximumPatLifetimeDays = maximumPatLifetimeDays
        self.serverMaximumPatLifetimeDays = serverMaximumPatLifetimeDays
    }
}

/// `PUT /auth/organization/settings` (signed).
public struct UpdateOrganizationSettingsRequest: Codable, Sendable, Equatable, KnownFields {
    /// 1 to the server's maximum; `null` removes the limit.
    public var maximumPatLifetimeDays: Int?

    /// The fields it accepts (its JSON keys): any other is refused (``KnownFields``).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case maximumPatLifetimeDays
    }

    public init(maximumPatLifetimeDays: Int?) { self.maximumPatLifetimeDays = maximumPatLifetimeDays }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.maximumPatLifetimeDays) else {
            throw DecodingError.keyNotFound(
                CodingKeys.maximumPatLifetimeDays,
                .init(codingPath: [], debugDescription: "maximumPatLifetimeDays is required (null removes the limit)")
            )
        }
        maximumPatLifetimeDays = try container.decodeIfPresent(Int.self, forKey: .maximumPatLifetimeDays)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maximumPatLifetimeDays, forKey: .maximumPatLifetimeDays)
    }
}
