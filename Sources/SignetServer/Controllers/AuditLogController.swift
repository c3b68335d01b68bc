import HTTPTypes
import Hummingbird
import SignetAPI

/// `/auth/action/logs`: the audit log of signed user actions, naming the user and the token; and
/// `/auth/audit/export`, the same records as their hash chain.
///
/// Its routes, whether each is signed, the operation it requires and who may call it are its
/// ``Endpoints`` entries (listed in docs/api-routes.md); the rules beyond those are its services'.
struct AuditLogController: Sendable {
    let auditLogs: AuditLogService
    let routes: EndpointRoutes

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        routes.add(Endpoints.listAuditLogs, to: router, responding: { call in
            let query = call.request.uri.queryParameters
            let list = try await auditLogs.list(
                startTime: query.get("startTime"),
                endTime: query.get("endTime"),
                userId: query.get("userId"),
                caller: call.caller
            )
            // JSON, as the Dfns SDKs read it, unless the caller asks for CSV (AuditLogCSV).
            var response =
                AuditLogCSV.wanted(call.request)
                ? try AuditLogCSV(entries: list.items).response(from: call.request, context: call.context)
                : try JSONResponse(list).response(from: call.request, context: call.context)
            response.headers[.vary] = "Accept"  // one URL, two forms: caches must keep them apart
            return response
        })
        routes.add(Endpoints.getAuditLog, to: router) { call in try await auditLogs.get(try call.parameter("id"), caller: call.caller) }
        routes.add(Endpoints.exportAuditLog, to: router) { call in
            try await auditLogs.export(try Pagination(call.request), caller: call.caller)
        }
    }
}
