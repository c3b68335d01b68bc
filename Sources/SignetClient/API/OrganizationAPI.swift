import Foundation
public import SignetAPI

/// `/auth/organization/settings` (Signet's): the organisation's token policy.
public struct OrganizationAPI: Sendable {
    let transport: Transport

    public func settings() async throws -> OrganizationSettings {
        try await transport.send(Endpoints.getOrganizationSettings)
    }

    /// Sets the longest PAT lifetime in days (`nil` removes the limit). PATs older than a new limit
    /// stop working on their next request.
    public func setMaximumPatLifetime(days: Int?) async throws -> OrganizationSettings {
        try await transport.send(Endpoints.updateOrganizationSettings, body: UpdateOrganizationSettingsRequest(maximumPatLifetimeDays: days))
    }
}
