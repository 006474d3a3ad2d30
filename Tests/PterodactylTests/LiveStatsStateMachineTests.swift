import PanelCore
import Pterodactyl
import TestSupport
import Testing

/// The live-stats decisions driven input by input: sockets opened and closed, live answers and polls, node
/// fall-back bookkeeping.
@Suite struct LiveStatsStateMachineTests {
    typealias Machine = LiveStatsStateMachine<ManualClock.Instant>

    static let ids = (1...6).map { FakePanelBackend.server($0).id }

    static func at(_ seconds: Int) -> ManualClock.Instant { ManualClock.Instant(offset: .seconds(seconds)) }

    static func running(cpu: Double, sample: Int = 1) -> ServerResources {
        ServerResources(
            state: .running,
            memoryBytes: 1 << 30,
            cpuAbsolute: cpu,
            diskBytes: 1 << 31,
            networkRxBytes: 1000 * sample,
            networkTxBytes: 500 * sample,
            uptimeMilliseconds: 60_000 + sample * 10_000
        )
    }

    static func server(_ number: Int, node: String?, listedState: ServerState? = nil) -> GameServer {
        var server = FakePanelBackend.server(number)
        server.nodeName = node
        server.listedState = listedState
        return server
    }

    /// A machine whose sockets for `ids` are open, each with a running sample received at t=0.
    static func liveMachine(
        _ ids: [ServerID],
        configuration: LiveStatsConfiguration = LiveStatsConfiguration()
    ) -> (Machine, [ServerID: Machine.Socket]) {
        var machine = Machine(configuration: configuration)
        let plan = machine.requested(ids, now: at(0))
        var sockets: [ServerID: Machine.Socket] = [:]
        for socket in plan.open {
            sockets[socket.server] = socket
            _ = machine.received(.sample(running(cpu: 10)), on: socket, now: at(0))
        }
        return (machine, sockets)
    }

    @Test func newlyWatchedServersGetASocketAndArePolledUntilTheirFirstSample() throws {
        var machine = Machine(configuration: LiveStatsConfiguration())
        let plan = machine.requested([Self.ids[0], Self.ids[1], Self.ids[0]], now: Self.at(0))
        #expect(plan.open.map(\.server) == [Self.ids[0], Self.ids[1]])
        #expect(plan.close.isEmpty)
        #expect(plan.live.isEmpty)
        #expect(plan.poll == [Self.ids[0], Self.ids[1]])

        let first = try #require(plan.open.first)
        #expect(machine.received(.sample(Self.running(cpu: 42)), on: first, now: Self.at(1)).isEmpty)
        let next = machine.requested([Self.ids[0], Self.ids[1]], now: Self.at(10))
        #expect(next.open.isEmpty)
        #expect(next.live == [Self.ids[0]: Self.running(cpu: 42)])
        #expect(next.poll == [Self.ids[1]])
    }

    @Test func theLatestSampleIsTheAnswer() {
        var (machine, sockets) = Self.liveMachine([Self.ids[0]])
        let socket = sockets[Self.ids[0]]!
        _ = machine.received(.sample(Self.running(cpu: 20, sample: 2)), on: socket, now: Self.at(5))
        _ = machine.received(.sample(Self.running(cpu: 30, sample: 3)), on: socket, now: Self.at(9))
        let plan = machine.requested([Self.ids[0]], now: Self.at(10))
        #expect(plan.live[Self.ids[0]] == Self.running(cpu: 30, sample: 3))
        #expect(plan.poll.isEmpty)
    }

    @Test func aStateEventReplacesTheStateAtOnceAndWakes() {
        var (machine, sockets) = Self.liveMachine([Self.ids[0]])
        let socket = sockets[Self.ids[0]]!

        #expect(machine.received(.state(.stopping, raw: "stopping"), on: socket, now: Self.at(3)) == [.wake])
        var answer = machine.requested([Self.ids[0]], now: Self.at(3)).live[Self.ids[0]]
        #expect(answer?.state == .stopping)
        #expect(answer?.cpuAbsolute == 10)

        // Offline zeroes the usage as Wings does (disk stays), before Wings' final sample arrives.
        #expect(machine.received(.state(.offline, raw: "offline"), on: socket, now: Self.at(4)) == [.wake])
        answer = machine.requested([Self.ids[0]], now: Self.at(4)).live[Self.ids[0]]
        #expect(answer == ServerResources(state: .offline, diskBytes: 1 << 31))

        // The same state again changes nothing.
        #expect(machine.received(.state(.offline, raw: "offline"), on: socket, now: Self.at(5)).isEmpty)
        // A sample that carries a new state wakes as well (its `status` event may have been missed).
        #expect(machine.received(.sample(Self.running(cpu: 5)), on: socket, now: Self.at(6)) == [.wake])
    }

