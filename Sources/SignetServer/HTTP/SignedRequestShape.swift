import SignetCore

/// What a signed request must match: its method, path, query and body, and which query parameters
/// the route tolerates unsigned.
struct SignedRequestShape: Sendable {
    /// The `X-DFNS-USERACTION` header.
    let header: String?
    let method: String
    /// The path, without the query.
    let path: String
    /// The query string, without `?`, or `nil`.
    let query: String?
    /// The body, read with ``SignedPayload/meaning(of:)``.
    let body: JSONValue
    /// Where it is being used (``UserActionService/audience(method:path:gateway:)``): it must be where
    /// the action was signed for.
    var audience = UserActionService.signet
    /// The request as received, for Fast Auth (`nil` where Fast Auth is not accepted).
    var fastAuth: FastAuth.Request? = nil
    /// Whether the body was empty, where an empty body and `{}` are different requests (gateway
    /// routes: an upstream may read them differently); `nil` on Signet's own routes, which read an
    /// empty body as `{}`, so there the two are the same request and either signature admits both.
    var bodyIsEmpty: Bool? = nil
    /// Query parameters this route accepts although they were not signed, because they change
    /// nothing (`force`, which `dfns_sdk` adds to some deletions, bypasses approval policies, which
    /// Signet does not have). Each may only be `true` or `false`.
    let unsignedQueryParameters: Set<String>

    /// Refuses a request whose method, path or query is not what was signed.
    ///
    /// A signed path with a query (the TypeScript clients sign it) must match the request's query
    /// exactly. A signed path without one (`dfns_sdk` signs the path alone) admits no query, except
    /// the route's ``unsignedQueryParameters``.
    func requireBinding(signedMethod: String, signedPath: String) throws {
        let signed = signedPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let signedQuery = signed.count == 2 ? signed[1] : nil
        guard ExactText.equals(signedMethod, method), ExactText.equals(signed[0], path) else {
            throw APIError.forbidden("the user action was signed for \(signedMethod) \(signedPath), not \(method) \(path)")
        }
        let query = self.query.flatMap { $0.isEmpty ? nil : $0 }
        if let signedQuery {
            guard let query, ExactText.equals(signedQuery, query) else {
                throw APIError.forbidden("the request's query string is not the one that was signed (\(signedPath))")
            }
        } else if let query, !isTolerated(query) {
            throw APIError.forbidden(
                "the user action was signed for \(signedPath) without a query string; sign the path with its query (\(path)?\(query))"
            )
        }
    }

    private func isTolerated(_ query: String) -> Bool {
        query.split(separator: "&", omittingEmptySubsequences: false).allSatisfy { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, unsignedQueryParameters.contains(String(parts[0])) else { return false }
            return ExactText.equals(parts[1], "true") || ExactText.equals(parts[1], "false")
        }
    }
}
