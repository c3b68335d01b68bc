import HTTPTypes
import Hummingbird
import Logging
import SignetCore
import SignetStore

/// A request that carried a valid `X-DFNS-USERACTION`, to be used up with its first change.
struct SignedRequest: Sendable {
    /// Who signed.
    let caller: Caller
    /// The request body, exactly as received.
    let body: [UInt8]
    /// Its audit record (written with the request's first change, or after the handler).
    let action: UserActionRecord
}

/// Wraps the handlers of routes that the Dfns contract marks as user actions: the request must carry
/// a user action (or a Fast Auth assertion) signed for this caller, method, path and body. On
/// SQLite its single use is written with the handler's first change, in one commit
/// (``DeferredSingleUse``), or on its own after the handler when it wrote nothing; on PostgreSQL
/// before the handler runs (``SignetStore/writesSingleUseWithChange``). Either way a replay is
/// refused and changes nothing. The status the request ends with is on the audit record.
struct SignedRoutes: Sendable {
    static let header: HTTPField.Name = {
        guard let name = HTTPField.Name("X-DFNS-USERACTION") else { preconditionFailure("invalid header name") }
        return name
    }()

    /// How a handler tells the audit record what its request did beyond the status (``Audited``):
    /// read and removed here, never sent.
    static let outcome: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Signet-Internal-Outcome") else { preconditionFailure("invalid header name") }
        return name
    }()

    /// How a signed request's audit record says it ended, written in the transaction of its first
    /// change: a change that commits almost always answers 200. A handler that knows better says so
    /// before its change (``DeferredSingleUse/presume(_:)``: a change held for approval, a 204);
    /// when the request still ends otherwise (a later step fails), the record is corrected before
    /// the answer, and a stop in between leaves the presumption.
    static let presumed = DeferredSingleUse.Presumption(status: 200)

    let userActions: UserActionService
    let store: any SignetStore
    let logger: Logger

    /// - Parameter unsignedQueryParameters: query parameters the route tolerates although they were
    ///   not signed (see ``SignedRequestShape/unsignedQueryParameters``); every other query must be signed.
    func handler<Output: ResponseGenerator>(
        unsignedQueryParameters: Set<String> = [],
        _ body: @escaping @Sendable (SignedRequest, Request, AuthenticatedRequestContext) async throws -> Output
    ) -> @Sendable (Request, AuthenticatedRequestContext) async throws -> Response {
        { request, context in
            var request = request
            let caller = context.caller
            let bytes = try await RequestBody.collect(&request, context: context)
            guard let meaning = SignedPayload.meaning(of: bytes) else {
                throw APIError.badRequest("the body is not valid JSON")
            }
            let shape = SignedRequestShape(
                header: request.headers.value(of: Self.header),
                method: request.method.rawValue,
                path: request.uri.path,
                query: request.uri.query,
                body: meaning,
                fastAuth: UserActionService.fastAuthRequest(request, body: bytes, orgId: caller.orgId),
                unsignedQueryParameters: unsignedQueryParameters
            )
            let accepted = try await userActions.accept(shape, caller: caller)
            let use = try await deferredUse(of: accepted)
            let signed = SignedRequest(caller: caller, body: bytes, action: accepted.record)
            var response: Response
            do {
                response = try await DeferredSingleUse.$current.withValue(use) {
                    try await body(signed, request, context).response(from: request, context: context)
                }
            } catch {
                let refusal = ErrorMiddleware.apiError(for: error, request: request, context: context)
                try await finish(use, of: accepted, status: refusal.status.code, outcome: nil)
                throw refusal
            }
            let outcome = response.headers[Self.outcome]
            response.headers[Self.outcome] = nil
            try await finish(use, of: accepted, status: response.status.code, outcome: outcome)
            return response
        }
    }

    /// The request's single use: written with the handler's first change where the store prefers
    /// that (``SignetStore/writesSingleUseWithChange``), else now, in its own transaction, without
    /// a presumed status (the status is written when the request ends).
    private func deferredUse(of accepted: AcceptedUserAction) async throws -> DeferredSingleUse {
        guard store.writesSingleUseWithChange else {
            let use = DeferredSingleUse(refusal: accepted.refusal, use: accepted.use)
            try await use.settle(in: store)
            return use
        }
        return DeferredSingleUse(refusal: accepted.refusal, presumed: Self.presumed, use: accepted.use)
    }

    /// After the handler: a replay is refused whatever the handler answered (its change, if any,
    /// was rolled back with the use); a use no change wrote is written now, with the status, in
    /// one transaction, before anything is answered; else the status is written to the record
    /// unless it is what was presumed there.
    private func finish(_ use: DeferredSingleUse, of accepted: AcceptedUserAction, status: Int, outcome: String?) async throws {
        let id = accepted.record.id
        switch use.state {
        case .refused:
            throw accepted.refusal
        case .uncertain:
            // Never "already used, sign again": the change may have been applied.
            throw APIError(
                .serviceUnavailable,
                "the database did not confirm this request's commit: its change may have been applied; check before signing it again"
            )
        case .waiting, .writing:
            try await use.settle(in: store) { store in try await store.recordUserActionResult(id: id, status: status, outcome: outcome) }
        case .written where use.writtenPresumption != DeferredSingleUse.Presumption(status: status, outcome: outcome):
            await record(status: status, outcome: outcome, of: accepted.record)
        case .written:
            break  // as presumed when the change committed
        }
        SignetMetrics.signedWrite(fastAuth: accepted.fastAuth)
    }

    /// Writes the status to the audit record (also for signed gateway requests). The request's
    /// outcome stands either way (its change is committed or refused already), so a failure here is
    /// logged, not returned.
    func record(status: Int, outcome: String? = nil, of action: UserActionRecord) async {
        do {
            try await store.recordUserActionResult(id: action.id, status: status, outcome: outcome)
        } catch {
            logger.error(
                "could not write a user action's status to the audit log",
                metadata: ["userAction": "\(action.id)", "status": "\(status)", "error": "\(error)"]
            )
        }
    }
}
