import Hummingbird
import SignetAPI

/// `/auth/credentials`: the keys that sign a caller's user actions. A PAT has keys of its own; a
/// user and a service account have theirs. Each caller sees and changes only its own.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct CredentialController: Sendable {
    let credentials: CredentialService
    let codes: CredentialCodeService
    let routes: EndpointRoutes

    /// The new device's half of adding a credential with a code: no access token.
    func addPublicRoutes(to router: some RouterMethods<SignetRequestContext>) {
        EndpointRoutes.addPublic(Endpoints.credentialCodeInit, to: router) { body, _ in try await codes.initiate(body) }
        EndpointRoutes.addPublic(Endpoints.createCredentialWithCode, to: router) { body, _ in try await codes.verify(body) }
    }

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listCredentials, to: router) { call in try await credentials.list(caller: call.caller) }
        routes.add(Endpoints.credentialInit, to: router) { call in try await credentials.initiate(call.body, caller: call.caller) }
        routes.add(Endpoints.createCredential, to: router) { call in try await credentials.create(call.body, caller: call.caller) }
        routes.add(Endpoints.activateCredential, to: router) { call in try await credentials.setActive(call.body, true, caller: call.caller) }
        routes.add(Endpoints.deactivateCredential, to: router) { call in try await credentials.setActive(call.body, false, caller: call.caller) }
        routes.add(Endpoints.createCredentialCode, to: router) { call in try await codes.create(call.body, caller: call.caller) }
        routes.add(Endpoints.deleteCredential, to: router) { call in
            try await credentials.delete(try call.parameter("credentialUuid"), caller: call.caller)
        }
    }
}
