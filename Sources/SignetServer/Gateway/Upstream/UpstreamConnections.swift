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
    /// `timeout` is one budget for connecting, a resend and the answer.
    func send(_ request: UpstreamRequest, to address: Address, on loop: any EventLoop, timeout: TimeAmount) async throws -> UpstreamAnswer {
        try Task.checkCancellation()
        let key = Key(loop: ObjectIdentifier(loop), address: address)
        let deadline = NIODeadline.now() + timeout
        if let connection = checkout(key) {
            do {
                return try await connection.send(request, timeout: deadline - .now())
            } catch UpstreamFailure.closed where request.repeatable {
                // a connection the upstream closed while it was idle: once more on a new one
            }
        }
        let left = deadline - .now()
        guard left > .zero else { throw UpstreamFailure.timeout }
        let connection = try await connect(to: address, on: loop, key: key, within: min(left, Self.connectTimeout))
        return try await connection.send(request, timeout: deadline - .now())
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
        let handler: NIOLoopBound<UpstreamExchangeHandler>
        do {
            handler = try await loop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: UpstreamExchangeHandler.self), eventLoop: loop)
            }.get()
        } catch {
            channel.close(promise: nil)  // closed as soon as it opened: its handlers are gone
            throw UpstreamFailure.closed
        }
        return UpstreamConnection(channel: channel, handler: handler) { [weak self] connection in
            if let self { self.checkin(connection, key: key) } else { connection.channel.close(promise: nil) }
        }
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
