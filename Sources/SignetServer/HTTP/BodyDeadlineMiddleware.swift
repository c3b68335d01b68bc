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
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body: nothing to
        // wait for, and warm authenticated reads stay as cheap as they were.
        let length = request.headers[.contentLength]
        guard request.headers[.transferEncoding] != nil || (length != nil && length != "0") else {
            return try await next(request, context)
        }
        var request = request
        let body = request.body
        let limit = context.maxUploadSize
        let timeout = self.timeout
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw Timeout() }
            return buffer
        }
        request.body = .init(buffer: buffer)
        return try await next(request, context)
    }
}
