import Hummingbird
import SignetAPI

/// `/auth/service-accounts`.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct ServiceAccountController: Sendable {
    let accounts: ServiceAccountService
    let credentials: CredentialService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listServiceAccounts, to: router) { call in try await accounts.list(caller: call.caller) }
        routes.add(Endpoints.createServiceAccount, to: router, responding: { call in try await accounts.create(call.body, caller: call.caller) })
        routes.add(Endpoints.getServiceAccount, to: router) { call in try await accounts.get(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.updateServiceAccount, to: router) { call in
            try await accounts.update(try call.parameter("id"), call.body, caller: call.caller)
        }
        routes.add(Endpoints.activateServiceAccount, to: router) { call in
            try await accounts.setActive(try call.parameter("id"), true, caller: call.caller)
        }
        routes.add(Endpoints.deactivateServiceAccount, to: router) { call in
            try await accounts.setActive(try call.parameter("id"), false, caller: call.caller)
        }
        routes.add(Endpoints.deleteServiceAccount, to: router) { call in try await accounts.delete(try call.parameter("id"), caller: call.caller) }
        // The calling account's own keys: the credential rules are the same as a person's.
        routes.add(Endpoints.createServiceAccountCredential, to: router) { call in try await credentials.addKey(call.body, caller: call.caller) }
        routes.add(Endpoints.deleteServiceAccountCredential, to: router) { call in
            try await credentials.delete(try call.parameter("credentialUuid"), caller: call.caller)
        }
    }
}
