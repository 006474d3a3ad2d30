/// Runs `work`; if it has not finished after `timeout` (real time), cancels it and throws what `timeoutError`
/// returns. A guard against a test hanging, never a way to wait for an effect: `work` itself waits on the event.
/// - Parameters:
///   - timeout: How long `work` may take.
///   - timeoutError: The error to throw on timeout (it may look at the state reached so far).
///   - work: The wait itself; it must end when cancelled.
public func withTimeout<Value: Sendable>(
    _ timeout: Duration,
    orThrow timeoutError: @escaping @Sendable () async -> any Error,
    _ work: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw await timeoutError() }
        return value
    }
}
