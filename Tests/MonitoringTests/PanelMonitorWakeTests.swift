import Logging
import Monitoring
import PanelCore
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records when (on the manual clock) each cycle was published, and lets a test wait for the n-th one.
final class CycleTimes: ObservationConsumer {
    private struct State {
        var times: [Duration] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let clock: ManualClock
    private let watched: Set<ServerID>

    init(clock: ManualClock, watching watched: Set<ServerID>) {
        self.clock = clock
        self.watched = watched
    }

    /// The clock offset of each published cycle.
    var times: [Duration] { state.withLock { $0.times } }

    func watchedServers() async -> Set<ServerID> { watched }

    var wantsEveryServer: Bool { false }

    var wantsNodes: Bool { false }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let now = clock.now.offset
        let ready = state.withLock { state in
            state.times.append(now)
            let count = state.times.count
            defer { state.waiters.removeAll { $0.count <= count } }
            return state.waiters.filter { $0.count <= count }.map(\.continuation)
        }
        for waiter in ready { waiter.resume() }
    }

    /// Returns once `count` cycles were published.
    func waitForCycles(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.times.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// `requestCycle()` starts the next cycle early (a live power-state change), coalesced and at most once a second.
@Suite struct PanelMonitorWakeTests {
    let clock = ManualClock()
    let backend = FakePanelBackend(servers: [FakePanelBackend.server(1)])

    func monitor(_ requests: CycleRequests = CycleRequests()) -> (PanelMonitor<ManualClock>, CycleTimes) {
        let monitor = PanelMonitor(
            backend: backend,
            updateInterval: .seconds(10),
            clock: clock,
            wallClock: { Date(timeIntervalSince1970: 1_800_000_000) },
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            cycleRequests: requests
        )
        return (monitor, CycleTimes(clock: clock, watching: [FakePanelBackend.server(1).id]))
    }

    /// Runs the monitor while `body` runs, then cancels it.
    func whileRunning(_ monitor: PanelMonitor<ManualClock>, _ body: @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    func waitFor(_ count: Int, _ cycles: CycleTimes) async throws {
        let timeout: @Sendable () async -> any Error = { WaitTimeout(count: count) }
        try await withTimeout(.seconds(10), orThrow: timeout) { await cycles.waitForCycles(count) }
    }

    struct WaitTimeout: Error { var count: Int }

    @Test func aRequestStartsTheNextCycleAtOnce() async throws {
        let (monitor, cycles) = monitor()
        await monitor.register(cycles)
        let clock = self.clock
        try await whileRunning(monitor) {
            try await waitFor(1, cycles)
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(3))
            monitor.requestCycle()
            try await waitFor(2, cycles)
            #expect(cycles.times == [.zero, .seconds(3)])
        }
    }

    @Test func requestsCoalesceAndCyclesStartAtMostOncePerSecond() async throws {
        let requests = CycleRequests()
        let (monitor, cycles) = monitor(requests)
        await monitor.register(cycles)
        let clock = self.clock
        try await whileRunning(monitor) {
            try await waitFor(1, cycles)
            // Five requests right after a cycle: one more cycle, one second after the first began.
            for _ in 0..<5 { requests.request() }
            await clock.waitForSleepers(count: 2)
            clock.advance(by: .milliseconds(999))
            #expect(cycles.times.count == 1)
            clock.advance(by: .milliseconds(1))
            try await waitFor(2, cycles)
            // Nothing is pending any more: the next cycle comes after the full interval.
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
            clock.advance(by: .seconds(9))
            try await waitFor(3, cycles)
            #expect(cycles.times == [.zero, .seconds(1), .seconds(11)])
        }
    }

    @Test func aRequestDuringACycleMakesOneMoreAfterIt() async throws {
        let (monitor, cycles) = monitor()
        await monitor.register(cycles)
        let (clock, backend) = (self.clock, self.backend)
        backend.gate.close()
        try await whileRunning(monitor) {
            await backend.gate.waitUntilHeld()
            monitor.requestCycle()
            clock.advance(by: .seconds(2))
            backend.gate.open()
            try await waitFor(2, cycles)
            #expect(cycles.times == [.seconds(2), .seconds(2)])
        }
    }
}
