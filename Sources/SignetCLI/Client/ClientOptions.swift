import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// Options every client command takes.
struct ClientOptions: ParsableArguments {
    @Flag(help: "Print machine-readable JSON instead of tables.")
    var json = false

    @Flag(
        inversion: .prefixedNo,
        help: "Sign changes in one request (Fast Auth); --no-fast-auth uses /auth/action/init and /auth/action (env SIGNET_FAST_AUTH=off)."
    )
    var fastAuth = ProcessInfo.processInfo.environment["SIGNET_FAST_AUTH"] != "off"

    /// How the client signs, as the flags say.
    var configuration: SignetClient.Configuration {
        var configuration = SignetClient.Configuration()
        configuration.fastAuth = fastAuth
        return configuration
    }

    /// The server URL of the current profile, if one is set up.
    var resolvedURL: String? { try? Profile.current().url }

    /// A client for the current profile. An expired login session is renewed with the profile's key.
    func client() async throws -> SignetClient {
        var profile = try Profile.current()
        let signer = try profile.signer()
        if profile.tokenIsStale, let username = profile.username {
            let client = try await SignetClient.login(
                baseURL: profile.url,
                organizationID: profile.orgId,
                username: username,
                signer: signer,
                configuration: configuration
            )
            profile.token = client.authToken
            if ProcessInfo.processInfo.environment["SIGNET_TOKEN"] == nil { try profile.save() }
            return client
        }
        guard let token = profile.token else { throw UsageError("no access token: run signet login, or set SIGNET_TOKEN") }
        do {
            return try SignetClient(
                baseURL: profile.url,
                organizationID: profile.orgId,
                authToken: token,
                signer: signer,
                configuration: configuration
            )
        } catch let error as SignetClientError {
            throw UsageError("\(error); check SIGNET_ORG_ID and SIGNET_TOKEN, or run signet login")
        }
    }
}
