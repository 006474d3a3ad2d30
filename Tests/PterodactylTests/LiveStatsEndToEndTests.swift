import Logging
import PanelCore
import Pterodactyl
import TestSupport
import Testing

/// Issue 21's end-to-end shape on the doubles: 200 watched servers on four nodes, cycled every 10 s by hand the way
/// the monitor does (the list, then the usage of every watched server).
///
/// Panel requests are counted as the real backend would spend them: one `/resources` request per polled server,
/// one token request per socket opened (each ``FakeWingsLiveFeed`` follow), and one token renewal per open socket
/// every 10 minutes (the token's lifetime). The server list is left out: the real client caches it.
@Suite struct LiveStatsEndToEndTests {
    static let nodes = ["node-1", "node-2", "node-3", "node-4"]
    static let servers = (1...200).map { number in
        var server = FakePanelBackend.server(number)
        server.nodeName = nodes[(number - 1) % nodes.count]
        return server
    }
    static let ids = servers.map(\.id).sorted()
    static let tokenLifetimeSeconds = 600

    static func running(sample: Int) -> ServerResources {
        ServerResources(
            state: .running,
            memoryBytes: 1 << 30,
            cpuAbsolute: 25,
            networkRxBytes: sample * 1000,
            uptimeMilliseconds: 60_000 + sample * 10_000
        )
    }

    let clock = ManualClock()
    let feed = FakeWingsLiveFeed()
    let inner = FakePanelBackend(servers: servers)
    let logs = LogCapture()
    let wakes = WakeCounter()

    /// The panel requests of one simulated minute.
    struct MinuteCost {
        var polled = 0
        var opened = 0
        var renewals = 0
        var total: Int { polled + opened + renewals }
    }

    /// One cycle: the sockets stream a sample each (Wings sends one a second; the feed thins them to the
    /// interval), then the monitor lists and asks for every server.
    func cycle(_ backend: LiveStatsBackend<ManualClock>, number: Int) async throws {
        clock.advance(by: .seconds(10))
        for id in feed.openServers.sorted() { await feed.emit(.sample(Self.running(sample: number)), to: id) }
        _ = try await backend.servers(forceRefresh: false)
        _ = try await backend.usage(of: Self.ids)
    }

    /// Six cycles: one minute.
    func minute(_ backend: LiveStatsBackend<ManualClock>, from number: Int) async throws -> MinuteCost {
        let polledBefore = inner.usageRequests.reduce(0) { $0 + $1.count }
        let openedBefore = feed.followCount
        for offset in 0..<6 { try await cycle(backend, number: number + offset) }
        return MinuteCost(
            polled: inner.usageRequests.reduce(0) { $0 + $1.count } - polledBefore,
            opened: feed.followCount - openedBefore,
            renewals: feed.openServers.count * 60 / Self.tokenLifetimeSeconds
        )
    }

    @Test func twoHundredLiveServersStayInsideTheBudgetAndANodeFailsOverToPollingAndBack() async throws {
        let wakes = self.wakes
        let backend = LiveStatsBackend(
            inner: inner,
            feed: feed,
            clock: clock,
            logger: logs.logger(level: .info),
            wake: { wakes.wake() }
        )
        feed.setOnFollow { _ in [.state(.running, raw: "running"), .sample(Self.running(sample: 0))] }
        let (feed, inner, logs) = (self.feed, self.inner, self.logs)
        try await whileRunning(backend) {
            // Start-up: 50 sockets open per cycle, so four cycles bring every server live.
            for number in 1...4 {
                try await cycle(backend, number: number)
                try await awaitEffect("\(50 * number) sockets") {
                    await feed.waitUntil { $0.follows.count == 50 * number && $0.open.count == 50 * number }
                }
            }
            #expect(wakes.value == 0)

            // Steady state: no polling, no new sockets; only token renewals.
            let steady = try await minute(backend, from: 5)
            #expect(steady.polled == 0)
            #expect(steady.opened == 0)
            #expect(steady.total <= 30)
            #expect(await backend.liveStatus().liveSockets == 200)

            // node-2's sockets fall back: its 50 servers are polled, in one call per cycle; one line says why.
            let node2 = Self.servers.filter { $0.nodeName == "node-2" }.map(\.id).sorted()
            let reason =
                "Wings refused the websocket upgrade (HTTP 403, Origin rejected): add the panel URL to "
                + "Wings' allowed_origins, or check the bot sends Origin: <panel URL>"
            for id in node2 { await feed.emit(.fellBack(reason: reason), to: id) }
            let fallingBack = try await minute(backend, from: 11)
            #expect(fallingBack.polled == 6 * 50)
            #expect(inner.usageRequests.suffix(6).allSatisfy { $0 == node2 })
            let fellBackLines = logs.captured.filter { $0.contains("fall back to polling") }
            #expect(fellBackLines.count == 1)
            #expect(fellBackLines.first?.contains("node-2") == true)
            #expect(fellBackLines.first?.contains("allowed_origins") == true)
            let status = await backend.liveStatus()
            #expect(status.liveSockets == 150)
            #expect(status.polledServers == 50)
            #expect(status.fallingBack == [.init(node: "node-2", reason: reason, servers: 50)])

            // The sockets work again: polling stops, one line says so.
            for id in node2 { await feed.emit(.resumed, to: id) }
            let resumed = try await minute(backend, from: 17)
            #expect(resumed.polled == 0)
            #expect(resumed.total <= 30)
            #expect(logs.captured.filter { $0.contains("stream again") }.count == 1)
            #expect(await backend.liveStatus().fallingBack.isEmpty)

            // A power-state change is answered at the next request, without a panel request, and wakes the
            // monitor.
            let stopped = Self.ids[7]
            await feed.emit(.state(.offline, raw: "offline"), to: stopped)
            #expect(wakes.value == 1)
            let requestsBefore = inner.usageRequests.count
            let answer = try await backend.usage(of: Self.ids)
            #expect(try answer[stopped]?.get().state == .offline)
            #expect(inner.usageRequests.count == requestsBefore)
        }
        #expect(feed.openServers.isEmpty)
    }
}
