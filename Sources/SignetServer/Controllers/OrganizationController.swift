import Hummingbird
import SignetAPI

/// `/auth/organization/settings` (Signet's): the organisation's token policy.
///
/// Its routes, whether each is signed and the operation it requires are its ``Endpoints`` entries
/// (listed in docs/api-routes.md); the rules beyond those are its service's.
struct OrganizationController: Sendable {
    let settings: OrganizationSettingsService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.getOrganizationSettings, to: router) { call in try await settings.get(caller: call.caller) }
        routes.add(Endpoints.updateOrganizationSettings, to: router) { call in try await settings.update(call.body, caller: call.caller) }
    }
}