    @Test func aNewSocketsFirstStateDoesNotWake() throws {
        var machine = Machine(configuration: LiveStatsConfiguration())
        let socket = try #require(machine.requested([Self.ids[0]], now: Self.at(0)).open.first)
        #expect(machine.received(.state(.running, raw: "running"), on: socket, now: Self.at(0)).isEmpty)
        #expect(machine.requested([Self.ids[0]], now: Self.at(1)).poll == [Self.ids[0]])
    }

    @Test func socketsOfServersNoLongerAskedForCloseAfterTheIdleTimeout() {
        let configuration = LiveStatsConfiguration(idleTimeout: .seconds(30))
        var (machine, sockets) = Self.liveMachine([Self.ids[0], Self.ids[1]], configuration: configuration)
        // Asked at t=0 only: still open at t=20 and t=29.
        #expect(machine.requested([Self.ids[0]], now: Self.at(20)).close.isEmpty)
        #expect(machine.requested([Self.ids[0]], now: Self.at(29)).close.isEmpty)
        let plan = machine.requested([Self.ids[0]], now: Self.at(30))
        #expect(plan.close == [sockets[Self.ids[1]]!])
        #expect(machine.openSockets == [sockets[Self.ids[0]]!])

        // Watched again: a new socket, whose predecessor's late events are ignored.
        let reopened = machine.requested([Self.ids[1]], now: Self.at(31))
        #expect(reopened.open.map(\.server) == [Self.ids[1]])
        #expect(reopened.open.first != sockets[Self.ids[1]])
        #expect(machine.received(.sample(Self.running(cpu: 99)), on: sockets[Self.ids[1]]!, now: Self.at(32)).isEmpty)
        #expect(machine.requested([Self.ids[1]], now: Self.at(33)).poll == [Self.ids[1]])
    }

    @Test func theCapsHold() {
        let configuration = LiveStatsConfiguration(maxSockets: 4, maxOpensPerRequest: 3)
        var machine = Machine(configuration: configuration)
        let first = machine.requested(Self.ids, now: Self.at(0))
        #expect(first.open.map(\.server) == Array(Self.ids.prefix(3)))
        #expect(first.poll == Self.ids)
        let second = machine.requested(Self.ids, now: Self.at(10))
        #expect(second.open.map(\.server) == [Self.ids[3]])
        #expect(machine.openSockets.count == 4)
        #expect(machine.requested(Self.ids, now: Self.at(20)).open.isEmpty)

        // A server that stops being watched frees its slot for the next one.
        let later = machine.requested(Array(Self.ids.dropFirst()), now: Self.at(81))
        #expect(later.close.map(\.server) == [Self.ids[0]])
        #expect(later.open.map(\.server) == [Self.ids[4]])
        #expect(machine.openSockets.count == 4)
    }

    @Test func serversTheListFixesArePolledWithoutASocket() {
        var (machine, sockets) = Self.liveMachine([Self.ids[0], Self.ids[1]])
        machine.listed([
            Self.server(1, node: "node-1", listedState: .suspended),
            Self.server(2, node: "node-1"),
            Self.server(3, node: "node-1", listedState: .installing),
        ])
        let plan = machine.requested([Self.ids[0], Self.ids[1], Self.ids[2]], now: Self.at(10))
        #expect(plan.close == [sockets[Self.ids[0]]!])
        #expect(plan.open.isEmpty)
        #expect(plan.poll == [Self.ids[0], Self.ids[2]])
        #expect(Set(plan.live.keys) == [Self.ids[1]])
    }

