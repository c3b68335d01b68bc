import Hummingbird
import SignetAPI

/// `/auth/credentials`: the keys that sign a caller's user actions. A PAT has keys of its own; a
/// user and a service account have theirs. Each caller sees and changes only its own.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct CredentialController: Sendable {
    let credentials: CredentialService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listCredentials, to: router) { call in try await credentials.list(caller: call.caller) }
        routes.add(Endpoints.credentialInit, to: router) { call in try await credentials.initiate(call.body, caller: call.caller) }
        routes.add(Endpoints.createCredential, to: router) { call in try await credentials.create(call.body, caller: call.caller) }
        routes.add(Endpoints.activateCredential, to: router) { call in try await credentials.setActive(call.body, true, caller: call.caller) }
        routes.add(Endpoints.deactivateCredential, to: router) { call in try await credentials.setActive(call.body, false, caller: call.caller) }
        routes.add(Endpoints.deleteCredential, to: router) { call in
            try await credentials.delete(try call.parameter("credentialUuid"), caller: call.caller)
        }
    }
}
