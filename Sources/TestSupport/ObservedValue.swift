import Synchronization

/// A value that changes while tasks wait until it satisfies a condition (a fake's records, a test's journal). Each
/// change wakes the waiters it satisfies; a cancelled wait throws `CancellationError`, and
/// ``failWaiters(with:)`` ends every pending wait with an error (a fake shutting down).
public final class ObservedValue<Value: Sendable>: Sendable {
    private struct Waiter {
        var id: Int
        var condition: @Sendable (Value) -> Bool
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var value: Value
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state: Mutex<State>

    /// Creates the value.
    /// - Parameter initial: Its first state.
    public init(_ initial: Value) {
        state = Mutex(State(value: initial))
    }

    /// The current value.
    public var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes the waiters it now satisfies.
    /// - Parameter change: The change.
    public func update(_ change: (inout Value) -> Void) {
        let ready = state.withLock { state -> [Waiter] in
            change(&state.value)
            let value = state.value
            let ready = state.waiters.filter { $0.condition(value) }
            state.waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Returns once `condition` holds: at once, or after the change that makes it hold.
    /// - Parameter condition: Checked now and after every change.
    /// - Throws: `CancellationError`, or the error given to ``failWaiters(with:)``.
    public func wait(until condition: @escaping @Sendable (Value) -> Bool) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Bool? in
                    if condition(state.value) { return true }
                    if Task.isCancelled { return false }
                    state.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
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

    /// Ends every pending wait with `error`.
    /// - Parameter error: What the waits throw.
    public func failWaiters(with error: any Error) {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }
}
