import Hummingbird
import SignetAPI

/// `/auth/credentials`: the keys that sign a caller's user actions. A PAT has keys of its own; a
/// user and a service account have theirs. Each caller sees and changes only its own.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/credentials` | no | none (own credentials) | user, PAT, service account |
/// | `POST /auth/credentials/init` | no | none | user, PAT, service account |
/// | `POST /auth/credentials` | yes (and the new key's attestation) | none | user, PAT, service account |
/// | `PUT /auth/credentials/activate` | yes | none (own credentials; others 404) | user, PAT, service account |
/// | `PUT /auth/credentials/deactivate` | yes | none (own; never the last active one) | user, PAT, service account |
/// | `DELETE /auth/credentials/{credentialUuid}` | yes | none (own; never the last active one) | user, PAT, service account |
struct CredentialController: Sendable {
    let credentials: CredentialService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/credentials") { _, context in
            JSONResponse(try await credentials.list(caller: context.caller))
        }
        router.post("auth/credentials/init") { request, context in
            let challengeRequest = try await RequestBody.read(CreateCredentialChallengeRequest.self, from: request, context: context)
            return JSONResponse(try await credentials.initiate(challengeRequest, caller: context.caller))
        }
        router.post(
            "auth/credentials",
            use: signed.handler { signed, _, _ in
                JSONResponse(
                    try await credentials.create(try RequestBody.decode(CreateCredentialRequest.self, from: signed.body), caller: signed.caller))
            })
        router.put(
            "auth/credentials/activate",
            use: signed.handler { signed, _, _ in
                JSONResponse(
                    try await credentials.setActive(
                        try RequestBody.decode(CredentialUuidRequest.self, from: signed.body), true, caller: signed.caller))
            })
        router.put(
            "auth/credentials/deactivate",
            use: signed.handler { signed, _, _ in
                JSONResponse(
                    try await credentials.setActive(
                        try RequestBody.decode(CredentialUuidRequest.self, from: signed.body), false, caller: signed.caller))
            })
        router.delete(
            "auth/credentials/:credentialUuid",
            use: signed.handler { signed, _, context in
                JSONResponse(try await credentials.delete(try context.parameters.require("credentialUuid"), caller: signed.caller))
            })
    }
}
