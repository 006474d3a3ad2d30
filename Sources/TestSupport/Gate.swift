import Synchronization

/// Holds callers at ``pass(_:)`` while closed, and lets a test wait until a caller is held: the way to make a
/// race deterministic (start the first operation, wait until it is held, start the second, then open).
public final class Gate: Sendable {
    private struct State {
        var isOpen: Bool
        var held: [CheckedContinuation<Void, Never>] = []
        var passed: [String] = []
        var heldWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// Creates a gate.
    /// - Parameter isOpen: False to hold callers from the start.
    public init(isOpen: Bool = true) {
        state = Mutex(State(isOpen: isOpen))
    }

    /// The names of the calls that reached the gate, in order (held or not).
    public var arrivals: [String] { state.withLock { $0.passed } }

    /// Holds new callers from now on.
    public func close() {
        state.withLock { $0.isOpen = false }
    }

    /// Lets every held caller through, and every later one.
    public func open() {
        let held = state.withLock { state in
            state.isOpen = true
            defer { state.held = [] }
            return state.held
        }
        for caller in held { caller.resume() }
    }

    /// Called by the double: returns at once while open, otherwise when the gate opens.
    /// - Parameter name: What the caller is doing, recorded in ``arrivals``.
    public func pass(_ name: String) async {
        await withCheckedContinuation { continuation in
            let (hold, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.passed.append(name)
                guard !state.isOpen else { return (false, []) }
                state.held.append(continuation)
                defer { state.heldWaiters = [] }
                return (true, state.heldWaiters)
            }
            for waiter in waiters { waiter.resume() }
            if !hold { continuation.resume() }
        }
    }

    /// Returns once at least one caller is held.
    public func waitUntilHeld() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if !state.held.isEmpty { return true }
                state.heldWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
