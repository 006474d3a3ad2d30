import PanelCore

/// Whose turn it is to update each server's status message: one update per server at a time, waiters in arrival
/// order. Pure bookkeeping; the owning actor suspends and resumes the waiters.
struct ServerTurns {
    private var busy: Set<ServerID> = []
    private var waiters: [ServerID: [CheckedContinuation<Void, Never>]] = [:]

    /// Takes the turn of `id` if it is free.
    /// - Returns: True when the caller may go ahead; otherwise call ``wait(for:_:)`` and try again when resumed.
    mutating func take(_ id: ServerID) -> Bool {
        busy.insert(id).inserted
    }

    /// Queues a waiter for `id`.
    mutating func wait(for id: ServerID, _ waiter: CheckedContinuation<Void, Never>) {
        waiters[id, default: []].append(waiter)
    }

    /// How many callers wait for a turn.
    var waitingCount: Int { waiters.values.reduce(0) { $0 + $1.count } }

    /// Gives the turn of `id` back.
    /// - Returns: The next waiter to resume, if any.
    mutating func release(_ id: ServerID) -> CheckedContinuation<Void, Never>? {
        busy.remove(id)
        guard var queue = waiters[id], !queue.isEmpty else { return nil }
        let next = queue.removeFirst()
        waiters[id] = queue.isEmpty ? nil : queue
        return next
    }
}
