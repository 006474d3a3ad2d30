import Logging
import PanelCore
import Pterodactyl
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import TestSupport
import Testing

/// Counts the backend's wake calls.
final class WakeCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func wake() { count.withLock { $0 += 1 } }
}

struct LiveStatsTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var description: String { "timed out waiting for \(waitingFor)" }
}

/// Waits for an effect, failing (not hanging) the test after 10 s of real time.
func awaitEffect(_ what: String, _ work: @escaping @Sendable () async -> Void) async throws {
    let timeout: @Sendable () async -> any Error = { LiveStatsTimeout(waitingFor: what) }
    try await withTimeout(.seconds(10), orThrow: timeout) { await work() }
}

/// Runs `backend` as a service while `body` runs, then cancels it and waits until it returned.
func whileRunning<T: Sendable>(
    _ backend: LiveStatsBackend<ManualClock>,
    _ body: @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await backend.run() }
        do {
            let result = try await body()
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// `LiveStatsBackend` over the in-memory feed and panel: which servers cost panel requests, state changes, socket
/// lifetimes.
@Suite struct LiveStatsBackendTests {
    static let servers = (1...3).map { FakePanelBackend.server($0) }
    static let ids = servers.map(\.id)

    static func sample(cpu: Double) -> ServerResources {
        ServerResources(state: .running, memoryBytes: 1 << 30, cpuAbsolute: cpu, uptimeMilliseconds: 60_000)
    }

    let clock = ManualClock()
    let feed = FakeWingsLiveFeed()
    let inner = FakePanelBackend(servers: servers)
    let logs = LogCapture()
    let wakes = WakeCounter()

    init() {
        // Wings answers `auth` + `send stats` with a sample.
        feed.setOnFollow { _ in [.sample(Self.sample(cpu: 10))] }
    }

    func backend(_ configuration: LiveStatsConfiguration = LiveStatsConfiguration()) -> LiveStatsBackend<ManualClock> {
        let wakes = self.wakes
        return LiveStatsBackend(
            inner: inner,
            feed: feed,
            configuration: configuration,
            clock: clock,
            logger: logs.logger(level: .debug),
            wake: { wakes.wake() }
        )
    }

    @Test func liveServersCostNoPanelRequests() async throws {
        let backend = backend()
        let feed = self.feed
        let inner = self.inner
        try await whileRunning(backend) {
            // The first request opens the sockets and polls: nothing is live yet.
            let first = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests == [Self.ids])
            #expect(first.count == 3)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }

            let second = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests.count == 1)
            #expect(Self.ids.allSatisfy { (try? second[$0]?.get()) == Self.sample(cpu: 10) })
            #expect(feed.followCount == 3)

            await feed.emit(.sample(Self.sample(cpu: 77)), to: Self.ids[1])
            let third = try await backend.usage(of: Self.ids)
            #expect(try third[Self.ids[1]]?.get().cpuAbsolute == 77)
            #expect(inner.usageRequests.count == 1)
            #expect(await backend.liveStatus().liveSockets == 3)
        }
    }

    @Test func fallenBackServersArePolledInOneCall() async throws {
        let backend = backend()
        let (feed, inner, logs, clock) = (self.feed, self.inner, self.logs, self.clock)
        inner.setRunning(Self.ids[1], cpu: 55, sample: 1)
        try await whileRunning(backend) {
            _ = try await backend.servers(forceRefresh: false)
            _ = try await backend.usage(of: Self.ids)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }
            let reason = "connection to Wings refused: is Wings running, and is its port open to the bot?"
            await feed.emit(.fellBack(reason: reason), to: Self.ids[1])
            await feed.emit(.fellBack(reason: reason), to: Self.ids[2])

            clock.advance(by: .seconds(10))
            let results = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests.last == [Self.ids[1], Self.ids[2]])
            #expect(inner.usageRequests.count == 2)
            #expect(try results[Self.ids[1]]?.get().cpuAbsolute == 55)
            #expect(try results[Self.ids[0]]?.get().cpuAbsolute == 10)
            let lines = logs.captured.filter { $0.contains("fall back to polling") }
            #expect(lines.count == 1)
            #expect(lines.first?.contains("node-1") == true)
            #expect(lines.first?.contains(reason) == true)
            let status = await backend.liveStatus()
            #expect(status.fallingBack == [.init(node: "node-1", reason: reason, servers: 2)])

            await feed.emit(.resumed, to: Self.ids[1])
            await feed.emit(.resumed, to: Self.ids[2])
            _ = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests.count == 2)
            #expect(logs.captured.filter { $0.contains("stream again") }.count == 1)
        }
    }

    @Test func aStateChangeIsAnsweredAtOnceAndWakesTheMonitor() async throws {
        let backend = backend()
        let (feed, inner, wakes) = (self.feed, self.inner, self.wakes)
        try await whileRunning(backend) {
            _ = try await backend.usage(of: Self.ids)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }
            #expect(wakes.value == 0)

            await feed.emit(.state(.stopping, raw: "stopping"), to: Self.ids[0])
            #expect(wakes.value == 1)
            let results = try await backend.usage(of: [Self.ids[0]])
            #expect(try results[Self.ids[0]]?.get().state == .stopping)
            #expect(inner.usageRequests.count == 1)
        }
    }

    @Test func socketsCloseWhenTheirServersAreNoLongerWatched() async throws {
        let backend = backend(LiveStatsConfiguration(idleTimeout: .seconds(30)))
        let (feed, clock) = (self.feed, self.clock)
        try await whileRunning(backend) {
            _ = try await backend.usage(of: Self.ids)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }
            for _ in 0..<3 {
                clock.advance(by: .seconds(10))
                _ = try await backend.usage(of: [Self.ids[0]])
            }
            try await awaitEffect("two sockets closed") { await feed.waitUntilClosed([Self.ids[1], Self.ids[2]]) }
            #expect(feed.openServers == [Self.ids[0]])
            #expect(await backend.liveStatus().liveSockets == 1)
        }
    }

    @Test func theSocketCapHolds() async throws {
        let many = (1...8).map { FakePanelBackend.server($0) }
        let inner = FakePanelBackend(servers: many)
        let ids = many.map(\.id)
        let (feed, clock) = (self.feed, self.clock)
        let backend = LiveStatsBackend(
            inner: inner,
            feed: feed,
            configuration: LiveStatsConfiguration(maxSockets: 5, maxOpensPerRequest: 3),
            clock: clock,
            logger: logs.logger()
        )
        try await whileRunning(backend) {
            _ = try await backend.usage(of: ids)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(count: 3) }
            _ = try await backend.usage(of: ids)
            try await awaitEffect("five sockets") { await feed.waitUntilOpen(count: 5) }
            clock.advance(by: .seconds(10))
            _ = try await backend.usage(of: ids)
            #expect(inner.usageRequests.last == Array(ids.suffix(3)))
            #expect(feed.snapshot.mostOpen == 5)
            #expect(feed.followCount == 5)
            #expect(await backend.liveStatus().polledServers == 3)
        }
    }

    @Test func anEarlyCycleReusesARecentPollInsteadOfPollingAgain() async throws {
        let backend = backend(LiveStatsConfiguration(maxSockets: 1, pollReuse: .seconds(9)))
        let (feed, inner, clock) = (self.feed, self.inner, self.clock)
        inner.setRunning(Self.ids[2], cpu: 31, sample: 1)
        try await whileRunning(backend) {
            _ = try await backend.usage(of: Self.ids)
            try await awaitEffect("one socket") { await feed.waitUntilOpen(count: 1) }
            #expect(inner.usageRequests == [Self.ids])

            // A state change wakes the monitor 2 s later: the live server changes, the others are not asked again.
            await feed.emit(.state(.stopping, raw: "stopping"), to: Self.ids[0])
            clock.advance(by: .seconds(2))
            let early = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests.count == 1)
            #expect(try early[Self.ids[0]]?.get().state == .stopping)
            #expect(try early[Self.ids[2]]?.get().cpuAbsolute == 31)

            // The next regular cycle polls them.
            clock.advance(by: .seconds(8))
            _ = try await backend.usage(of: Self.ids)
            #expect(inner.usageRequests == [Self.ids, [Self.ids[1], Self.ids[2]]])
        }
    }

    @Test func gracefulShutdownClosesEverySocket() async throws {
        let backend = backend()
        let (feed, inner) = (self.feed, self.inner)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await backend.run() }
                _ = try await backend.usage(of: Self.ids)
                try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }
                trigger.triggerGracefulShutdown()
                try await group.next()
                #expect(feed.openServers.isEmpty)
                #expect(feed.snapshot.closed.count == 3)
                // After shutdown every server is polled and no socket opens.
                _ = try await backend.usage(of: Self.ids)
                #expect(inner.usageRequests.last == Self.ids)
                #expect(feed.followCount == 3)
            }
        }
    }

    @Test func cancellingRunClosesEverySocket() async throws {
        let backend = backend()
        let feed = self.feed
        try await whileRunning(backend) {
            _ = try await backend.usage(of: Self.ids)
            try await awaitEffect("three sockets") { await feed.waitUntilOpen(Set(Self.ids)) }
        }
        #expect(feed.openServers.isEmpty)
        #expect(feed.snapshot.closed.count == 3)
    }

    @Test func everythingElseGoesToThePanel() async throws {
        let backend = backend()
        #expect(try await backend.servers(forceRefresh: true).map(\.id) == Self.ids)
        #expect(inner.listRequests == [true])
        #expect(try await backend.serverDetails(Self.ids[0]).name == "Server 1")
        try await backend.sendPower(.restart, to: Self.ids[2])
        #expect(inner.powerSignals.map(\.1) == [Self.ids[2]])
        #expect(backend.capabilities == inner.capabilities)
    }
}
