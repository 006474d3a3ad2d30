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

/// Records what the monitor publishes and watches a fixed set of servers.
actor RecordingConsumer: ObservationConsumer {
    private(set) var observations: [Observation] = []
    private var watched: Set<ServerID>
    private var everyServer: Bool
    private var nodes: Bool

    init(watching watched: Set<ServerID>, everyServer: Bool = false, nodes: Bool = false) {
        self.watched = watched
        self.everyServer = everyServer
        self.nodes = nodes
    }

    func watch(_ ids: Set<ServerID>) { watched = ids }

    func want(everyServer: Bool, nodes: Bool) {
        self.everyServer = everyServer
        self.nodes = nodes
    }

    func watchedServers() async -> Set<ServerID> { watched }

    var wantsEveryServer: Bool { everyServer }

    var wantsNodes: Bool { nodes }

    func consume(_ observation: Observation) async { observations.append(observation) }
}

/// The monitor driven cycle by cycle against the in-memory backend.
@Suite struct PanelMonitorTests {
    static let first = FakePanelBackend.server(1)
    static let second = FakePanelBackend.server(2)
    static let third = FakePanelBackend.server(3)

    let backend = FakePanelBackend(servers: [first, second, third])
    let logs = LogCapture()

    func monitor(watching ids: Set<ServerID>) async -> (PanelMonitor<ManualClock>, RecordingConsumer) {
        let monitor = PanelMonitor(
            backend: backend,
            updateInterval: .seconds(10),
            clock: ManualClock(),
            wallClock: { Date(timeIntervalSince1970: 1_800_000_000) },
            logger: logs.logger(level: .debug)
        )
        let consumer = RecordingConsumer(watching: ids)
        await monitor.register(consumer)
        return (monitor, consumer)
    }

    @Test func pollsOnlyWhatConsumersWatch() async throws {
        let (monitor, consumer) = await monitor(watching: [Self.first.id, Self.third.id])
        backend.setRunning(Self.first.id, cpu: 20, sample: 1)
        let observation = await monitor.cycle()
        #expect(backend.usageRequests == [[Self.first.id, Self.third.id]])
        #expect(Set(observation.servers.keys) == [Self.first.id, Self.third.id])
        #expect(observation.servers[Self.first.id]?.state == .running)
        #expect(observation.servers[Self.third.id]?.state == .offline)
        #expect(observation.origin == .cycle(1))
        #expect(await consumer.observations.count == 1)
    }

