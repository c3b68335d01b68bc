import NIOCore
import NIOHTTP1

/// What an upstream answered: its head, and its body whole (an answer of known length up to
/// ``UpstreamExchangeHandler/wholeBodyLimit``, or one that has none) or as it arrives.
struct UpstreamAnswer: Sendable {
    enum Body: Sendable {
        case whole(ByteBuffer)
        case stream(UpstreamBodyStream)
    }
    let head: HTTPResponseHead
    let body: Body
}

/// An answer's body as it arrives, read from the connection only as fast as it is consumed.
typealias UpstreamBodyStream = NIOThrowingAsyncSequenceProducer<
    ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamReadDemand
>

/// Why an exchange with an upstream failed.
enum UpstreamFailure: Error, Equatable {
    /// No answer (or not all of it) within the upstream's timeout.
    case timeout
    /// No connection could be opened.
    case unreachable
    /// The connection closed or failed before the answer was complete.
    case closed
    /// The upstream sent something that is not an answer to the request (an unasked-for answer, a
    /// protocol switch).
    case unexpected
}

/// Asks the connection for more of a streamed body, or closes it when the body's reader has gone.
struct UpstreamReadDemand: NIOAsyncSequenceProducerDelegate {
    let handler: NIOLoopBound<UpstreamExchangeHandler>
    /// Which exchange on the connection the stream belongs to: a late signal from an earlier one is ignored.
    let exchange: Int

    func produceMore() {
        let (handler, exchange) = (handler, exchange)
        handler.eventLoop.execute { handler.value.readMore(exchange: exchange) }
    }

    func didTerminate() {
        let (handler, exchange) = (handler, exchange)
        handler.eventLoop.execute { handler.value.readerGone(exchange: exchange) }
    }
}

