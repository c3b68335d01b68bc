/// The operations Signet itself checks, by their Dfns names.
public enum OperationName: String, Sendable, CaseIterable {
    case logsRead = "Auth:Logs:Read"
    case usersCreate = "Auth:Users:Create"
    case usersRead = "Auth:Users:Read"
    case usersUpdate = "Auth:Users:Update"
    case usersActivate = "Auth:Users:Activate"
    case usersDeactivate = "Auth:Users:Deactivate"
    case usersDelete = "Auth:Users:Delete"
    case serviceAccountsCreate = "Auth:ServiceAccounts:Create"
    case serviceAccountsRead = "Auth:ServiceAccounts:Read"
    case serviceAccountsUpdate = "Auth:ServiceAccounts:Update"
    case serviceAccountsActivate = "Auth:ServiceAccounts:Activate"
    case serviceAccountsDeactivate = "Auth:ServiceAccounts:Deactivate"
    case serviceAccountsDelete = "Auth:ServiceAccounts:Delete"
    case patsCreate = "Auth:Pats:Create"
    case permissionsCreate = "Permissions:Create"
    case permissionsRead = "Permissions:Read"
    case permissionsUpdate = "Permissions:Update"
    case permissionsAssign = "Permissions:Assign"
    case permissionsRevoke = "Permissions:Revoke"
    case permissionsDelete = "Permissions:Delete"
    case assignmentsRead = "Permissions:Assignments:Read"
    /// Signet's own: `POST /oauth2/introspect`.
    case tokensIntrospect = "Auth:Tokens:Introspect"
    /// Signet's own: `POST /auth/action/verify`.
    case actionsVerify = "Auth:Actions:Verify"
}
