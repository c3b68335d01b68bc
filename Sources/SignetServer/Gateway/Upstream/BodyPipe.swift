import NIOConcurrencyHelpers
import NIOCore

/// A streamed request body on its way to the upstream, with backpressure: the reader of the
/// client's body (``send(_:)``) waits while `limit` bytes are buffered and not yet taken by the
/// writer to the upstream, so a slow upstream slows the client down instead of Signet holding the
/// body in memory (up to the route's `maxBodyBytes` before). One producer, one consumer.
///
/// Once the upstream has answered, ``release()`` lifts the bound (the answer must reach the client
/// whatever the upstream still reads). When the exchange fails or is cancelled, the pipe is
/// ``abandon()``ed: the producer's `send` answers `false` from then on, and it reads the rest of
/// the client's body only to discard it.
final class BodyPipe: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    private struct State {
        var chunks = CircularBuffer<ByteBuffer>()
        /// The most bytes buffered before the producer waits (``release()`` lifts it).
        var limit: Int
        var buffered = 0
        var end: Result<Void, any Error>?
        var abandoned = false
        /// The producer waiting for room.
        var producer: CheckedContinuation<Void, Never>?
        /// The consumer waiting for a chunk.
        var consumer: CheckedContinuation<ByteBuffer?, any Error>?
    }

    private let state: NIOLockedValueBox<State>

    init(limit: Int = 256 * 1024) {
        precondition(limit > 0, "a pipe holds at least one byte")
        state = NIOLockedValueBox(State(limit: limit))
    }

    /// Lifts the bound for good (the body buffers as before, up to the route's `maxBodyBytes`):
    /// once the upstream has answered, its answer must reach the client whatever the upstream
    /// still reads, so the client's body must not wait on it.
    func release() {
        state.withLockedValue { state in
            state.limit = .max
            defer { state.producer = nil }
            return state.producer
        }?.resume()
    }

    /// Hands a chunk to the consumer, waiting while the buffer is full; `false` when the pipe was
    /// abandoned (the chunk is dropped).
    func send(_ chunk: ByteBuffer) async -> Bool {
        let (waiter, wanted) = state.withLockedValue { state -> (CheckedContinuation<ByteBuffer?, any Error>?, Bool) in
            // Abandoned, or ended already (the feeder never sends then): dropped.
            guard !state.abandoned, state.end == nil else { return (nil, false) }
            if let consumer = state.consumer {
                state.consumer = nil
                return (consumer, true)
            }
            state.chunks.append(chunk)
            state.buffered += chunk.readableBytes
            return (nil, true)
        }
        guard wanted else { return false }
        if let waiter {
            waiter.resume(returning: chunk)
            return true
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wait = state.withLockedValue { state -> Bool in
                    guard !state.abandoned, state.buffered >= state.limit, !Task.isCancelled else { return false }
                    state.producer = continuation
                    return true
                }
                if !wait { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { state in
                let producer = state.producer
                state.producer = nil
                return producer
            }?.resume()
        }
        return state.withLockedValue { !$0.abandoned }
    }

    /// Ends the body: whole (`nil`), or failed with `error` (the consumer throws it).
    func finish(throwing error: (any Error)? = nil) {
        let consumer = state.withLockedValue { state -> CheckedContinuation<ByteBuffer?, any Error>? in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            let consumer = state.consumer
            state.consumer = nil
            return consumer
        }
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    }

    /// The consumer is gone: drops what is buffered and releases the producer for good.
    func abandon() {
        let (producer, consumer) = state.withLockedValue { state in
            state.abandoned = true
            state.chunks.removeAll()
            state.buffered = 0
            defer { (state.producer, state.consumer) = (nil, nil) }
            return (state.producer, state.consumer)
        }
        producer?.resume()
        consumer?.resume(throwing: CancellationError())
    }

    /// The next chunk, waiting for one; `nil` at the end of a whole body.
    func next() async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                let (answer, producer) = state.withLockedValue { state -> (Result<ByteBuffer?, any Error>?, CheckedContinuation<Void, Never>?) in
                    if state.abandoned || Task.isCancelled { return (.failure(CancellationError()), nil) }
                    if !state.chunks.isEmpty {
                        let chunk = state.chunks.removeFirst()
                        state.buffered -= chunk.readableBytes
                        let producer = state.buffered < state.limit ? state.producer : nil
                        if producer != nil { state.producer = nil }
                        return (.success(chunk), producer)
                    }
                    switch state.end {
                    case .success?: return (.success(nil), nil)
                    case .failure(let error)?: return (.failure(error), nil)
                    case nil:
                        state.consumer = continuation
                        return (nil, nil)
                    }
                }
                producer?.resume()
                if let answer { continuation.resume(with: answer) }
            }
        } onCancel: {
            state.withLockedValue { state in
                let consumer = state.consumer
                state.consumer = nil
                return consumer
            }?.resume(throwing: CancellationError())
        }
    }

    /// Bytes buffered and not yet taken, and who waits (for tests).
    var buffered: (bytes: Int, producerWaits: Bool, consumerWaits: Bool) {
        state.withLockedValue { ($0.buffered, $0.producer != nil, $0.consumer != nil) }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let pipe: BodyPipe
        mutating func next() async throws -> ByteBuffer? { try await pipe.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pipe: self) }
}
