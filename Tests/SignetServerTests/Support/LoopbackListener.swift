import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on 127.0.0.1 (port 0) for the raw test upstreams, and the thread that
/// accepts on it. Only that thread closes the descriptor, after its last `accept`: closed by
/// anyone else, its number could be given to another test's socket before the thread calls
/// `accept` again, and it would take that socket's connections.
enum LoopbackListener {
    /// Opens the socket: its descriptor and port.
    static func open() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, 64) == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Accepts until `shutdown(descriptor, SHUT_RDWR)`, handing each connection to `serve` on a
    /// thread of its own (a kept-alive connection blocks in `recv`, and parallel tests on Dispatch's
    /// few global threads would wait on each other); then closes the descriptor.
    static func accept(on descriptor: Int32, serve: @escaping @Sendable (Int32) -> Void) {
        Thread.detachNewThread {
            while true {
                let connection = Glibc.accept(descriptor, nil, nil)
                if connection < 0, errno == EINTR || errno == ECONNABORTED { continue }
                guard connection >= 0 else {  // shut down
                    Glibc.close(descriptor)
                    return
                }
                Thread.detachNewThread { serve(connection) }
            }
        }
    }
}
