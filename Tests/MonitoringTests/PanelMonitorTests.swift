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

    init(watching watched: Set<ServerID>) {
        self.watched = watched
    }

    func watch(_ ids: Set<ServerID>) { watched = ids }

    func watchedServers() async -> Set<ServerID> { watched }

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
