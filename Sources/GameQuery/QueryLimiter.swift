import Synchronization

/// Bounds how many queries run at once: callers beyond the limit wait in arrival order.
final class QueryLimiter: Sendable {
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

    private let state: Mutex<State>

    /// Creates a limiter.
    /// - Parameter limit: Queries allowed at once; at least 1.
    init(limit: Int) {
        state = Mutex(State(available: Swift.max(1, limit)))
    }

    /// Callers waiting for a turn.
    var queued: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` once a turn is free.
    /// - Throws: `CancellationError` when cancelled while waiting, or what `body` throws.
    func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// For tests: returns once at least `count` callers are waiting.
    func waitUntilQueued(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.waiters.count >= count { return true }
                state.queueWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func acquire() async throws {
        let id: UInt64? = state.withLock { state in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    // Checked under the lock so that a cancellation either sees this waiter or is seen here.
                    if Task.isCancelled { return (true, []) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    let count = state.waiters.count
                    let ready = state.queueWatchers.filter { $0.count <= count }.map(\.continuation)
                    state.queueWatchers.removeAll { $0.count <= count }
                    return (false, ready)
                }
                for watcher in watchers { watcher.resume() }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        // The turn passes straight to the longest waiter.
        next?.continuation.resume()
    }
}
