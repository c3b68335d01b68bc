import Hummingbird
import NIOCore

/// Reads every request body before routing, within `timeout` (408 after it) and within the body
/// size limit (413 beyond): a client that trickles its body cannot hold a request, a task and a
/// connection open. Signet's bodies are small JSON documents, so reading them up front costs nothing.
struct BodyDeadlineMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext

    /// A body that did not arrive in time.
    struct Timeout: Error {}

    let timeout: Duration

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body: nothing to
        // wait for, and warm authenticated reads stay as cheap as they were.
        let length = request.headers.value(of: .contentLength)
        guard request.headers.value(of: .transferEncoding) != nil || (length != nil && length != "0") else {
            return try await next(request, context)
        }
        var request = request
        let buffer = try await Self.read(request.body, upTo: context.maxUploadSize, within: timeout)
        request.body = .init(buffer: buffer)
        return try await next(request, context)
    }

    /// The whole body, at most `limit` bytes (413 beyond), within `timeout` (``Timeout`` after it).
    static func read(_ body: Hummingbird.RequestBody, upTo limit: Int, within timeout: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw Timeout() }
            return buffer
        }
    }
}