/// One exchange at a time on a kept-alive HTTP/1.1 connection to an upstream, on its event loop:
/// ``start(_:body:streamsBody:timeout:promise:whenReusable:)`` writes the request, the promise gets
/// the answer, and once the answer is complete, if the request was written whole and the upstream
/// keeps the connection alive, `whenReusable` hands the connection back for the next exchange. Anything
/// unexpected closes the connection and fails the exchange; a closed connection is never reused.
final class UpstreamExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// Answers of known length up to this size are read whole; longer ones, and those of unknown
    /// length, stream.
    static let wholeBodyLimit = 65_536

    private enum State {
        case idle
        case awaitingHead(EventLoopPromise<UpstreamAnswer>)
        case collecting(HTTPResponseHead, ByteBuffer, EventLoopPromise<UpstreamAnswer>)
        case streaming(UpstreamBodyStream.Source)
        case closed
    }

    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?
    private var exchange = 0
    private var requestEnded = true
    private var keepAlive = true
    private var isHead = false
    private var demand = true
    private var readHeld = false
    private var whenReusable: (() -> Void)?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes the request's head, its body when it is given whole, and its end unless `streamsBody`
    /// (then the caller writes the body's parts and `.end` through the channel).
    func start(
        _ head: HTTPRequestHead,
        body: ByteBuffer?,
        streamsBody: Bool,
        timeout: TimeAmount,
        promise: EventLoopPromise<UpstreamAnswer>,
        whenReusable: @escaping () -> Void
    ) {
        guard case .idle = state, let context, context.channel.isActive else {
            promise.fail(UpstreamFailure.closed)
            return
        }
        exchange += 1
        state = .awaitingHead(promise)
        (isHead, requestEnded, keepAlive) = (head.method == .HEAD, !streamsBody, true)
        resumeReading()
        self.whenReusable = whenReusable
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in fail(UpstreamFailure.timeout) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        if !streamsBody { context.write(wrapOutboundOut(.end(nil)), promise: nil) }
        context.flush()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { requestEnded = true }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        if demand { context.read() } else { readHeld = true }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): received(head, context: context)
        case .body(var chunk):
            switch state {
            case .collecting(let head, var buffer, let promise):
                state = .closed  // no second reference while the buffer grows
                buffer.writeBuffer(&chunk)
                state = .collecting(head, buffer, promise)
            case .streaming(let source):
                if source.yield(chunk) == .stopProducing { demand = false }
            default: fail(UpstreamFailure.unexpected)
            }
        case .end:
            switch state {
            case .collecting(let head, let buffer, let promise):
                deadline?.cancel()
                finish()  // back in the pool (or closed) before the answer is taken
                promise.succeed(UpstreamAnswer(head: head, body: .whole(buffer)))
            case .streaming(let source):
                finish()
                source.finish()
            default:
                fail(UpstreamFailure.unexpected)
            }
        }
    }

    /// The answer's head: informational answers are skipped; a small or empty body is collected,
    /// any other streams (and the timeout no longer applies).
    private func received(_ head: HTTPResponseHead, context: ChannelHandlerContext) {
        guard case .awaitingHead(let promise) = state else { return fail(UpstreamFailure.unexpected) }
        if head.status.code >= 100 && head.status.code < 200 {
            if head.status == .switchingProtocols { fail(UpstreamFailure.unexpected) }
            return
        }
        keepAlive = head.isKeepAlive
        let length = head.headers.first(name: "content-length").flatMap(Int.init)
        let bodiless = isHead || head.status == .noContent || head.status == .notModified
        if bodiless || (length.map { $0 <= Self.wholeBodyLimit } ?? false) {
            // A 304's Content-Length may name the whole representation: never a capacity.
            state = .collecting(head, context.channel.allocator.buffer(capacity: bodiless ? 0 : length ?? 0), promise)
            return
        }
        deadline?.cancel()
        let sequence = UpstreamBodyStream.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16),
            finishOnDeinit: false,
            delegate: UpstreamReadDemand(handler: NIOLoopBound(self, eventLoop: context.eventLoop), exchange: exchange)
        )
        state = .streaming(sequence.source)
        promise.succeed(UpstreamAnswer(head: head, body: .stream(sequence.sequence)))
    }

    /// The answer is complete: the connection carries the next exchange if the request was written
    /// whole and the upstream keeps it alive; else it closes (an upstream that answered before the
    /// whole body arrived may not read the rest, which would then be taken for the next request).
    private func finish() {
        let reusable = whenReusable
        whenReusable = nil
        guard keepAlive, requestEnded, let reusable else { return close() }
        state = .idle
        resumeReading()  // an idle connection still reads: the upstream's close, or an answer nobody asked for
        reusable()
    }

    private func resumeReading() {
        demand = true
        if readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    func readMore(exchange: Int) {
        guard exchange == self.exchange, !demand else { return }
        resumeReading()
    }

    /// The exchange waiting on `promise` was cancelled: it fails and its connection closes, unless
    /// it is over (its connection may carry another exchange by now).
    func cancel(_ promise: EventLoopPromise<UpstreamAnswer>) {
        switch state {
        case .awaitingHead(let current), .collecting(_, _, let current):
            if current.futureResult === promise.futureResult { fail(UpstreamFailure.closed) }
        case .idle, .streaming, .closed: break
        }
    }

    /// The streamed body's reader went away before its end (the client hung up): nothing more of it is wanted.
    func readerGone(exchange: Int) {
        guard exchange == self.exchange, case .streaming = state else { return }
        fail(UpstreamFailure.closed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { fail(UpstreamFailure.closed) }

    func channelInactive(context: ChannelHandlerContext) {
        fail(UpstreamFailure.closed)
        context.fireChannelInactive()
    }

    /// Fails the exchange in progress, if any, and closes the connection.
    private func fail(_ error: UpstreamFailure) {
        let previous = state
        state = .closed
        switch previous {
        case .awaitingHead(let promise), .collecting(_, _, let promise): promise.fail(error)
        case .streaming(let source): source.finish(error)
        case .idle, .closed: break
        }
        close()
    }

    private func close() {
        state = .closed
        whenReusable = nil
        deadline?.cancel()
        deadline = nil
        context?.close(promise: nil)
    }
}