    @Test func aRepeatedAnswerIsNotANewSample() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id])
        backend.setRunning(Self.first.id, cpu: 20, sample: 1)
        #expect(await monitor.cycle().servers[Self.first.id]?.isNewSample == true)
        #expect(await monitor.cycle().servers[Self.first.id]?.isNewSample == false)
        backend.setRunning(Self.first.id, cpu: 25, sample: 2)
        #expect(await monitor.cycle().servers[Self.first.id]?.isNewSample == true)
    }

    @Test func removalIsConfirmedByTwoNotFoundAnswersAndAFreshList() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id])
        backend.setRunning(Self.first.id, cpu: 20, sample: 1)
        await monitor.cycle()
        let notFound = PanelFailure(.notFound, detail: "not found (404): The requested resource could not be found.")
        backend.fail(Self.first.id, with: notFound)

        // One answer proves nothing: the last state stays, marked stale, and the list is not fetched again.
        var observed = await monitor.cycle().servers[Self.first.id]
        #expect(observed?.state == .running)
        #expect(observed?.staleReason != nil)
        #expect(!backend.listRequests.contains(true))

        // The second asks a fresh list, which still has the server: not removed.
        observed = await monitor.cycle().servers[Self.first.id]
        #expect(backend.listRequests.contains(true))
        #expect(observed?.state == .running)

        // Gone from the list as well: removed.
        backend.setServers([Self.second, Self.third])
        observed = await monitor.cycle().servers[Self.first.id]
        #expect(observed?.state == .removed)
    }

    @Test func aLiveAnswerBetweenNotFoundAnswersStartsTheCountAgain() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id])
        let notFound = PanelFailure(.notFound, detail: "not found")
        backend.fail(Self.first.id, with: notFound)
        #expect(await monitor.cycle().servers[Self.first.id]?.state != .removed)
        backend.setRunning(Self.first.id, cpu: 10, sample: 1)
        #expect(await monitor.cycle().servers[Self.first.id]?.state == .running)
        // Gone from the list now, but the live answer in between started the count again.
        backend.setServers([Self.second])
        backend.fail(Self.first.id, with: notFound)
        #expect(await monitor.cycle().servers[Self.first.id]?.state == .running)
        #expect(await monitor.cycle().servers[Self.first.id]?.state == .removed)
    }

    @Test func aRefusedKeyKeepsTheLastValuesMarkedStale() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id])
        backend.setRunning(Self.first.id, cpu: 42, sample: 1)
        await monitor.cycle()
        backend.fail(Self.first.id, with: PanelFailure(.keyRefused, detail: "client key rejected"))
        let observed = await monitor.cycle().servers[Self.first.id]
        #expect(observed?.state == .running)
        #expect(observed?.usage?.cpuAbsolute == 42)
        #expect(observed?.staleReason == "the panel refuses the bot's key")
        #expect(logs.captured.contains { $0.contains("refuses the bot's key") })
    }

    @Test func aPanelThatIsDownIsNotAskedForEveryServer() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id, Self.second.id])
        backend.failList(with: PanelFailure(.panelUnreachable, detail: "panel unreachable: connection refused"))
        let observation = await monitor.cycle()
        #expect(backend.usageRequests.isEmpty)
        #expect(observation.servers.values.allSatisfy { $0.state == .panelUnreachable && $0.isStale })
    }

    @Test func aBusyServerShowsItsStateAsCurrent() async throws {
        let (monitor, _) = await monitor(watching: [Self.first.id])
        backend.fail(Self.first.id, with: PanelFailure(.serverBusy(.suspended), detail: "suspended"))
        let observed = await monitor.cycle().servers[Self.first.id]
        #expect(observed?.state == .suspended)
        #expect(observed?.isStale == false)
    }

    @Test func onDemandPollsArePublishedAsSuch() async throws {
        let (monitor, consumer) = await monitor(watching: [])
        backend.setRunning(Self.second.id, cpu: 5, sample: 1)
        let observed = await monitor.observe([Self.second.id])
        #expect(observed[Self.second.id]?.state == .running)
        #expect(await consumer.observations.map(\.origin) == [.onDemand])
        #expect(await monitor.lastKnown[Self.second.id]?.state == .running)
    }

    @Test func serversNoLongerWatchedAreForgotten() async throws {
        let (monitor, consumer) = await monitor(watching: [Self.first.id])
        await monitor.cycle()
        #expect(await monitor.lastKnown[Self.first.id] != nil)
        await consumer.watch([])
        await monitor.cycle()
        #expect(await monitor.lastKnown.isEmpty)
    }
}

/// While the panel is down, each cycle asks it about one server only, and the recovery is logged once.
@Suite struct PanelOutageTests {
    let backend = FakePanelBackend(servers: (1...4).map { FakePanelBackend.server($0) })
    let logs = LogCapture()

    @Test func anOutageIsProbedWithOneRequestPerCycleThenRecovers() async throws {
        let ids = (1...4).map { FakePanelBackend.server($0).id }
        let wallClock = ManualWallClock()
        let monitor = PanelMonitor(
            backend: backend,
            updateInterval: .seconds(10),
            clock: ManualClock(),
            wallClock: { wallClock.now },
            logger: logs.logger(level: .info)
        )
        await monitor.register(RecordingConsumer(watching: Set(ids)))
        let refused = PanelFailure(.panelUnreachable, detail: "panel unreachable: connection refused")
        for id in ids { backend.fail(id, with: refused) }

        await monitor.cycle()
        #expect(backend.usageRequests.last == ids)
        for _ in 0..<3 {
            wallClock.advance(bySeconds: 10)
            let observation = await monitor.cycle()
            #expect(backend.usageRequests.last == [ids[0]])
            #expect(observation.panelRequests == 1)
            #expect(observation.servers.values.allSatisfy { $0.state == .panelUnreachable })
        }

        for id in ids { backend.setRunning(id, cpu: 5, sample: 1) }
        wallClock.advance(bySeconds: 10)
        let observation = await monitor.cycle()
        #expect(backend.usageRequests.suffix(2) == [[ids[0]], Array(ids.dropFirst())])
        #expect(observation.servers.values.allSatisfy { $0.state == .running })
        #expect(logs.captured.filter { $0.contains("the panel is unreachable") }.count == 1)
        #expect(logs.captured.filter { $0.contains("answers again after an outage of 0 min 40 s") }.count == 1)
        await monitor.cycle()
        #expect(backend.usageRequests.last == ids)
    }
}

