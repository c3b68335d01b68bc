import Foundation
import SignetAPI
import SignetCore
import SignetStore

/// `/auth/organization/settings` (Signet's): the organisation's token policy. Today one setting,
/// the longest PAT lifetime (as GitHub lets an organisation enforce one): new PATs may not outlive
/// it, and a PAT created before a shorter limit stops working when it reaches it (checked on every
/// request, in `BearerAuthenticator`). Writing it announces an authorization change, so every
/// node checks each PAT in full on its next request.
struct OrganizationSettingsService: Sendable {
    let store: any SignetStore
    /// The server's own maximum (730 days).
    let serverMaximumDays: Int

    func get(caller: Caller) async throws -> OrganizationSettings {
        try await settings(orgId: caller.orgId)
    }

    func update(_ request: UpdateOrganizationSettingsRequest, caller: Caller) async throws -> OrganizationSettings {
        if let days = request.maximumPatLifetimeDays, !(1...serverMaximumDays).contains(days) {
            throw APIError.invalid(
                "maximumPatLifetimeDays",
                "field 'maximumPatLifetimeDays' must be between 1 and \(serverMaximumDays) (the server's maximum), or null for no limit"
            )
        }
        try await store.setMaximumPatLifetime(orgId: caller.orgId, days: request.maximumPatLifetimeDays)
        return try await settings(orgId: caller.orgId)
    }

    private func settings(orgId: String) async throws -> OrganizationSettings {
        guard let organization = try await store.organization(id: orgId) else { throw APIError.notFound("organisation \(orgId) not found") }
        return OrganizationSettings(maximumPatLifetimeDays: organization.maximumPatLifetimeDays, serverMaximumPatLifetimeDays: serverMaximumDays)
    }

    /// When `token` stops working under its organisation's limit, if a limit applies to it (PATs only).
    static func limit(of token: AccessTokenRecord, maximumDays: Int?) -> Date? {
        guard token.kind == .pat, let maximumDays else { return nil }
        return token.createdAt.addingTimeInterval(TimeInterval(maximumDays) * 86_400)
    }
}
