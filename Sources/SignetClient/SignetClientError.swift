public import Foundation
public import SignetAPI

/// What can go wrong when calling a Signet (or Dfns) server.
///
/// A struct rather than an enum, as jwt-kit's `JWTError`: a later version can add kinds of
/// failure without breaking code that inspects them. Test ``errorType`` (and ``status`` for
/// refusals) rather than matching cases:
///
/// ```swift
/// do { try await client.users.list() } catch let error as SignetClientError where error.status == 403 { … }
/// ```
public struct SignetClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added; compare with `==`, never switch exhaustively.
    public struct ErrorType: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case server, policyPending, organizationMismatch, invalidToken, signerRequired, timeout, transport, unreadableResponse
        }

        let base: Base

        /// The server refused the request (``SignetClientError/status`` and ``SignetClientError/message`` say how).
        public static let server = ErrorType(base: .server)
        /// The operation is waiting for a policy approval (HTTP 202); ``SignetClientError/body`` is the server's answer.
        public static let policyPending = ErrorType(base: .policyPending)
        /// The token belongs to another organisation than the client was configured for.
        public static let organizationMismatch = ErrorType(base: .organizationMismatch)
        /// The access token is not a JWT the client can read.
        public static let invalidToken = ErrorType(base: .invalidToken)
        /// The request must be signed but the client has no signer.
        public static let signerRequired = ErrorType(base: .signerRequired)
        /// The request did not complete in time.
        public static let timeout = ErrorType(base: .timeout)
        /// The server could not be reached, or the connection broke.
        public static let transport = ErrorType(base: .transport)
        /// The server's answer could not be read.
        public static let unreadableResponse = ErrorType(base: .unreadableResponse)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let errorType: ErrorType
    /// The HTTP status, for server refusals (and 202 for a pending policy approval).
    public let status: Int?
    /// The server's message, for server refusals.
    public let message: String?
    /// The server's answer, for a pending policy approval.
    public let body: Data?
    /// For a change held for approval (``ErrorType/policyPending``), the pending change request:
    /// its `approvalId` names the approval to follow.
    public var pendingChange: ChangeRequest? {
        guard errorType == .policyPending, let body else { return nil }
        return try? SignetJSON.decoder().decode(ChangeRequest.self, from: body)
    }
    /// More about a transport failure, an unreadable answer, or an organisation mismatch.
    public let detail: String?
    /// For a Signet server's refusal, its stable kind (`operation_not_granted`, `invalid_field`, …;
    /// see `RefusalID`): act on this, never on ``message``. `nil` from servers that send none.
    public let refusalID: String?
    /// For a refusal of bad input, the request field at fault (`publicKey`, `firstFactor.kind`).
    public let field: String?
    /// For a refusal for a missing operation, the operation (`Wallets:Create`).
    public let operation: String?

    init(
        _ errorType: ErrorType,
        status: Int? = nil,
        message: String? = nil,
        body: Data? = nil,
        detail: String? = nil,
        refusal: ErrorBody? = nil
    ) {
        self.errorType = errorType
        self.status = status
        self.message = message
        self.body = body
        self.detail = detail
        self.refusalID = refusal?.id
        self.field = refusal?.field
        self.operation = refusal?.operation
    }

    /// The server refused the request.
    public static func server(status: Int, message: String) -> SignetClientError {
        SignetClientError(.server, status: status, message: message)
    }

    /// The server refused the request with an error envelope.
    public static func server(status: Int, refusal: ErrorBody) -> SignetClientError {
        SignetClientError(.server, status: status, message: refusal.message, refusal: refusal)
    }

    /// The operation is waiting for a policy approval (HTTP 202).
    public static func policyPending(body: Data) -> SignetClientError {
        SignetClientError(.policyPending, status: 202, body: body)
    }

    /// The token belongs to organisation `actual`, not `expected`.
    public static func organizationMismatch(expected: String, actual: String?) -> SignetClientError {
        SignetClientError(.organizationMismatch, detail: "the access token belongs to organisation \(actual ?? "(none)"), not \(expected)")
    }

    /// The access token is not a JWT the client can read.
    public static let invalidToken = SignetClientError(.invalidToken)
    /// The request must be signed but the client has no signer.
    public static let signerRequired = SignetClientError(.signerRequired)
    /// The request did not complete in time.
    public static let timeout = SignetClientError(.timeout)

    /// The server could not be reached, or the connection broke.
    public static func transport(_ detail: String) -> SignetClientError { SignetClientError(.transport, detail: detail) }

    /// The server's answer could not be read.
    public static func unreadableResponse(_ detail: String) -> SignetClientError {
        SignetClientError(.unreadableResponse, detail: detail)
    }

    public var description: String {
        switch errorType.base {
        case .server: return "\(message ?? "refused") (HTTP \(status ?? 0))"
        case .policyPending: return "the operation is waiting for a policy approval (HTTP 202)"
        case .organizationMismatch: return detail ?? "the access token belongs to another organisation"
        case .invalidToken: return "the access token is not a JWT this client can read"
        case .signerRequired: return "this request must be signed: configure the client with a signer (for example a KeySigner)"
        case .timeout: return "the request timed out"
        case .transport: return "the server could not be reached: \(detail ?? "")"
        case .unreadableResponse: return "the server's answer could not be read: \(detail ?? "")"
        }
    }
}