    @Test func aNodesFallBackIsReportedOnceAndItsServersArePolled() {
        let all = Array(Self.ids.prefix(4))
        var machine = Machine(configuration: LiveStatsConfiguration())
        machine.listed([
            Self.server(1, node: "node-a"), Self.server(2, node: "node-a"), Self.server(3, node: "node-b"),
            Self.server(4, node: nil),
        ])
        var sockets: [ServerID: Machine.Socket] = [:]
        for socket in machine.requested(all, now: Self.at(0)).open {
            sockets[socket.server] = socket
            _ = machine.received(.sample(Self.running(cpu: 10)), on: socket, now: Self.at(0))
        }
        let origin =
            "Wings refused the websocket upgrade (HTTP 403, Origin rejected): add the panel URL to Wings' "
            + "allowed_origins"
        #expect(
            machine.received(.fellBack(reason: origin), on: sockets[all[0]]!, now: Self.at(1))
                == [.nodeFellBack(node: "node-a", reason: origin)]
        )
        #expect(machine.received(.fellBack(reason: "refused"), on: sockets[all[1]]!, now: Self.at(1)).isEmpty)
        #expect(machine.requested(all, now: Self.at(2)).poll == [all[0], all[1]])
        #expect(
            machine.status(now: Self.at(2))
                == LiveStatsStatus(
                    liveSockets: 2,
                    connectingSockets: 0,
                    fallingBack: [.init(node: "node-a", reason: origin, servers: 2)],
                    polledServers: 2
                )
        )

        // The node resumes when its last socket does, with one line.
        #expect(machine.received(.resumed, on: sockets[all[0]]!, now: Self.at(70)).isEmpty)
        #expect(machine.received(.resumed, on: sockets[all[1]]!, now: Self.at(71)) == [.nodeResumed(node: "node-a")])
        #expect(machine.received(.resumed, on: sockets[all[1]]!, now: Self.at(72)).isEmpty)
        // Stay fresh: running servers stream samples.
        for id in all { _ = machine.received(.sample(Self.running(cpu: 11)), on: sockets[id]!, now: Self.at(72)) }
        #expect(machine.requested(all, now: Self.at(72)).poll.isEmpty)

        // A server without a node name falls back under the unknown node.
        #expect(
            machine.received(.fellBack(reason: "TLS"), on: sockets[all[3]]!, now: Self.at(73))
                == [.nodeFellBack(node: Machine.unknownNode, reason: "TLS")]
        )
    }

    @Test func aNodeStopsFallingBackSilentlyWhenItsServersAreNoLongerWatched() {
        var (machine, sockets) = Self.liveMachine([Self.ids[0], Self.ids[1]])
        _ = machine.received(.fellBack(reason: "refused"), on: sockets[Self.ids[0]]!, now: Self.at(1))
        #expect(machine.status(now: Self.at(1)).fallingBack.count == 1)
        _ = machine.requested([Self.ids[1]], now: Self.at(61))
        #expect(machine.status(now: Self.at(61)).fallingBack.isEmpty)
    }

    @Test func aSilentRunningServerIsPolledButASilentOfflineOneIsNot() {
        let configuration = LiveStatsConfiguration(staleAfter: .seconds(30))
        var (machine, sockets) = Self.liveMachine([Self.ids[0], Self.ids[1]], configuration: configuration)
        _ = machine.received(.sample(ServerResources(state: .offline)), on: sockets[Self.ids[1]]!, now: Self.at(0))
        // Both are asked every 10 s; neither socket says anything after t=0.
        #expect(machine.requested([Self.ids[0], Self.ids[1]], now: Self.at(30)).poll.isEmpty)
        let plan = machine.requested([Self.ids[0], Self.ids[1]], now: Self.at(31))
        #expect(plan.poll == [Self.ids[0]])
        #expect(plan.live[Self.ids[1]]?.state == .offline)
        // A state event counts as hearing from the socket.
        _ = machine.received(.state(.stopping, raw: "stopping"), on: sockets[Self.ids[0]]!, now: Self.at(32))
        #expect(machine.requested([Self.ids[0]], now: Self.at(33)).live[Self.ids[0]]?.state == .stopping)
    }

    @Test func aRecentSuccessfulPollIsAnsweredAgain() {
        var machine = Machine(configuration: LiveStatsConfiguration(maxSockets: 0, pollReuse: .seconds(9)))
        let ids = [Self.ids[0], Self.ids[1]]
        #expect(machine.requested(ids, now: Self.at(0)).poll == ids)
        machine.polled(
            [ids[0]: .success(Self.running(cpu: 12)), ids[1]: .failure(PanelFailure(.rateLimited, detail: "429"))],
            requestedAt: Self.at(0)
        )
        let early = machine.requested(ids, now: Self.at(8))
        #expect(early.recent == [ids[0]: Self.running(cpu: 12)])
        #expect(early.poll == [ids[1]])
        #expect(machine.requested(ids, now: Self.at(9)).poll == ids)
    }

    @Test func aFeedThatEndsByItselfIsReplacedAtTheNextRequest() throws {
        var (machine, sockets) = Self.liveMachine([Self.ids[0]])
        machine.socketEnded(sockets[Self.ids[0]]!)
        let plan = machine.requested([Self.ids[0]], now: Self.at(10))
        #expect(plan.open.map(\.server) == [Self.ids[0]])
        #expect(plan.poll == [Self.ids[0]])
    }

    @Test func shutDownClosesEverySocketAndLaterRequestsPollEverything() {
        var (machine, sockets) = Self.liveMachine([Self.ids[0], Self.ids[1]])
        #expect(Set(machine.shutDown()) == Set(sockets.values))
        let plan = machine.requested([Self.ids[0], Self.ids[1]], now: Self.at(10))
        #expect(plan.open.isEmpty)
        #expect(plan.live.isEmpty)
        #expect(plan.poll == [Self.ids[0], Self.ids[1]])
        #expect(machine.openSockets.isEmpty)
    }

    @Test func statusCountsConnectingLiveAndPolled() {
        var machine = Machine(configuration: LiveStatsConfiguration(maxSockets: 2))
        let plan = machine.requested(Array(Self.ids.prefix(3)), now: Self.at(0))
        _ = machine.received(.sample(Self.running(cpu: 1)), on: plan.open[0], now: Self.at(0))
        #expect(
            machine.status(now: Self.at(0))
                == LiveStatsStatus(liveSockets: 1, connectingSockets: 1, fallingBack: [], polledServers: 2)
        )
    }
}
