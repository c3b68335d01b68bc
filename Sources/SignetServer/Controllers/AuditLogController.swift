import Hummingbird
import SignetAPI

/// `/auth/action/logs`: the audit log of signed user actions, naming the user and the token.
///
/// | Route | Signed | Permission | Who may call |
/// |---|---|---|---|
/// | `GET /auth/action/logs` | no | `Auth:Logs:Read` | user, PAT, service account |
/// | `GET /auth/action/logs/{id}` | no | `Auth:Logs:Read` | user, PAT, service account |
struct AuditLogController: Sendable {
    let auditLogs: AuditLogService

    func addRoutes(to router: some RouterMethods<AuthenticatedRequestContext>) {
        router.get("auth/action/logs") { request, context in
            let query = request.uri.queryParameters
            return JSONResponse(
                try await auditLogs.list(
                    startTime: query.get("startTime"), endTime: query.get("endTime"), userId: query.get("userId"), caller: context.caller))
        }
        router.get("auth/action/logs/:id") { _, context in
            JSONResponse(try await auditLogs.get(try context.parameters.require("id"), caller: context.caller))
        }
    }
}
