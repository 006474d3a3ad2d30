import ClientSupport
import TestSupport
import Testing

/// The turn-taking behind `maxConcurrentQueries` (the client's `ConcurrencyLimiter`).
@Suite struct QueryTurnsTests {
    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        let holder = Gate(isOpen: false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await limiter.withPermit { await holder.pass("first") } }
            await holder.waitUntilHeld()
            let waiter = Task { try await limiter.withPermit { "second" } }
            await limiter.waitUntilQueued(1)
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(limiter.queued == 0)
            holder.open()
            try await group.waitForAll()
        }
        // The turn came back: a new caller runs at once.
        #expect(try await limiter.withPermit { "third" } == "third")
    }

    @Test func turnsPassInArrivalOrder() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        let holder = Gate(isOpen: false)
        let order = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await limiter.withPermit { await holder.pass("holder") } }
            await holder.waitUntilHeld()
            for index in 1...3 {
                group.addTask { try await limiter.withPermit { await order.pass("\(index)") } }
                await limiter.waitUntilQueued(index)
            }
            holder.open()
            try await group.waitForAll()
        }
        #expect(order.arrivals == ["1", "2", "3"])
    }
}
