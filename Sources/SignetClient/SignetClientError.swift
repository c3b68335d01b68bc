public import Foundation

/// What can go wrong when calling a Signet (or Dfns) server.
public enum SignetClientError: Error, Sendable, CustomStringConvertible {
    /// The server refused the request: its status and message.
    case server(status: Int, message: String)
    /// The operation is waiting for a policy approval (HTTP 202). `body` is the server's answer.
    case policyPending(body: Data)
    /// The token belongs to another organisation than the client was configured for.
    case organizationMismatch(expected: String, actual: String?)
    /// The access token is not a JWT the client can read.
    case invalidToken
    /// The request must be signed but the client has no signer.
    case signerRequired
    /// The request did not complete in time.
    case timeout
    /// The server could not be reached, or the connection broke.
    case transport(String)
    /// The server's answer could not be read.
    case unreadableResponse(String)

    /// The HTTP status, for server refusals.
    public var status: Int? {
        switch self {
        case .server(let status, _): return status
        case .policyPending: return 202
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .server(let status, let message): return "\(message) (HTTP \(status))"
        case .policyPending: return "the operation is waiting for a policy approval (HTTP 202)"
        case .organizationMismatch(let expected, let actual):
            return "the access token belongs to organisation \(actual ?? "(none)"), not \(expected)"
        case .invalidToken: return "the access token is not a JWT this client can read"
        case .signerRequired: return "this request must be signed: configure the client with a signer (for example a KeySigner)"
        case .timeout: return "the request timed out"
        case .transport(let detail): return "the server could not be reached: \(detail)"
        case .unreadableResponse(let detail): return "the server's answer could not be read: \(detail)"
        }
    }
}
