import SignetCore

/// The dashboard's pages: each is the shared layout around its own body, with its own script.
/// The names follow the Dfns dashboard ("Settings > Developers > Personal Access Tokens").
enum DashboardPage: CaseIterable, Sendable {
    case signIn, setup, recover, personalAccessTokens, serviceAccounts, users, roles, groups, policies, approvals, inventory, webhooks, credentials,
        auditLog

    /// Where the page is served.
    var path: String {
        switch self {
        case .signIn: "/login"
        case .setup: "/setup"
        case .recover: "/recover"
        case .personalAccessTokens: "/settings/developers/personal-access-tokens"
        case .serviceAccounts: "/settings/developers/service-accounts"
        case .users: "/settings/users"
        case .roles: "/settings/roles"
        case .groups: "/settings/user-groups"
        case .policies: "/settings/policies"
        case .approvals: "/settings/approvals"
        case .inventory: "/settings/token-inventory"
        case .webhooks: "/settings/webhooks"
        case .credentials: "/settings/credentials"
        case .auditLog: "/settings/audit-log"
        }
    }

    /// The page's heading and the last part of its title.
    var title: String {
        switch self {
        case .signIn: "Sign in"
        case .setup: "Set up your passkey"
        case .recover: "Recover your account"
        case .personalAccessTokens: "Personal Access Tokens"
        case .serviceAccounts: "Service Accounts"
        case .users: "Users"
        case .roles: "Roles"
        case .groups: "User groups"
        case .policies: "Policies"
        case .approvals: "Approvals"
        case .inventory: "Token inventory"
        case .webhooks: "Webhooks"
        case .credentials: "My credentials"
        case .auditLog: "Audit log"
        }
    }

    /// Where the page sits in the settings, shown above its heading.
    var breadcrumb: [String] {
        switch self {
        case .signIn, .setup, .recover: []
        case .personalAccessTokens, .serviceAccounts: ["Settings", "Developers", title]
        case .users, .roles, .groups, .policies, .approvals, .inventory, .webhooks, .credentials, .auditLog: ["Settings", title]
        }
    }

    /// The page's ES module under `/assets/`.
    var script: String {
        switch self {
        case .signIn: "login.js"
        case .setup: "setup.js"
        case .recover: "recover.js"
        case .personalAccessTokens: "pats.js"
        case .serviceAccounts: "service-accounts.js"
        case .users: "users.js"
        case .roles: "roles.js"
        case .groups: "groups.js"
        case .policies: "policies.js"
        case .approvals: "approvals.js"
        case .inventory: "inventory.js"
        case .webhooks: "webhooks.js"
        case .credentials: "credentials.js"
        case .auditLog: "audit-log.js"
        }
    }

    /// The page's own HTML, inside `<main>`.
    var body: String {
        let bytes: [UInt8] =
            switch self {
            case .signIn: PackageResources.login_html
            case .setup: PackageResources.setup_html
            case .recover: PackageResources.recover_html
            case .personalAccessTokens: PackageResources.pats_html
            case .serviceAccounts: PackageResources.service_accounts_html
            case .users: PackageResources.users_html
            case .roles: PackageResources.roles_html
            case .groups: PackageResources.groups_html
            case .policies: PackageResources.policies_html
            case .approvals: PackageResources.approvals_html
            case .inventory: PackageResources.inventory_html
            case .webhooks: PackageResources.webhooks_html
            case .credentials: PackageResources.credentials_html
            case .auditLog: PackageResources.audit_log_html
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the page needs a session (it shows the navigation and sends visitors without one to sign in).
    var needsSession: Bool { self != .signIn && self != .setup && self != .recover }

    /// The pages in the navigation, in order.
    static let navigation: [DashboardPage] = [
        .personalAccessTokens, .serviceAccounts, .users, .roles, .groups, .policies, .approvals, .inventory, .webhooks, .credentials, .auditLog,
    ]
}
