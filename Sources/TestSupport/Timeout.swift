import Synchronization

/// Runs `work`; if it has not finished after `timeout` (real time), cancels it and throws what `timeoutError`
/// returns. A guard against a test hanging, never a way to wait for an effect: `work` itself waits on the event.
///
/// The timeout does not wait for `work` to end: a wait that ignores cancellation (a plain checked continuation)
/// must fail the test, not hang the whole run.
/// - Parameters:
///   - timeout: How long `work` may take.
///   - timeoutError: The error to throw on timeout (it may look at the state reached so far).
///   - work: The wait itself; it is cancelled on timeout.
public func withTimeout<Value: Sendable>(
    _ timeout: Duration,
    orThrow timeoutError: @escaping @Sendable () async -> any Error,
    _ work: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let race = FirstOutcome<Value>()
    let workTask = Task {
        do {
            race.settle(.success(try await work()))
        } catch {
            race.settle(.failure(error))
        }
    }
    let timerTask = Task {
        try? await Task.sleep(for: timeout)
        guard !Task.isCancelled else { return }
        race.settle(.failure(await timeoutError()))
    }
    defer {
        workTask.cancel()
        timerTask.cancel()
    }
    return try await withTaskCancellationHandler {
        try await race.value()
    } onCancel: {
        race.settle(.failure(CancellationError()))
    }
}

/// The first of several outcomes, handed to one waiter.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var outcome: Result<Value, any Error>?
        var waiter: CheckedContinuation<Value, any Error>?
    }

    private let state = Mutex(State())

    /// Keeps `outcome` if it is the first; later ones are dropped.
    func settle(_ outcome: Result<Value, any Error>) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    /// Waits for the first outcome.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let settled = self.state.withLock { state -> Result<Value, any Error>? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let settled {
                continuation.resume(with: settled)
            }
        }
    }
}