/// A wall clock a test moves by hand.
final class ManualWallClock: Sendable {
    private let seconds = Mutex<Double>(0)

    var now: Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds.withLock { $0 }) }

    func advance(bySeconds delta: Double) { seconds.withLock { $0 += delta } }
}

/// Every listed server, nodes once per refresh interval, and the activity log passed through.
@Suite struct PanelMonitorWantsTests {
    static let servers = (1...3).map { FakePanelBackend.server($0) }
    static let node = PanelNodeSummary(
        id: "1",
        name: "node-1",
        memoryCapacityMiB: 32_768,
        memoryAllocatedMiB: 12_288,
        diskCapacityMiB: nil,
        diskAllocatedMiB: 30_720,
        location: "de-fra"
    )
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    let clock = ManualClock()
    let logs = LogCapture()

    func monitor(_ backend: FakePanelBackend, _ consumers: RecordingConsumer...) async -> PanelMonitor<ManualClock> {
        let clock = self.clock
        let monitor = PanelMonitor(
            backend: backend,
            updateInterval: .seconds(10),
            nodeRefreshInterval: .seconds(60),
            clock: clock,
            wallClock: { Self.start.addingTimeInterval(Double(clock.now.offset.components.seconds)) },
            logger: logs.logger(level: .debug)
        )
        for consumer in consumers { await monitor.register(consumer) }
        return monitor
    }

    @Test func everyListedServerIsPolledWhenAConsumerWantsIt() async throws {
        let backend = FakePanelBackend(servers: Self.servers)
        let ids = Self.servers.map(\.id)
        let statusMessages = RecordingConsumer(watching: [ids[0]])
        let alerts = RecordingConsumer(watching: [], everyServer: true)
        let monitor = await monitor(backend, statusMessages, alerts)
        let observation = await monitor.cycle()
        #expect(backend.usageRequests == [ids])
        #expect(Set(observation.servers.keys) == Set(ids))
        #expect(await monitor.lastKnown.count == 3)

        // A server the panel lists from now on is polled in the same cycle.
        let fourth = FakePanelBackend.server(4)
        backend.setServers(Self.servers + [fourth])
        await monitor.cycle()
        #expect(backend.usageRequests.last == ids + [fourth.id])

        // A failed list stands in with the last one.
        backend.failList(with: PanelFailure(.rateLimited, detail: "client API rate limit reached"))
        await monitor.cycle()
        #expect(backend.usageRequests.last == ids + [fourth.id])
        backend.failList(with: nil)

        // Nobody wants every server: only the watched one, and the rest are forgotten.
        await alerts.want(everyServer: false, nodes: false)
        await monitor.cycle()
        #expect(backend.usageRequests.last == [ids[0]])
        #expect(await Set(monitor.lastKnown.keys) == [ids[0]])
    }

