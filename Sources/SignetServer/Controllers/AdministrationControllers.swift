import Hummingbird
import SignetAPI

/// `/auth/service-accounts`.
struct ServiceAccountController: Sendable {
    let accounts: ServiceAccountService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/service-accounts") { _, context in
            JSONResponse(try await accounts.list(caller: try context.requireCaller()))
        }
        router.post("auth/service-accounts", use: signed.handler { signed, _, _ in
            JSONResponse(try await accounts.create(try RequestBody.decode(CreateServiceAccountRequest.self, from: signed.body), caller: signed.caller))
        })
        router.get("auth/service-accounts/:id") { _, context in
            JSONResponse(try await accounts.get(try context.parameters.require("id"), caller: try context.requireCaller()))
        }
        router.put("auth/service-accounts/:id", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(UpdateServiceAccountRequest.self, from: signed.body)
            return JSONResponse(try await accounts.update(try context.parameters.require("id"), request, caller: signed.caller))
        })
        router.put("auth/service-accounts/:id/activate", use: signed.handler { signed, _, context in
            JSONResponse(try await accounts.setActive(try context.parameters.require("id"), true, caller: signed.caller))
        })
        router.put("auth/service-accounts/:id/deactivate", use: signed.handler { signed, _, context in
            _ = try RequestBody.decodeOptional(DeactivateServiceAccountRequest.self, from: signed.body)
            return JSONResponse(try await accounts.setActive(try context.parameters.require("id"), false, caller: signed.caller))
        })
        router.delete("auth/service-accounts/:id", use: signed.handler(unsignedQueryParameters: ["force"]) { signed, _, context in
            JSONResponse(try await accounts.delete(try context.parameters.require("id"), caller: signed.caller))
        })
    }
}

/// `/auth/users`.
struct UserController: Sendable {
    let users: UserService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/users") { request, context in
            let caller = try context.requireCaller()
            return JSONResponse(try await users.list(try Pagination(request), kind: request.uri.queryParameters.get("kind"), caller: caller))
        }
        router.post("auth/users", use: signed.handler { signed, _, _ in
            JSONResponse(try await users.create(try RequestBody.decode(CreateUserRequest.self, from: signed.body), caller: signed.caller))
        })
        router.get("auth/users/:id") { _, context in
            JSONResponse(try await users.get(try context.parameters.require("id"), caller: try context.requireCaller()))
        }
        router.put("auth/users/:id", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(UpdateUserRequest.self, from: signed.body)
            return JSONResponse(try await users.update(try context.parameters.require("id"), request, caller: signed.caller))
        })
        router.put("auth/users/:id/activate", use: signed.handler { signed, _, context in
            JSONResponse(try await users.activate(try context.parameters.require("id"), caller: signed.caller))
        })
        router.put("auth/users/:id/deactivate", use: signed.handler { signed, _, context in
            JSONResponse(try await users.deactivate(try context.parameters.require("id"), caller: signed.caller))
        })
        router.delete("auth/users/:id", use: signed.handler { signed, _, context in
            JSONResponse(try await users.delete(try context.parameters.require("id"), caller: signed.caller))
        })
    }
}

/// `/permissions`: roles and assignments.
struct PermissionController: Sendable {
    let roles: RoleService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("permissions") { request, context in
            JSONResponse(try await roles.list(try Pagination(request), caller: try context.requireCaller()))
        }
        router.post("permissions", use: signed.handler { signed, _, _ in
            JSONResponse(try await roles.create(try RequestBody.decode(CreatePermissionRequest.self, from: signed.body), caller: signed.caller))
        })
        router.get("permissions/:id") { _, context in
            JSONResponse(try await roles.get(try context.parameters.require("id"), caller: try context.requireCaller()))
        }
        router.put("permissions/:id", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(UpdatePermissionRequest.self, from: signed.body)
            return JSONResponse(try await roles.update(try context.parameters.require("id"), request, caller: signed.caller))
        })
        router.put("permissions/:id/archive", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(ArchivePermissionRequest.self, from: signed.body)
            return JSONResponse(try await roles.archive(try context.parameters.require("id"), request, caller: signed.caller))
        })
        // Newer SDKs delete roles; Signet archives them, so assignments and the audit trail stay readable.
        router.delete("permissions/:id", use: signed.handler { signed, _, context in
            JSONResponse(try await roles.archive(try context.parameters.require("id"), ArchivePermissionRequest(isArchived: true), caller: signed.caller))
        })
        router.get("permissions/:id/assignments") { request, context in
            let caller = try context.requireCaller()
            return JSONResponse(try await roles.assignments(try context.parameters.require("id"), try Pagination(request), caller: caller))
        }
        router.post("permissions/:id/assignments", use: signed.handler { signed, _, context in
            let request = try RequestBody.decode(CreateAssignmentRequest.self, from: signed.body)
            return JSONResponse(try await roles.assign(try context.parameters.require("id"), request, caller: signed.caller))
        })
        router.delete("permissions/:id/assignments/:assignmentId", use: signed.handler(unsignedQueryParameters: ["force"]) { signed, _, context in
            try await roles.revoke(
                try context.parameters.require("id"), assignmentId: try context.parameters.require("assignmentId"), caller: signed.caller)
            return Response(status: .noContent)
        })
    }
}

/// `/auth/credentials` and the audit log.
struct CredentialController: Sendable {
    let credentials: CredentialService
    let auditLogs: AuditLogService
    let signed: SignedRoutes

    func addRoutes(to router: some RouterMethods<SignetRequestContext>) {
        router.get("auth/credentials") { _, context in
            JSONResponse(try await credentials.list(caller: try context.requireCaller()))
        }
        router.post("auth/credentials/init") { request, context in
            let caller = try context.requireCaller()
            let challengeRequest = try await RequestBody.read(CreateCredentialChallengeRequest.self, from: request, context: context)
            return JSONResponse(try await credentials.initiate(challengeRequest, caller: caller))
        }
        router.post("auth/credentials", use: signed.handler { signed, _, _ in
            JSONResponse(try await credentials.create(try RequestBody.decode(CreateCredentialRequest.self, from: signed.body), caller: signed.caller))
        })
        router.put("auth/credentials/activate", use: signed.handler { signed, _, _ in
            JSONResponse(try await credentials.setActive(try RequestBody.decode(CredentialUuidRequest.self, from: signed.body), true, caller: signed.caller))
        })
        router.put("auth/credentials/deactivate", use: signed.handler { signed, _, _ in
            JSONResponse(try await credentials.setActive(try RequestBody.decode(CredentialUuidRequest.self, from: signed.body), false, caller: signed.caller))
        })
        router.get("auth/action/logs") { request, context in
            let query = request.uri.queryParameters
            return JSONResponse(
                try await auditLogs.list(
                    startTime: query.get("startTime"), endTime: query.get("endTime"), userId: query.get("userId"),
                    caller: try context.requireCaller()))
        }
        router.get("auth/action/logs/:id") { _, context in
            JSONResponse(try await auditLogs.get(try context.parameters.require("id"), caller: try context.requireCaller()))
        }
    }
}
