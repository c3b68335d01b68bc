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
    /// How long an idle connection may be reused: Node.js closes idle ones after 5 s, Gunicorn after 2 s.
    static let idleLifetime = TimeAmount.seconds(1)
    /// How long opening a connection may take (then 502).
    static let connectTimeout = TimeAmount.seconds(5)

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

    /// Sends one request and returns the answer's head and body. A GET, HEAD or OPTIONS that finds
    /// a reused connection closed under it is sent once more on a new one (it cannot have changed
    /// anything); any other request is not repeated.
    func send(_ request: UpstreamRequest, to address: Address, on loop: any EventLoop, timeout: TimeAmount) async throws -> UpstreamAnswer {
        let key = Key(loop: ObjectIdentifier(loop), address: address)
        if let connection = checkout(key) {
            do {
                return try await connection.send(request, timeout: timeout)
            } catch UpstreamFailure.closed where request.isRepeatable {
                // a connection the upstream closed while it was idle: once more on a new one
            }
        }
        let connection = try await connect(to: address, on: loop, key: key)
        return try await connection.send(request, timeout: timeout)
    }

    /// Closes every idle connection; connections in use close when their exchange ends.
    func shutdown() {
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
                guard entry.connection.channel.isActive, now - entry.since < Self.idleLifetime else {
                    stale.append(entry.connection)
                    continue
                }
                return entry.connection
            }
            return nil
        }
    }

    private func checkin(_ connection: UpstreamConnection, key: Key) {
        let kept = idle.withLockedValue { state in
            guard !state.closed, state.connections[key, default: []].count < Self.idleLimit else { return false }
            state.connections[key, default: []].append(Idle(connection: connection, since: .now()))
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    private func connect(to address: Address, on loop: any EventLoop, key: Key) async throws -> UpstreamConnection {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(Self.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(UpstreamExchangeHandler())
                    }
                }
                .connect(host: address.host, port: address.port).get()
        } catch {
            throw UpstreamFailure.unreachable
        }
        let handler = try await loop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: UpstreamExchangeHandler.self), eventLoop: loop)
        }.get()
        return UpstreamConnection(channel: channel, handler: handler) { [weak self] connection in self?.checkin(connection, key: key) }
    }
}

/// A request for an upstream: its head (request target as authorised, headers with framing set)
/// and its body.
struct UpstreamRequest: Sendable {
    enum Body: Sendable {
        case none
        case whole(ByteBuffer)
        case stream(AsyncThrowingStream<ByteBuffer, any Error>)
    }
    let head: HTTPRequestHead
    let body: Body

    /// Safe to send twice: a GET, HEAD or OPTIONS without a streamed body.
    var isRepeatable: Bool {
        if case .stream = body { return false }
        return [.GET, .HEAD, .OPTIONS].contains(head.method)
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

    /// Sends `request` and waits for the answer's head (and the whole body of a small answer); a
    /// streamed request body is written first, as the client sends it.
    func send(_ request: UpstreamRequest, timeout: TimeAmount) async throws -> UpstreamAnswer {
        let promise = channel.eventLoop.makePromise(of: UpstreamAnswer.self)
        let (handler, head) = (handler, request.head)
        var whole: ByteBuffer?
        var chunks: AsyncThrowingStream<ByteBuffer, any Error>?
        switch request.body {
        case .none: break
        case .whole(let buffer): whole = buffer
        case .stream(let stream): chunks = stream
        }
        let streams = chunks != nil
        handler.eventLoop.execute { [whole] in
            // Held by the handler until the exchange ends (then dropped, so no cycle outlives it).
            handler.value.start(head, body: whole, streamsBody: streams, timeout: timeout, promise: promise) { self.reusable(self) }
        }
        if let chunks {
            do {
                for try await chunk in chunks { try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(chunk))) }
                try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
            } catch {
                channel.close(promise: nil)  // the request cannot be completed: the upstream must not take it for whole
                throw error
            }
        }
        return try await promise.futureResult.get()
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
