import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Kept-alive HTTP/1.1 connections to `http://` upstreams, one set per event loop: a forwarded
/// request goes out on the event loop its client's connection is served by, with no other thread
/// in between, and its request target is written exactly as it was authorised (nothing is parsed
/// again). Connections are opened as requests need them and kept while idle for at most
/// ``idleLifetime`` (shorter than the keep-alive timeouts of common upstream servers, so a
/// connection is not reused just as its server closes it) and at most ``idleLimit`` per loop and
/// upstream. `https://` upstreams go through AsyncHTTPClient instead.
final class UpstreamConnections: Sendable {
    /// Idle connections kept per event loop and upstream; more are closed when they come back.
    static let idleLimit = 64
    /// How long opening a connection may take at most (then 504, as for an answer too slow).
    static let connectTimeout = TimeAmount.seconds(5)

    /// How long an idle connection may be reused: 1 s by default (Node.js closes idle ones after
    /// 5 s, Gunicorn after 2 s). Idle connections older than this are closed within a second.
    let idleLifetime: TimeAmount
    private let reaper: RepeatedTask

    init(idleLifetime: TimeAmount = .seconds(1)) {
        self.idleLifetime = idleLifetime
        let idle = self.idle
        reaper = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            Self.reap(idle, olderThan: idleLifetime)
        }
    }

    deinit { shutdown() }

    /// Where one upstream listens, and what its requests' `Host` header says.
    struct Address: Hashable, Sendable {
        let host: String
        let port: Int
        let hostHeader: String
    }

    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let address: Address
    }

    private struct Idle {
        let connection: UpstreamConnection
        let since: NIODeadline
    }

    private let idle = NIOLockedValueBox<(closed: Bool, connections: [Key: [Idle]])>((false, [:]))

    /// Sends one request and returns the answer's head and body. A request marked repeatable (a GET,
    /// HEAD or OPTIONS without a user action) that finds a reused connection closed under it is sent
    /// once more on a new one; any other request is never sent twice. Open connections are bounded
    /// by the requests in flight, which the server's connection limit bounds.
    func send(_ request: UpstreamRequest, to address: Address, on loop: any EventLoop, timeout: TimeAmount) async throws -> UpstreamAnswer {
        let key = Key(loop: ObjectIdentifier(loop), address: address)
        if let connection = checkout(key) {
            do {
                return try await connection.send(request, timeout: timeout)
            } catch UpstreamFailure.closed where request.repeatable {
                // a connection the upstream closed while it was idle: once more on a new one
            }
        }
        let connection = try await connect(to: address, on: loop, key: key, within: min(timeout, Self.connectTimeout))
        return try await connection.send(request, timeout: timeout)
    }

    /// Closes every idle connection and stops keeping any; connections in use close when their
    /// exchange ends.
    func shutdown() {
        reaper.cancel()
        let connections = idle.withLockedValue { state in
            state.closed = true
            defer { state.connections = [:] }
            return state.connections.values.flatMap { $0 }
        }
        for entry in connections { entry.connection.channel.close(promise: nil) }
    }

    private func checkout(_ key: Key) -> UpstreamConnection? {
        let now = NIODeadline.now()
        var stale: [UpstreamConnection] = []
        defer { for connection in stale { connection.channel.close(promise: nil) } }
        return idle.withLockedValue { state in
            while let entry = state.connections[key]?.popLast() {
                guard entry.connection.channel.isActive, now - entry.since < idleLifetime else {
                    stale.append(entry.connection)
                    continue
                }
                return entry.connection
            }
            return nil
        }
    }

    /// Closes the idle connections older than `lifetime` (run every second).
    private static func reap(_ idle: NIOLockedValueBox<(closed: Bool, connections: [Key: [Idle]])>, olderThan lifetime: TimeAmount) {
        let now = NIODeadline.now()
        let old = idle.withLockedValue { state in
            var old: [UpstreamConnection] = []
            for key in Array(state.connections.keys) {
                state.connections[key]?.removeAll { entry in
                    let stale = now - entry.since >= lifetime || !entry.connection.channel.isActive
                    if stale { old.append(entry.connection) }
                    return stale
                }
                if state.connections[key]?.isEmpty == true { state.connections[key] = nil }
            }
            return old
        }
        for connection in old { connection.channel.close(promise: nil) }
    }

    private func checkin(_ connection: UpstreamConnection, key: Key) {
        let kept = idle.withLockedValue { state in
            guard !state.closed, state.connections[key, default: []].count < Self.idleLimit else { return false }
            state.connections[key, default: []].append(Idle(connection: connection, since: .now()))
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    private func connect(to address: Address, on loop: any EventLoop, key: Key, within timeout: TimeAmount) async throws -> UpstreamConnection {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(UpstreamExchangeHandler())
                    }
                }
                .connect(host: address.host, port: address.port).get()
        } catch ChannelError.connectTimeout {
            throw UpstreamFailure.timeout
        } catch {
            throw UpstreamFailure.unreachable
        }
        let handler = try await loop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: UpstreamExchangeHandler.self), eventLoop: loop)
        }.get()
        return UpstreamConnection(channel: channel, handler: handler) { [weak self] connection in
            if let self { self.checkin(connection, key: key) } else { connection.channel.close(promise: nil) }
        }
    }
}

/// A request for an upstream: its head (request target as authorised, headers with framing set),
/// its body, and whether it may be sent twice.
struct UpstreamRequest: Sendable {
    enum Body: Sendable {
        case none
        case whole(ByteBuffer)
        /// Parts as the client sends them, and their total when the client declared it.
        case stream(AsyncThrowingStream<ByteBuffer, any Error>, length: Int?)
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
        var chunks: (AsyncThrowingStream<ByteBuffer, any Error>, Int?)?
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
                    throw error
                }
            }
        }
        do {
            // A cancelled request (the server stopping after its drain time) ends the exchange at once.
            let channel = channel
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                writer?.cancel()
                channel.close(promise: nil)
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

    /// Writes a streamed body and ends the request, only if every byte the client declared came.
    private static func write(_ stream: AsyncThrowingStream<ByteBuffer, any Error>, length: Int?, to channel: any Channel) async throws {
        var sent = 0
        for try await chunk in stream {
            sent += chunk.readableBytes
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(chunk)))
        }
        try Task.checkCancellation()
        guard length.map({ $0 == sent }) ?? true else { throw UpstreamFailure.closed }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
    }
}

extension UpstreamConnections.Address {
    /// The address of an `http://` URL (`nil` for any other scheme): its host (an IPv6 literal
    /// without brackets), its port (80 unless given) and the `Host` header naming them.
    init?(_ url: URLComponents) {
        guard url.scheme == "http", let written = url.host, !written.isEmpty else { return nil }
        let host = written.hasPrefix("[") && written.hasSuffix("]") ? String(written.dropFirst().dropLast()) : written
        let name = host.contains(":") ? "[\(host)]" : host
        let port = url.port ?? 80
        self.init(host: host, port: port, hostHeader: port == 80 ? name : "\(name):\(port)")
    }
}
