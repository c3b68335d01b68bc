import Foundation
import SignetAPI
import SignetClient
import SignetTestFixtures
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The harness itself: a node whose port another process took between choosing and starting is
/// started again on another port, never mistaken for the process that listens there.
@Suite("Cluster ports", .enabled(if: TestDatabase.postgresURL != nil))
struct ClusterPortTests {
    /// Listens on 127.0.0.1:`port` until the descriptor is closed.
    static func occupy(_ port: Int) throws -> Int32 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard bound, listen(descriptor, 8) == 0 else {
            close(descriptor)
            throw ClusterError(description: "could not listen on \(port)")
        }
        return descriptor
    }

    @Test("A node whose port was taken starts on another, and the cluster talks to it")
    func takenPort() async throws {
        let cluster = try await Cluster.initialise(database: try await TestDatabase.createPostgres(), nodes: 1)
        let taken = cluster.ports[0]
        let descriptor = try Self.occupy(taken)
        defer { close(descriptor) }
        do {
            try await cluster.startNode(0)
            #expect(cluster.ports[0] != taken)
            #expect(try await cluster.admin(at: 0).auth.whoami().userId.hasPrefix("us-"))
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}
