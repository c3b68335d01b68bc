import Foundation
import SignetCore
import SignetServer
import SignetStore

/// What `signet serve --dev` does on an empty store, and what `serve` says without it.
enum DevelopmentSetup {
    static let email = "admin@signet.local"

    static func initialize(store: any SignetStore, location: DatabaseLocation, host: String, port: Int) async throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let keyPath = (location.dataFolder as NSString).appendingPathComponent("admin.private.pem")
        try SecretFile.create(keyPath, contents: key.pemRepresentation + "\n")
        let result = try await OrganizationBootstrap.initialize(
            store: store, organizationName: "Signet development", email: email,
            publicKeyPEM: key.publicKey.pemRepresentation)
        let settings = """
            {"baseUrl": "http://\(host):\(port)", "orgId": "\(result.orgId)", "username": "\(result.username)", \
            "credentialId": "\(result.credentialId)", "privateKeyFile": "\(keyPath)"}
            """
        try SecretFile.create((location.dataFolder as NSString).appendingPathComponent("admin.json"), contents: settings + "\n")
        print(
            """
            Signet initialised this store for development.
              organisation   \(result.orgId)
              administrator  \(result.username)
              credential id  \(result.credentialId)
              private key    \(keyPath) (mode 0600: it signs the administrator's logins and actions)
            The same settings are in \((location.dataFolder as NSString).appendingPathComponent("admin.json")).
            Log in with the Dfns Python SDK (pip install dfns_sdk):
              signer = KeySigner(credential_id="\(result.credentialId)", private_key=open("\(keyPath)").read())
              challenge = DfnsClient(DfnsClientConfig(auth_token="login", base_url="http://\(host):\(port)")).auth \\
                  .create_login_challenge({"username": "\(result.username)", "orgId": "\(result.orgId)"})
            then POST /auth/login with {"challengeIdentifier", "firstFactor": signer.sign(challenge)}.
            """)
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
