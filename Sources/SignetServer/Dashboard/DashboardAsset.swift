import Hummingbird
import NIOCore
import SignetCore

/// A file the dashboard serves under `/assets/`: hand-written JavaScript and CSS compiled into the
/// binary (`PackageResources`, see Package.swift), so `signet` is the only file to ship, and the
/// endpoint catalogue rendered as a module (``EndpointsModule``). Nothing on a page comes from
/// anywhere else.
struct DashboardAsset: Sendable {
    let contentType: String
    let body: ByteBuffer
    /// A strong validator (part of the SHA-256 of the body), so browsers revalidate cheaply.
    let etag: String

    init(_ bytes: [UInt8], contentType: String) {
        self.contentType = contentType
        self.body = ByteBuffer(bytes: bytes)
        self.etag = "\"" + String(TokenDigest.of(String(decoding: bytes, as: UTF8.self)).prefix(20)) + "\""
    }

    /// Every asset by the name it is served under.
    static let all: [String: DashboardAsset] = {
        let javascript = "text/javascript; charset=utf-8"
        return [
            "favicon.svg": DashboardAsset(PackageResources.favicon_svg, contentType: "image/svg+xml"),
            "signet.css": DashboardAsset(PackageResources.signet_css, contentType: "text/css; charset=utf-8"),
            "signet.js": DashboardAsset(PackageResources.signet_js, contentType: javascript),
            "behaviours.js": DashboardAsset(PackageResources.behaviours_js, contentType: javascript),
            "webauthn.js": DashboardAsset(PackageResources.webauthn_js, contentType: javascript),
            "setup.js": DashboardAsset(PackageResources.setup_js, contentType: javascript),
            "recover.js": DashboardAsset(PackageResources.recover_js, contentType: javascript),
            "recovery-keys.js": DashboardAsset(PackageResources.recovery_keys_js, contentType: javascript),
            "login.js": DashboardAsset(PackageResources.login_js, contentType: javascript),
            "signin.js": DashboardAsset(PackageResources.signin_js, contentType: javascript),
            "pats.js": DashboardAsset(PackageResources.pats_js, contentType: javascript),
            "tokens.js": DashboardAsset(PackageResources.tokens_js, contentType: javascript),
            "service-accounts.js": DashboardAsset(PackageResources.service_accounts_js, contentType: javascript),
            "users.js": DashboardAsset(PackageResources.users_js, contentType: javascript),
            "roles.js": DashboardAsset(PackageResources.roles_js, contentType: javascript),
            "groups.js": DashboardAsset(PackageResources.groups_js, contentType: javascript),
            "policies.js": DashboardAsset(PackageResources.policies_js, contentType: javascript),
            "approvals.js": DashboardAsset(PackageResources.approvals_js, contentType: javascript),
            "webhooks.js": DashboardAsset(PackageResources.webhooks_js, contentType: javascript),
            "inventory.js": DashboardAsset(PackageResources.inventory_js, contentType: javascript),
            "credentials.js": DashboardAsset(PackageResources.credentials_js, contentType: javascript),
            "audit-log.js": DashboardAsset(PackageResources.audit_log_js, contentType: javascript),
            "endpoints.js": DashboardAsset(Array(EndpointsModule.javascript.utf8), contentType: javascript),
        ]
    }()
}
