import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

extension GatewayForwarder {
    /// An upstream's answer, as the gateway passes it on.
    struct Reply {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ResponseBody
    }

    /// Sends the request and waits for the upstream's answer (and for the whole body to have been
    /// sent or refused), recording the upstream's status and time in the metrics: `http://`
    /// upstreams on the client's own event loop (``UpstreamConnections``), `https://` ones through
    /// AsyncHTTPClient.
    func exchange(
        _ method: HTTPMethod,
        headers: HTTPHeaders,
        body: Body,
        to target: Target,
        spendsUserAction: Bool,
        on loop: any EventLoop
    ) async throws -> Reply {
        let upstream = target.upstream
        let started = ContinuousClock.now
        let (pipe, feeder): (BodyPipe?, Task<Void, any Error>?) =
            if case .stream(let chunks, _, let task) = body { (chunks, task) } else { (nil, nil) }
        do {
            let reply =
                if let address = upstream.address {
                    try await connections.send(
                        Self.request(method, headers: headers, body: body, target: target, host: address.hostHeader, spendsUserAction: spendsUserAction),
                        to: address,
                        on: loop,
                        timeout: .milliseconds(Int64(upstream.timeout * 1000))
                    ).reply
                } else {
                    try await throughClient(method, headers: headers, body: body, to: target)
                }
            // The answer came: it must reach the client whatever the upstream still reads, so the
            // client's body no longer waits on the upstream (buffered up to maxBodyBytes, as before).
            pipe?.release()
            try await withTaskCancellationHandler {
                try await feeder?.value  // the whole body read (or its refusal) before answering
            } onCancel: {
                pipe?.abandon()
            }
            SignetMetrics.upstream(upstream.name, status: String(reply.status.code), took: ContinuousClock.now - started)
            return reply
        } catch {
            // No one reads the body any more (the upstream was never reached, or failed): the rest is
            // read and dropped. The body's own refusal (413) comes first; then the upstream's failure.
            pipe?.abandon()
            if let feeder, case .failure(let refusal as APIError) = await feeder.result { throw refusal }
            let failure = Self.upstreamFailure(error, upstream)
            SignetMetrics.upstream(
                upstream.name,
                status: failure.status == .gatewayTimeout ? "timeout" : "unreachable",
                took: ContinuousClock.now - started
            )
            throw failure
        }
    }

    /// The request for an `http://` upstream: the target exactly as authorised, `Host` for the
    /// upstream, and the body's length (or chunked framing when the client's length is unknown).
    static func request(
        _ method: HTTPMethod,
        headers: HTTPHeaders,
        body: Body,
        target: Target,
        host: String,
        spendsUserAction: Bool
    ) -> UpstreamRequest {
        var headers = headers
        headers.add(name: "Host", value: host)
        let sent: UpstreamRequest.Body
        switch body {
        case .bytes(let bytes) where !bytes.isEmpty:
            headers.add(name: "Content-Length", value: String(bytes.count))
            sent = .whole(ByteBuffer(bytes: bytes))
        case .stream(let pipe, let length, _):
            if let length { headers.add(name: "Content-Length", value: String(length)) } else { headers.add(name: "Transfer-Encoding", value: "chunked") }
            sent = .stream(pipe, length: length)
        case .none, .bytes:
            if [.POST, .PUT, .PATCH].contains(method) { headers.add(name: "Content-Length", value: "0") }
            sent = .none
        }
        return UpstreamRequest(
            head: HTTPRequestHead(version: .http1_1, method: method, uri: target.requestTarget, headers: headers),
            body: sent,
            spendsUserAction: spendsUserAction
        )
    }

    /// The request through AsyncHTTPClient (`https://` upstreams); a small answer of known length is
    /// read whole (cheaper than streaming it chunk by chunk), anything else streams.
    private func throughClient(_ method: HTTPMethod, headers: HTTPHeaders, body: Body, to target: Target) async throws -> Reply {
        var outgoing = HTTPClientRequest(url: target.url)
        outgoing.method = method
        outgoing.headers = headers
        switch body {
        case .none: break
        case .bytes(let bytes): if !bytes.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: bytes)) }
        case .stream(let pipe, let length, _): outgoing.body = .stream(Self.unbounded(pipe), length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let answer = try await client.execute(outgoing, timeout: .milliseconds(Int64(target.upstream.timeout * 1000)))
        if let length = answer.headers.first(name: "content-length").flatMap(Int.init), length <= UpstreamExchangeHandler.wholeBodyLimit {
            return Reply(status: answer.status, headers: answer.headers, body: ResponseBody(byteBuffer: try await answer.body.collect(upTo: length)))
        }
        return Reply(status: answer.status, headers: answer.headers, body: ResponseBody(asyncSequence: answer.body))
    }
}

extension GatewayForwarder {
    /// `pipe` as a stream AsyncHTTPClient may stop reading at any time: it reads the pipe as fast as
    /// the client sends (no backpressure for `https://` upstreams), and abandons it when the stream
    /// ends early, so the body's reader never waits on it.
    static func unbounded(_ pipe: BodyPipe) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let reader = Task {
            do {
                for try await chunk in pipe { continuation.yield(chunk) }
                continuation.finish()
            } catch {
                pipe.abandon()
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            reader.cancel()
            pipe.abandon()
        }
        return stream
    }
}

extension UpstreamAnswer {
    /// The answer as the gateway passes it on.
    var reply: GatewayForwarder.Reply {
        switch body {
        case .whole(let buffer): GatewayForwarder.Reply(status: head.status, headers: head.headers, body: ResponseBody(byteBuffer: buffer))
        case .stream(let stream): GatewayForwarder.Reply(status: head.status, headers: head.headers, body: ResponseBody(asyncSequence: stream))
        }
    }
}
