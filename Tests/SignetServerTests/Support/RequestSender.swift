import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// What came back from one request: status, headers and body.
struct RawReply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer
}

/// How a test's requests reach the server: Hummingbird's in-process router, or a real socket.
protocol RequestSender: Sendable {
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> RawReply
}

extension RequestSender {
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:]) async throws -> RawReply {
        try await execute(uri: uri, method: method, headers: headers, body: nil)
    }
}

/// Through one of Hummingbird's test frameworks (`.router`).
struct FrameworkSender: RequestSender {
    let client: any TestClientProtocol

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> RawReply {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return RawReply(status: response.status, headers: response.headers, body: response.body)
    }
}

/// Over a real socket, with a read timeout only a real failure reaches: Hummingbird's `.live`
/// client gives up after 20 s, which a loaded two-core CI runner has exceeded on one request.
struct SocketSender: RequestSender {
    static let readTimeout: Duration = .seconds(300)
    let client: TestClient

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> RawReply {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
        return RawReply(status: response.head.status, headers: response.head.headerFields, body: response.body ?? ByteBuffer())
    }
}
