import Foundation
import SignetAPI
import SignetCore
import SignetServer
import SignetStore

/// What `signet serve --dev` does on an empty store, and what `serve` says without it.
enum DevelopmentSetup {
    static let email = "admin@signet.local"

    static func initialize(store: any SignetStore, location: DatabaseLocation, host: String, port: Int, scheme: String = "http") async throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        // Absolute, so `signet login --from …/admin.json` works from any folder.
        var keyPath = (location.dataFolder as NSString).appendingPathComponent("admin.private.pem")
        if !keyPath.hasPrefix("/") {
            keyPath =
                URL(fileURLWithPath: keyPath, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
        try SecretFile.create(keyPath, contents: key.pemRepresentation + "\n")
        let result = try await OrganizationBootstrap.initialize(
            store: store,
            organizationName: "Signet development",
            email: email,
            publicKeyPEM: key.publicKey.pemRepresentation
        )
        let credentialId = result.credentialId ?? ""
        // A certificate for development names localhost; 127.0.0.1 would fail its hostname check.
        let host = scheme == "https" && host == "127.0.0.1" ? "localhost" : host
        let settings = """
            {"baseUrl": "\(scheme)://\(host):\(port)", "orgId": "\(result.orgId)", "username": "\(result.username)", \
            "credentialId": "\(credentialId)", "privateKeyFile": "\(keyPath)"}
            """
        try SecretFile.create((location.dataFolder as NSString).appendingPathComponent("admin.json"), contents: settings + "\n")
        print(
            """
            Signet initialised this store for development.
              organisation   \(result.orgId)
              administrator  \(result.username)
              credential id  \(credentialId)
              private key    \(keyPath) (mode 0600: it signs the administrator's logins and actions)
            The same settings are in \((location.dataFolder as NSString).appendingPathComponent("admin.json")).
            Log in with the Dfns Python SDK (pip install dfns_sdk):
              signer = KeySigner(credential_id="\(credentialId)", private_key=open("\(keyPath)").read())
              challenge = DfnsClient(DfnsClientConfig(auth_token="login", base_url="\(scheme)://\(host):\(port)")).auth \\
                  .create_login_challenge({"username": "\(result.username)", "orgId": "\(result.orgId)"})
            then POST /auth/login with {"challengeIdentifier", "firstFactor": signer.sign(challenge)}.
            """
        )
        fflush(nil)
    }

    /// Prints where the dashboard is: a setup link while the development administrator has no
    /// passkey (a new one-time code on every start), else the address.
    static func announceDashboard(store: any SignetStore, base: String?) async throws {
        guard let base else { return }
        guard let org = try await store.organizations().first, let admin = try await store.user(orgId: org.id, username: email) else {
            return print("Dashboard: \(base)/")
        }
        let passkeys = try await store.credentials(identityId: admin.id).filter { $0.kind == .fido2 && $0.isActive }
        guard passkeys.isEmpty, let setup = try await SetupLink.issue(store: store, user: admin, base: base) else {
            print("Dashboard: \(base)/ (sign in with your passkey as \(email))")
            _ = fflush(nil)
            return
        }
        print(
            """
            Dashboard: open this setup link in a browser to register your passkey as \(email) (single use, 4 hours;
            a new one is printed on every --dev start until you have a passkey):
              \(setup.link)
            """
        )
        fflush(nil)
    }

    static func uninitialisedNotice(location: DatabaseLocation) -> String {
        """
        This store has no organisation yet, so nobody can log in. Either:
          - stop the server and run once with --dev, which creates one with a generated administrator key; or
          - create a keypair and the organisation yourself:
              openssl genpkey -algorithm ed25519 -out admin.pem
              openssl pkey -in admin.pem -pubout -out admin.public.pem
              signet init --database \(location.store) --org-name "My org" --email you@example.com --public-key admin.public.pem
        """
    }
}
