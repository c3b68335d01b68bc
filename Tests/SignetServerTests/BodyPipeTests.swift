import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import SignetServer

/// The bounded pipe a streamed gateway request body goes through: the client is read only as fast
/// as the upstream takes the body, and a body nobody reads any more never holds anyone up.
@Suite("Gateway: the request body's pipe", .timeLimit(.minutes(2)))
struct BodyPipeTests {
    @Test("The producer waits while the buffer is full and goes on as the consumer takes; chunks arrive in order")
    func backpressure() async throws {
        let pipe = BodyPipe(limit: 10)
        let sent = NIOLockedValueBox(0)
        let producer = Task {
            for index in 0..<6 {
                #expect(await pipe.send(ByteBuffer(string: "ab\(index)x")))
                sent.withLockedValue { $0 += 1 }
            }
            pipe.finish()
        }
        #expect(try await BookkeepingCacheTests.eventually { pipe.buffered.producerWaits })
        #expect(pipe.buffered.bytes == 12 && sent.withLockedValue { $0 } == 2, "the third chunk waits for room: \(pipe.buffered)")
        var received: [String] = []
        for try await chunk in pipe { received.append(String(buffer: chunk)) }
        #expect(received == (0..<6).map { "ab\($0)x" })
        await producer.value
        #expect(sent.withLockedValue { $0 } == 6 && pipe.buffered.bytes == 0)
    }

    @Test("Abandoning the pipe releases a waiting producer, which reads on and drops the rest; the consumer stops")
    func abandon() async throws {
        let pipe = BodyPipe(limit: 5)
        let producer = Task { () -> [Bool] in
            var answers: [Bool] = []
            for _ in 0..<3 { answers.append(await pipe.send(ByteBuffer(string: "abcd"))) }
            return answers
        }
        #expect(try await BookkeepingCacheTests.eventually { pipe.buffered.producerWaits })
        pipe.abandon()
        #expect(await producer.value == [true, false, false], "the waiting send and every later one answer false")
        await #expect(throws: CancellationError.self) { _ = try await pipe.next() }
    }

    @Test("A failed body fails the consumer after what was sent before; a cancelled consumer stops waiting")
    func failureAndCancellation() async throws {
        struct Refused: Error {}
        let pipe = BodyPipe()
        #expect(await pipe.send(ByteBuffer(string: "a")))
        pipe.finish(throwing: Refused())
        #expect(try await pipe.next().map { String(buffer: $0) } == "a")
        await #expect(throws: Refused.self) { _ = try await pipe.next() }

        #expect(await pipe.send(ByteBuffer(string: "b")) == false, "nothing is sent after the end")

        let idle = BodyPipe()
        let waiting = Task { try await idle.next() }
        #expect(try await BookkeepingCacheTests.eventually { idle.buffered.consumerWaits })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
    }

    @Test("Once released (the upstream answered), the producer no longer waits for room")
    func release() async throws {
        let pipe = BodyPipe(limit: 4)
        let producer = Task { () -> Bool in
            for _ in 0..<5 where await pipe.send(ByteBuffer(string: "abcd")) == false { return false }
            pipe.finish()
            return true
        }
        #expect(try await BookkeepingCacheTests.eventually { pipe.buffered.producerWaits })
        pipe.release()
        #expect(await producer.value, "every chunk was taken without a reader")
        #expect(pipe.buffered.bytes == 20)
    }
}
