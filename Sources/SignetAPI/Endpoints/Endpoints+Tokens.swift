extension Endpoints {
    // MARK: Personal access tokens

    /// `GET /auth/pats`: the caller's user's PATs (a service account: an empty list).
    public static let listPats = Endpoint<NoBody, ListResponse<AccessToken>>(
        "listPats",
        .GET,
        "/auth/pats",
        rate: .read,
        note: "the caller's user's PATs; a service account: an empty list"
    )
    /// `POST /auth/pats`: a new PAT, its token shown this once. Only a person's login session.
    public static let createPat = Endpoint<CreatePersonalAccessTokenRequest, AccessToken>(
        "createPat",
        .POST,
        "/auth/pats",
        signed: true,
        operation: "Auth:Pats:Create",
        callers: .personLogin,
        rate: .write,
        note: "a CustomerEmployee or EndUser login"
    )
    /// `GET /auth/pats/{tokenId}`: one of the caller's user's PATs (others: 404).
    public static let getPat = Endpoint<NoBody, AccessToken>("getPat", .GET, "/auth/pats/{tokenId}", rate: .read, note: "others' PATs: 404")
    /// `PUT /auth/pats/{tokenId}`: renames it (a PAT may change only itself).
    public static let updatePat = Endpoint<UpdatePersonalAccessTokenRequest, AccessToken>(
        "updatePat",
        .PUT,
        "/auth/pats/{tokenId}",
        signed: true,
        rate: .write,
        note: "a PAT may change only itself"
    )
    /// `PUT /auth/pats/{tokenId}/activate`.
    public static let activatePat = Endpoint<NoBody, AccessToken>(
        "activatePat",
        .PUT,
        "/auth/pats/{tokenId}/activate",
        signed: true,
        rate: .write,
        note: "a PAT may change only itself"
    )
    /// `PUT /auth/pats/{tokenId}/deactivate`.
    public static let deactivatePat = Endpoint<NoBody, AccessToken>(
        "deactivatePat",
        .PUT,
        "/auth/pats/{tokenId}/deactivate",
        signed: true,
        rate: .write,
        note: "a PAT may change only itself"
    )
    /// `DELETE /auth/pats/{tokenId}`: ends it for good.
    public static let deletePat = Endpoint<NoBody, AccessToken>(
        "deletePat",
        .DELETE,
        "/auth/pats/{tokenId}",
        signed: true,
        rate: .write,
        note: "a PAT may change only itself"
    )
    /// `GET /auth/users/{id}/pats` (Signet's): another person's PATs; the caller also needs
    /// every operation that person holds (the service checks that part).
    public static let listUserPats = Endpoint<NoBody, ListResponse<AccessToken>>(
        "listUserPats",
        .GET,
        "/auth/users/{id}/pats",
        operation: "Auth:Users:Read",
        rate: .read,
        note: "and every operation that person holds"
    )

    /// `GET /auth/tokens` (Signet's): the organisation's PATs and service-account tokens, never
    /// the tokens themselves, filtered by `userId`, `kind`, `state`, `expiringBefore`,
    /// `unusedSince` and `neverUsed`; only those of users whose every operation the caller holds.
    public static let listTokens = Endpoint<NoBody, ListResponse<AccessToken>>(
        "listTokens",
        .GET,
        "/auth/tokens",
        operation: "Auth:Users:Read",
        rate: .read,
        note: "tokens of users holding an operation the caller lacks are left out"
    )

    // MARK: Service accounts

    /// `GET /auth/service-accounts`.
    public static let listServiceAccounts = Endpoint<NoBody, ListResponse<ServiceAccount>>(
        "listServiceAccounts",
        .GET,
        "/auth/service-accounts",
        operation: "Auth:ServiceAccounts:Read",
        rate: .read
    )
    /// `POST /auth/service-accounts`: its token shown this once (`permissionId` also needs `Permissions:Assign`).
    public static let createServiceAccount = Endpoint<CreateServiceAccountRequest, ServiceAccount>(
        "createServiceAccount",
        .POST,
        "/auth/service-accounts",
        signed: true,
        operation: "Auth:ServiceAccounts:Create",
        rate: .write,
        note: "a CustomerEmployee; with permissionId also Permissions:Assign"
    )
    /// `GET /auth/service-accounts/{id}`.
    public static let getServiceAccount = Endpoint<NoBody, ServiceAccount>(
        "getServiceAccount",
        .GET,
        "/auth/service-accounts/{id}",
        operation: "Auth:ServiceAccounts:Read",
        rate: .read
    )
    /// `PUT /auth/service-accounts/{id}`: renames it.
    public static let updateServiceAccount = Endpoint<UpdateServiceAccountRequest, ServiceAccount>(
        "updateServiceAccount",
        .PUT,
        "/auth/service-accounts/{id}",
        signed: true,
        operation: "Auth:ServiceAccounts:Update",
        rate: .write
    )
    /// `PUT /auth/service-accounts/{id}/activate`.
    public static let activateServiceAccount = Endpoint<NoBody, ServiceAccount>(
        "activateServiceAccount",
        .PUT,
        "/auth/service-accounts/{id}/activate",
        signed: true,
        operation: "Auth:ServiceAccounts:Activate",
        rate: .write
    )
    /// `PUT /auth/service-accounts/{id}/deactivate`: never by a PAT, never itself.
    public static let deactivateServiceAccount = Endpoint<DeactivateServiceAccountRequest, ServiceAccount>(
        "deactivateServiceAccount",
        .PUT,
        "/auth/service-accounts/{id}/deactivate",
        signed: true,
        operation: "Auth:ServiceAccounts:Deactivate",
        callers: .notPat,
        rate: .write,
        bodyOptional: true,
        note: "a CustomerEmployee login or a service account; not itself"
    )
    /// `DELETE /auth/service-accounts/{id}` (`?force` may be left unsigned).
    public static let deleteServiceAccount = Endpoint<NoBody, ServiceAccount>(
        "deleteServiceAccount",
        .DELETE,
        "/auth/service-accounts/{id}",
        signed: true,
        operation: "Auth:ServiceAccounts:Delete",
        rate: .write,
        unsignedQuery: ["force"],
        note: "not itself"
    )

    /// `POST /auth/service-accounts/credentials`: the calling service account adds a Key credential
    /// (its key rotated with overlap: add the new key, switch, delete the old).
    public static let createServiceAccountCredential = Endpoint<CreateServiceAccountCredentialRequest, Credential>(
        "createServiceAccountCredential",
        .POST,
        "/auth/service-accounts/credentials",
        signed: true,
        callers: .serviceAccount,
        rate: .write,
        note: "the calling service account's own keys"
    )
    /// `DELETE /auth/service-accounts/credentials/{credentialUuid}`: never the last active one.
    public static let deleteServiceAccountCredential = Endpoint<NoBody, EmptyResponse>(
        "deleteServiceAccountCredential",
        .DELETE,
        "/auth/service-accounts/credentials/{credentialUuid}",
        signed: true,
        callers: .serviceAccount,
        rate: .write,
        note: "the calling service account's own keys; never the last active one"
    )

    static let tokens: [EndpointRule] = [
        listPats.rule, createPat.rule, getPat.rule, updatePat.rule, activatePat.rule, deactivatePat.rule, deletePat.rule, listUserPats.rule, listTokens.rule,
        listServiceAccounts.rule, createServiceAccount.rule, getServiceAccount.rule, updateServiceAccount.rule,
        activateServiceAccount.rule, deactivateServiceAccount.rule, deleteServiceAccount.rule,
        createServiceAccountCredential.rule, deleteServiceAccountCredential.rule,
    ]
}
