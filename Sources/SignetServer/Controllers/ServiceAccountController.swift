import Hummingbird
import SignetAPI

/// `/auth/service-accounts`.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/service-accounts` | no | `Auth:ServiceAccounts:Read` | user, PAT, service account |
/// | `POST /auth/service-accounts` | yes | `Auth:ServiceAccounts:Create` (+ `Permissions:Assign` with `permissionId`) | user, PAT, service account |
/// | `GET /auth/service-accounts/{id}` | no | `Auth:ServiceAccounts:Read` | user, PAT, service account |
/// | `PUT /auth/service-accounts/{id}` | yes | `Auth:ServiceAccounts:Update` | user, PAT, service account |
/// | `PUT /auth/service-accounts/{id}/activate` | yes | `Auth:ServiceAccounts:Activate` | user, PAT, service account |
/// | `PUT /auth/service-accounts/{id}/deactivate` | yes | `Auth:ServiceAccounts:Deactivate` | CustomerEmployee login or service account (never a PAT); not itself |
/// | `DELETE /auth/service-accounts/{id}` | yes (`force` may be unsigned) | `Auth:ServiceAccounts:Delete` | user, PAT, service account; not itself |
struct ServiceAccountController: Sendable {
    let accounts: ServiceAccountService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/service-accounts") { _, context in
            JSONResponse(try await accounts.list(caller: context.caller))
        }
        router.post(
            "auth/service-accounts",
            use: signed.handler { signed, _, _ in
                JSONResponse(
                    try await accounts.create(try RequestBody.decode(CreateServiceAccountRequest.self, from: signed.body), caller: signed.caller))
            })
        router.get("auth/service-accounts/:id") { _, context in
            JSONResponse(try await accounts.get(try context.parameters.require("id"), caller: context.caller))
        }
        router.put(
            "auth/service-accounts/:id",
            use: signed.handler { signed, _, context in
                let request = try RequestBody.decode(UpdateServiceAccountRequest.self, from: signed.body)
                return JSONResponse(try await accounts.update(try context.parameters.require("id"), request, caller: signed.caller))
            })
        router.put(
            "auth/service-accounts/:id/activate",
            use: signed.handler { signed, _, context in
                JSONResponse(try await accounts.setActive(try context.parameters.require("id"), true, caller: signed.caller))
            })
        router.put(
            "auth/service-accounts/:id/deactivate",
            use: signed.handler { signed, _, context in
                _ = try RequestBody.decodeOptional(DeactivateServiceAccountRequest.self, from: signed.body)
                return JSONResponse(try await accounts.setActive(try context.parameters.require("id"), false, caller: signed.caller))
            })
        router.delete(
            "auth/service-accounts/:id",
            use: signed.handler(unsignedQueryParameters: ["force"]) { signed, _, context in
                JSONResponse(try await accounts.delete(try context.parameters.require("id"), caller: signed.caller))
            })
    }
}
