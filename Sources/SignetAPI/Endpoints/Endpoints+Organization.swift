extension Endpoints {
    // MARK: The organisation's settings (Signet's)

    /// `GET /auth/organization/settings`: the token policy.
    public static let getOrganizationSettings = Endpoint<NoBody, OrganizationSettings>(
        "getOrganizationSettings",
        .GET,
        "/auth/organization/settings",
        operation: "Orgs:Settings:Read",
        rate: .read
    )
    /// `PUT /auth/organization/settings`: the longest PAT lifetime, applied to every PAT's next request.
    public static let updateOrganizationSettings = Endpoint<UpdateOrganizationSettingsRequest, OrganizationSettings>(
        "updateOrganizationSettings",
        .PUT,
        "/auth/organization/settings",
        signed: true,
        operation: "Orgs:Settings:Update",
        rate: .write,
        note: "a PAT older than a new limit stops working on its next request"
    )

    static let organization: [EndpointRule] = [getOrganizationSettings.rule, updateOrganizationSettings.rule]
}
