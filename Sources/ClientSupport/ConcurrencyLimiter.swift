import Synchronization

/// At most `limit` bodies run at once; later callers wait in arrival order, and a cancelled waiter leaves the
/// queue at once (a class around a `Mutex` rather than an actor, so the cancellation handler can do it
/// synchronously). The `Mutex` guards only the counter and the waiter list, never across an `await`.
public final class ConcurrencyLimiter: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var queueWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private enum Entry {
        case acquired
        case cancelled
        case waiting
    }

    private let state: Mutex<State>

    /// Creates a limiter.
    /// - Parameter limit: Bodies allowed at once; at least 1.
    public init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Callers waiting for a permit.
    public var queued: Int { state.withLock { $0.waiters.count } }

    /// For tests: returns once at least `count` callers are waiting.
    /// - Parameter count: The queue length to wait for.
    public func waitUntilQueued(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.waiters.count >= count { return true }
                state.queueWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Runs `body` once a permit is free, and frees it afterwards (also on error).
    /// - Throws: `CancellationError` while waiting, or what `body` throws.
    public func withPermit<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64? in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (entry, watchers) = state.withLock { state -> (Entry, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled { return (.cancelled, []) }
                    // A permit may have been freed between the first look and now.
                    if state.available > 0 {
                        state.available -= 1
                        return (.acquired, [])
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    let count = state.waiters.count
                    let ready = state.queueWatchers.filter { $0.count <= count }.map(\.continuation)
                    state.queueWatchers.removeAll { $0.count <= count }
                    return (.waiting, ready)
                }
                for watcher in watchers { watcher.resume() }
                switch entry {
                case .acquired: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands the permit to the longest waiter, or puts it back.
    private func release() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
