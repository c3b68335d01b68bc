public import Foundation

/// One header of a held request or of the upstream's answer, in the order received.
public struct HeldHeader: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// What the upstream answered to a held request once it was forwarded.
public struct HeldGatewayResponse: Codable, Sendable, Equatable {
    /// The upstream's status code.
    public var status: Int
    public var headers: [HeldHeader]
    /// The body, base64 (standard alphabet), up to its first 64 KiB.
    public var body: String
    /// Whether the body went on beyond what is kept.
    public var bodyTruncated: Bool
    public var dateForwarded: Date

    public init(status: Int, headers: [HeldHeader], body: String, bodyTruncated: Bool, dateForwarded: Date) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.dateForwarded = dateForwarded
    }
}

/// A request to a gateway route that a policy held for approval (a Signet extension: the body of
/// a change request of kind `GatewayRequest`). Approvers see all of it; it is forwarded at most
/// once, when the approval is met, and the upstream's answer is kept here.
public struct HeldGatewayRequest: Codable, Sendable, Equatable {
    /// The upstream's name in the gateway's configuration.
    public var upstream: String
    /// The route's operation: the policy's activity kind.
    public var operation: String
    public var method: String
    /// The path and query exactly as received and authorised.
    public var target: String
    /// The headers kept to forward (see docs/compatibility.md: others, cookies among them, are dropped).
    public var headers: [HeldHeader]
    /// The body, base64 (standard alphabet); absent when the request had none.
    public var body: String?
    /// The user action (or Fast Auth assertion) a signed route's request was signed with.
    public var userActionId: String?
    /// The upstream's answer, once forwarded.
    public var response: HeldGatewayResponse?

    public init(
        upstream: String,
        operation: String,
        method: String,
        target: String,
        headers: [HeldHeader],
        body: String?,
        userActionId: String?,
        response: HeldGatewayResponse? = nil
    ) {
        self.upstream = upstream
        self.operation = operation
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.userActionId = userActionId
        self.response = response
    }
}
