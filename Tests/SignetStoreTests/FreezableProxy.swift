import Dispatch
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that can stop forwarding without closing anything: a connection
/// dropped silently, as a NAT or a firewall drops one, with no FIN and no RST.
final class FreezableProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let frozen = NIOLockedValueBox(false)
    private let descriptors = NIOLockedValueBox<[Int32]>([])

    init(upstreamPort: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        // Threads of their own: these loops block for the proxy's whole life.
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = Self.loopback(port: upstreamPort)
                let connected = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else {
                    close(client)
                    close(upstream)
                    continue
                }
                descriptors.withLockedValue { $0 += [client, upstream] }
                pump(from: client, to: upstream)
                pump(from: upstream, to: client)
            }
        }
    }

    /// Stops forwarding in both directions; nothing is closed.
    func freeze() { frozen.withLockedValue { $0 = true } }

    /// Closes everything.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for descriptor in descriptors.withLockedValue({ $0 }) {
            shutdown(descriptor, Int32(SHUT_RDWR))
            close(descriptor)
        }
    }

    private func pump(from source: Int32, to destination: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                // Frozen: what arrives is swallowed, as by a network that lost the route.
                if frozen.withLockedValue({ $0 }) { continue }
                _ = buffer.withUnsafeBytes { send(destination, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
