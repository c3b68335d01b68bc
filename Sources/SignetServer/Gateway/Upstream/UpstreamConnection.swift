import NIOCore
import NIOHTTP1

/// A request for an upstream: its head (request target as authorised, headers with framing set),
/// its body, and whether it may be sent twice.
struct UpstreamRequest: Sendable {
    enum Body: Sendable {
        case none
        case whole(ByteBuffer)
        /// Parts as the client sends them, and their total when the client declared it.
        case stream(BodyPipe, length: Int?)
    }
    let head: HTTPRequestHead
    let body: Body
    /// Safe to send again after a kept-alive connection closed under it: a GET, HEAD or OPTIONS
    /// without a streamed body and without a user action (which is spent once).
    let repeatable: Bool

    init(head: HTTPRequestHead, body: Body, spendsUserAction: Bool = false) {
        self.head = head
        self.body = body
        if case .stream = body { repeatable = false } else { repeatable = !spendsUserAction && [.GET, .HEAD, .OPTIONS].contains(head.method) }
    }
}

/// One kept-alive connection to an upstream and its exchange handler.
final class UpstreamConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<UpstreamExchangeHandler>
    private let reusable: @Sendable (UpstreamConnection) -> Void

    init(channel: any Channel, handler: NIOLoopBound<UpstreamExchangeHandler>, reusable: @escaping @Sendable (UpstreamConnection) -> Void) {
        self.channel = channel
        self.handler = handler
        self.reusable = reusable
    }

    /// Sends `request` and waits for the answer's head (and the whole body of a small answer). A
    /// streamed request body is written as the client sends it, beside the answer (an upstream may
    /// answer while it reads); a body that fails, stops short of its length or is cancelled closes
    /// the connection instead of ending the request.
    func send(_ request: UpstreamRequest, timeout: TimeAmount) async throws -> UpstreamAnswer {
        let promise = channel.eventLoop.makePromise(of: UpstreamAnswer.self)
        let (handler, head) = (handler, request.head)
        var whole: ByteBuffer?
        var chunks: (BodyPipe, Int?)?
        switch request.body {
        case .none: break
        case .whole(let buffer): whole = buffer
        case .stream(let stream, let length): chunks = (stream, length)
        }
        let streams = chunks != nil
        handler.eventLoop.execute { [whole] in
            // Held by the handler until the exchange ends (then dropped, so no cycle outlives it).
            handler.value.start(head, body: whole, streamsBody: streams, timeout: timeout, promise: promise) { self.reusable(self) }
        }
        let writer: Task<Void, any Error>? = chunks.map { stream, length in
            let channel = channel
            return Task {
                do {
                    try await Self.write(stream, length: length, to: channel)
                } catch {
                    channel.close(promise: nil)  // the request cannot be completed: the upstream must not take it for whole
                    stream.abandon()  // the rest of the client's body is read and dropped
                    throw error
                }
            }
        }
        do {
            // A cancelled request (the server stopping after its drain time) ends the exchange at once.
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                writer?.cancel()
                // Only this exchange: the connection may already be back in the pool, carrying another.
                handler.eventLoop.execute { handler.value.cancel(promise) }
            }
        } catch {
            // The body's own failure (a refusal while streaming) explains a closed connection best.
            writer?.cancel()
            if let writer, case .failure(let failure) = await writer.result,
                !(failure is ChannelError || failure is CancellationError || failure is UpstreamFailure)
            {
                throw failure
            }
            throw error
        }
    }

    /// Writes a streamed body and ends the request, only if every byte the client declared came
    /// (and never a byte more). The last part of a body of known length goes out together with the
    /// request's end, so the upstream cannot answer between the two (its connection stays reusable).
    private static func write(_ stream: BodyPipe, length: Int?, to channel: any Channel) async throws {
        var sent = 0
        for try await chunk in stream {
            sent += chunk.readableBytes
            guard length.map({ sent <= $0 }) ?? true else { throw UpstreamFailure.closed }
            if let length, sent == length {
                channel.write(HTTPClientRequestPart.body(.byteBuffer(chunk)), promise: nil)  // flushed with the end
                break
            }
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(chunk)))
        }
        try Task.checkCancellation()
        guard length.map({ $0 == sent }) ?? true else { throw UpstreamFailure.closed }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
    }
}