    @Test func nodesAreFetchedAtMostOncePerRefreshInterval() async throws {
        let backend = FakePanelBackend(servers: Self.servers, nodes: [Self.node])
        let board = RecordingConsumer(watching: [], nodes: true)
        let monitor = await monitor(backend, board)

        let first = await monitor.cycle()
        #expect(backend.nodeRequests == 1)
        #expect(first.nodes == NodeListing(nodes: [Self.node], fetchedAt: Self.start))

        clock.advance(by: .seconds(59))
        let second = await monitor.cycle()
        #expect(backend.nodeRequests == 1)
        #expect(second.nodes == first.nodes)
        // On-demand polls carry the listing as well, without fetching it.
        _ = await monitor.observe([Self.servers[0].id])
        #expect(await board.observations.last?.nodes == first.nodes)
        #expect(backend.nodeRequests == 1)

        clock.advance(by: .seconds(1))
        let third = await monitor.cycle()
        #expect(backend.nodeRequests == 2)
        #expect(third.nodes?.fetchedAt == Self.start.addingTimeInterval(60))
    }

    @Test func aFailedNodeFetchKeepsTheLastListingMarkedWithTheFailure() async throws {
        let backend = FakePanelBackend(servers: Self.servers, nodes: [Self.node])
        let monitor = await monitor(backend, RecordingConsumer(watching: [], nodes: true))
        await monitor.cycle()

        let refused = PanelFailure(.keyRefused, detail: "no application key configured")
        backend.failNodes(with: refused)
        clock.advance(by: .seconds(60))
        let failed = await monitor.cycle().nodes
        #expect(failed == NodeListing(nodes: [Self.node], fetchedAt: Self.start, failure: refused))
        #expect(failed?.isStale == true)
        #expect(logs.captured.filter { $0.contains("nodes could not be listed") }.count == 1)

        // A failure is retried after the interval too, not every cycle.
        clock.advance(by: .seconds(10))
        await monitor.cycle()
        #expect(backend.nodeRequests == 2)

        backend.failNodes(with: nil)
        clock.advance(by: .seconds(50))
        let recovered = await monitor.cycle().nodes
        #expect(recovered == NodeListing(nodes: [Self.node], fetchedAt: Self.start.addingTimeInterval(120)))
        #expect(backend.nodeRequests == 3)
    }

    @Test func nodesAreNotFetchedWhenNobodyWantsThemOrTheBackendHasNone() async throws {
        let backend = FakePanelBackend(servers: Self.servers, nodes: [Self.node])
        let consumer = RecordingConsumer(watching: [Self.servers[0].id])
        let monitor = await monitor(backend, consumer)
        #expect(await monitor.cycle().nodes == nil)
        #expect(backend.nodeRequests == 0)

        // Wanted, but this backend lists no nodes.
        backend.setNodes(nil)
        await consumer.want(everyServer: false, nodes: true)
        clock.advance(by: .seconds(60))
        #expect(await monitor.cycle().nodes == nil)
        #expect(backend.nodeRequests == 0)
    }

    @Test func powerActivityPassesThroughToTheBackend() async throws {
        let backend = FakePanelBackend(servers: Self.servers)
        let monitor = await monitor(backend, RecordingConsumer(watching: []))
        let id = Self.servers[0].id
        let stop = PowerActivity(signal: .stop, event: "server:power.stop", loggedAt: Self.start)
        let old = PowerActivity(
            signal: .start,
            event: "server:power.start",
            loggedAt: Self.start.addingTimeInterval(-600)
        )
        backend.addPowerActivity(old, for: id)
        backend.addPowerActivity(stop, for: id)
        let entries = try await monitor.powerActivity(of: id, since: Self.start.addingTimeInterval(-60))
        #expect(entries == [stop])
        #expect(backend.activityRequests.map(\.0) == [id])

        backend.failPowerActivity(with: PanelFailure(.keyRefused, detail: "needs activity.read"))
        let failure = await #expect(throws: PanelFailure.self) {
            _ = try await monitor.powerActivity(of: id, since: Self.start)
        }
        #expect(failure?.kind == .keyRefused)
    }

    @Test func aSentSignalIsLoggedByTheBackendDoubleWhenItHasAClock() async throws {
        let backend = FakePanelBackend(servers: Self.servers, wallClock: { Self.start })
        try await backend.sendPower(.kill, to: Self.servers[1].id)
        let entries = try await backend.powerActivity(of: Self.servers[1].id, since: Self.start)
        #expect(entries.map(\.signal) == [.kill])
    }
}
