import ClientSupport
import Logging
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport
import Testing

/// Issue 21's end-to-end test on real sockets: the real panel client against FakePanel on loopback, the real Wings
/// driver (``DefaultWingsLiveFeed``) against two FakeWings nodes of 100 servers each, and ``LiveStatsBackend`` on
/// top, all on one manual clock.
///
/// The test plays Wings and the monitor: every (manual) second each authenticated socket gets one `stats` frame, as
/// Wings publishes each reading of Docker's stats stream, about one a second (reference §12; pterodactyl/wings
/// `environment/docker/stats.go`, `pollResources`), and every 10 s a cycle asks for the server list and the usage
/// of every server. Nothing sleeps: each step moves the clock and waits for an effect the fakes or the driver
/// record; the timeouts only guard against hangs.
@Suite struct LiveStatsSocketEndToEndTests {
    @Test func twoHundredServersStreamOverRealSocketsAndANodeFallsBackToPollingAndBack() async throws {
        try await withRig { rig in
            try await rig.startUp()
            try await rig.steadyMinute()
            try await rig.nodeFallsBackAndReturns()
        }
    }

    /// Sockets opened together would renew their tokens together every 10 minutes (Wings warns each 60 s before
    /// its token lapses): 200 renewals in one minute. Each socket renews its first token early, at its own phase,
    /// so renewals spread over the 10 minutes and stay there, renewal after renewal.
    @Test func tokenRenewalsAsWingsAsksForThemStayInsideTheMinuteBudget() async throws {
        // Phases spread evenly in every start-up batch, as the driver's own are.
        let phase: @Sendable (ServerID) -> Double? = { id in SocketRig.evenlySpreadPhase(of: id) }
        try await withRig(renewalPhase: phase) { rig in
            try await rig.startUp()
            try await rig.naturalRenewals()
        }
    }

    /// Runs `body` with the panel, two Wings nodes and the backend running; then stops the backend and checks that
    /// Wings saw every socket end.
    private func withRig(
        renewalPhase: @escaping @Sendable (ServerID) -> Double? = { _ in nil },
        _ body: @escaping @Sendable (SocketRig) async throws -> Void
    ) async throws {
        let clock = ManualClock()
        try await withPanel(
            servers: SocketRig.servers,
            nodes: SocketRig.nodes,
            // The start-up asks for 200 tokens and polls 200 servers at one manual instant: the client's own pacing
            // would park those requests on the manual clock. The test counts the panel's requests instead.
            configuration: PanelClientConfiguration(clientRateLimitPerMinute: 100_000, retryPolicy: .none),
            clock: clock
        ) { panel, client in
            let node1 = try await FakeWings.start(configuration: SocketRig.wingsConfiguration(panel))
            let node2: FakeWings
            do {
                node2 = try await FakeWings.start(configuration: SocketRig.wingsConfiguration(panel))
            } catch {
                try? await node1.shutdown()
                throw error
            }
            do {
                let rig = SocketRig(
                    panel: panel,
                    client: client,
                    wings: [1: node1, 2: node2],
                    clock: clock,
                    renewalPhase: renewalPhase
                )
                try await whileRunning(rig.backend) { try await body(rig) }
                // The backend's sockets closed with it: Wings sees every connection end.
                for wings in [node1, node2] {
                    try await wings.waitUntil("every socket closed") { $0.openConnections.isEmpty }
                }
            } catch {
                try? await node1.shutdown()
                try? await node2.shutdown()
                throw error
            }
            try await node1.shutdown()
            try await node2.shutdown()
        }
    }
}

// MARK: - The run

/// The pieces of one run and the steps the test takes with them.
private final class SocketRig: Sendable {
    static let perNode = 100
    static let servers: [FakePanel.Server] = (1...(2 * perNode)).map { .numbered($0, nodeID: $0 <= perNode ? 1 : 2) }
    static let ids = servers.map(\.id)
    static let nodes = [FakePanel.Node(id: 1, name: "Node 1"), FakePanel.Node(id: 2, name: "Node 2")]
    static let nodeOf = Dictionary(uniqueKeysWithValues: servers.map { ($0.id, $0.nodeID) })
    static let indexOf = Dictionary(uniqueKeysWithValues: servers.map { ($0.id, $0.internalID) })
    /// Wings' `remote`: the panel's public address. The bot reaches the panel on loopback, so the nodes list the
    /// bot's panel URL in `allowed_origins`, as behind a proxy.
    static let publicPanelURL = "https://panel.example.com"

    /// A node's Wings: `remote` is the public panel URL, `allowed_origins` holds the bot's (loopback) panel URL.
    static func wingsConfiguration(_ panel: FakePanel) -> FakeWings.Configuration {
        FakeWings.Configuration(panelURL: publicPanelURL, allowedOrigins: [panel.baseURL])
    }

    /// What Wings reports for server `index` at second `tick`: its cpu tells servers apart, its received bytes
    /// tell seconds apart, and neither matches what `/resources` answers (FakePanel's 42.5 % and 1000 bytes).
    static func stats(_ index: Int, tick: Int) -> FakeWingsStats {
        FakeWingsStats(cpuAbsolute: Double(index) + 0.25, rxBytes: 1_000_000 + tick)
    }

    static func servers(on node: Int) -> [FakePanel.Server] { servers.filter { $0.nodeID == node } }

    /// A phase for each server from the golden-ratio sequence: even across all servers and within every batch of
    /// the start-up, unlike `index / count`, which would give the last batch opened the latest renewals.
    static func evenlySpreadPhase(of id: ServerID) -> Double {
        let index = Double(indexOf[id] ?? 0)
        return (index * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
    }

    let panel: FakePanel
    let wings: [Int: FakeWings]
    let clock: ManualClock
    let backend: LiveStatsBackend<ManualClock>
    let journal = SocketJournal(nodeOf: SocketRig.nodeOf)
    let logs = LevelLogCapture()
    /// Whether sockets renew their first token early: then a few renew during the start-up.
    let spreadsRenewals: Bool
    /// Seconds of `stats` ticks so far.
    private let ticks = Mutex(0)

    init(
        panel: FakePanel,
        client: DefaultPanelClient<ManualClock>,
        wings: [Int: FakeWings],
        clock: ManualClock,
        renewalPhase: @escaping @Sendable (ServerID) -> Double? = { _ in nil }
    ) {
        self.panel = panel
        self.wings = wings
        self.clock = clock
        spreadsRenewals = renewalPhase(Self.ids[0]) != nil
        for (node, fake) in wings {
            panel.setWingsSocketBase(fake.baseURL, forNode: node)
            for server in Self.servers(on: node) {
                fake.setStatus("running", for: server.uuid)
                fake.setStats(Self.stats(server.internalID, tick: 0), for: server.uuid)
            }
        }
        let feed = DefaultWingsLiveFeed(
            panelURL: panel.baseURL,
            // The sample interval is the update interval, as `PanelBackends.make` sets it.
            configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)),
            clock: clock,
            logger: journal.logger,
            // Unless a test spreads them, renewals come only when the test plays Wings' warning.
            renewalPhase: renewalPhase,
            credentials: { try await client.websocketCredentials(of: $0) }
        )
        backend = LiveStatsBackend(
            inner: PterodactylBackend(client: client),
            feed: TappedFeed(feed: feed, journal: journal),
            clock: clock,
            logger: logs.logger()
        )
    }

    // MARK: Steps

    /// One second: the clock moves, every authenticated socket of the `streaming` nodes gets this second's `stats`
    /// frame, and the step ends once the driver has read them all. With `awaitingSamples`, a second that ends a
    /// sample interval (every socket here samples at multiples of 10 s) first waits for each streaming socket to
    /// publish the sample it held back, so which sample is published does not depend on thread timing.
    /// - Returns: The tick's number.
    @discardableResult
    func second(streaming: [Int: Int], awaitingSamples: Bool) async throws -> Int {
        let before = journal.entries
        clock.advance(by: .seconds(1))
        let now = clock.now.offset.components.seconds
        if awaitingSamples, now % 10 == 0 {
            try await journal.waitUntil("the held samples at t+\(now)s") { entries in
                streaming.allSatisfy {
                    entries.samplesByNode[$0.key, default: 0] >= before.samplesByNode[$0.key, default: 0] + $0.value
                }
            }
        }
        let tick = ticks.withLock { ticks in
            ticks += 1
            return ticks
        }
        for node in streaming.keys {
            guard let fake = wings[node] else { continue }
            for server in Self.servers(on: node) {
                fake.setStats(Self.stats(server.internalID, tick: tick), for: server.uuid)
            }
            fake.tick()
        }
        try await journal.waitUntil("the stats frames of t+\(now)s") { entries in
            streaming.allSatisfy {
                entries.statsFrames[$0.key, default: 0] >= before.statsFrames[$0.key, default: 0] + $0.value
            }
        }
        return tick
    }

    /// One monitor cycle: the list, then the usage of every server.
    /// - Returns: The answers, and the panel requests the cycle made.
    func cycle() async throws -> (
        answers: [ServerID: Result<ServerResources, PanelFailure>], requests: [FakePanel.RecordedRequest]
    ) {
        let before = panel.requestCount()
        _ = try await backend.servers(forceRefresh: false)
        let answers = try await backend.usage(of: Self.ids)
        return (answers, Array(panel.requests.dropFirst(before)))
    }

    /// The servers whose `/resources` these requests asked for.
    static func polled(_ requests: [FakePanel.RecordedRequest]) -> Set<ServerID> {
        Set(
            requests.compactMap { request -> ServerID? in
                let parts = request.path.split(separator: "/")
                guard parts.count == 5, parts[4] == "resources" else { return nil }
                return ServerID(String(parts[3]))
            }
        )
    }

    // MARK: Phases

    /// Start-up, as the monitor does it: a cycle every 10 s, each opening at most 50 sockets
    /// (``LiveStatsConfiguration/maxOpensPerRequest``), so four cycles bring all 200 live. Each socket is
    /// authenticated once, with exactly one `Origin`, the panel URL.
    func startUp() async throws {
        _ = try await backend.servers(forceRefresh: true)
        var streaming: [Int: Int] = [:]
        for batch in 0..<4 {
            if batch > 0 {
                for _ in 0..<10 { try await second(streaming: streaming, awaitingSamples: true) }
            }
            _ = try await cycle()
            let opened = Array(Self.ids[(batch * 50)..<((batch + 1) * 50)])
            // `auth`, `auth success`, `status`, then `send stats` answered at once: a sample each.
            try await journal.waitUntil("the first samples of batch \(batch + 1)") { entries in
                opened.allSatisfy { entries.samples[$0, default: 0] >= 1 }
            }
            for id in opened { streaming[Self.nodeOf[id] ?? 0, default: 0] += 1 }
        }
        let status = await backend.liveStatus()
        #expect(status.liveSockets == 200)
        #expect(status.polledServers == 0)
        for (node, fake) in wings.sorted(by: { $0.key < $1.key }) {
            let records = fake.records
            let uuids = Set(Self.servers(on: node).map(\.uuid))
            #expect(records.upgrades.count == Self.perNode)
            #expect(records.upgrades.allSatisfy { $0.status == 101 && $0.origins == [panel.baseURL] })
            #expect(Set(records.connections.map(\.server)) == uuids)
            #expect(records.connections.count == Self.perNode)
            #expect(spreadsRenewals ? records.auths.count >= Self.perNode : records.auths.count == Self.perNode)
            #expect(records.auths.allSatisfy { $0.accepted })
        }
        let tokens = panel.requests.count { $0.path.hasSuffix("/websocket") }
        #expect(spreadsRenewals ? tokens >= 200 : tokens == 200)
    }

    /// One minute of steady state: `stats` every second, a cycle every 10 s, and the token renewals a minute of 200
    /// sockets costs, staggered (a token lasts 10 minutes, `WebsocketController.php`, reference §12: 200 × 60 / 600
    /// = 20). The fake sends `token expired` for them, which costs the bot one token request, as `token expiring`
    /// does near the end of a real token's life. Live usage never touches `/resources`, and is the sample Wings
    /// sent.
    func steadyMinute() async throws {
        let full = [1: Self.perNode, 2: Self.perNode]
        let start = panel.requestCount()
        var renewed = 0
        for second in 1...60 {
            let tick = try await self.second(streaming: full, awaitingSamples: true)
            if second % 3 == 0 {
                try await renewToken(of: Self.servers[renewed * 10])
                renewed += 1
            }
            guard second % 10 == 0 else { continue }
            let (answers, requests) = try await cycle()
            #expect(Self.polled(requests).isEmpty)
            // The interval's last `stats` frame (the one before this second's, which is held for the next).
            let expected = Self.ids.filter { id in
                guard case .success(let usage) = answers[id], let index = Self.indexOf[id] else { return false }
                return usage.state == .running && usage.cpuAbsolute == Double(index) + 0.25
                    && usage.networkRxBytes == 1_000_000 + tick - 1 && usage.memoryBytes == 512 << 20
            }
            #expect(expected.count == 200, "t+\(clock.now.offset): live answers that are the fake's sample")
        }
        let window = Array(panel.requests.dropFirst(start))
        let resources = window.count { $0.path.hasSuffix("/resources") }
        let tokens = window.count { $0.path.hasSuffix("/websocket") }
        let lists = window.count { $0.path == "/api/client" }
        #expect(window.count <= 30)
        #expect(resources == 0)
        #expect(tokens == 20)
        // The rest is the list, refreshed once a minute (two pages of 100).
        #expect(lists == 2)
        #expect(window.count == tokens + lists)
        #expect(await backend.liveStatus().liveSockets == 200)
    }

    /// Twenty minutes in steps of 10 s, playing Wings' 30 s token check: `token expiring` to each socket whose
    /// token has 60 s or less left (`listeners.go`, `listenForExpiration`), approximated at the step. A token is
    /// new when its socket reads another `auth success`, so early renewals count too.
    func naturalRenewals() async throws {
        // When each server's token was fetched: the start-up opens 50 sockets per 10 s cycle.
        var fetchedAt: [String: Int64] = [:]
        for (i, server) in Self.servers.enumerated() { fetchedAt[server.uuid] = Int64((i / 50) * 10) }
        var perMinute: [Int64: Int] = [:]
        var lastCount = panel.requests.count { $0.path.hasSuffix("/websocket") }
        var authsSeen = journal.entries.authSuccesses
        // When each socket renews its first token (fetched at start-up, renewed at its phase of the 555 s after
        // which Wings warns on average). The test waits for each: an `auth` still unanswered when the manual clock
        // has moved 15 s on would count as a dead socket.
        var earlyRenewals: [String: Double] = [:]
        for (i, server) in Self.servers.enumerated() {
            earlyRenewals[server.id.rawValue] = Double((i / 50) * 10) + 555 * Self.evenlySpreadPhase(of: server.id)
        }
        while clock.now.offset < .seconds(1300) {
            let before = journal.entries
            clock.advance(by: .seconds(10))
            let now = clock.now.offset.components.seconds
            for (_, fake) in wings { fake.tick() }
            try await journal.waitUntil("frames at \(now)") { e in
                [1, 2].allSatisfy { e.statsFrames[$0, default: 0] >= before.statsFrames[$0, default: 0] + 100 }
            }
            let due = earlyRenewals.filter { $0.value <= Double(now) }.map(\.key)
            try await journal.waitUntil("the early renewals due at \(now)") { entries in
                due.allSatisfy { entries.authSuccesses[$0, default: 0] >= 2 }
            }
            for key in due { earlyRenewals[key] = nil }
            let auths = journal.entries.authSuccesses
            for server in Self.servers
            where auths[server.id.rawValue, default: 0] > authsSeen[server.id.rawValue, default: 0] {
                fetchedAt[server.uuid] = now
            }
            authsSeen = auths
            // Wings' 30 s check (`listeners.go`, `listenForExpiration`): `token expiring` once 60 s or less are
            // left; approximated at the 10 s step.
            for server in Self.servers where now - fetchedAt[server.uuid]! >= 540 {
                guard let fake = wings[server.nodeID] else { continue }
                let key = server.id.rawValue
                let answered = journal.entries.authSuccesses[key, default: 0]
                fake.sendTokenExpiring(to: server.uuid)
                try await journal.waitUntil("renewal of \(key)") { $0.authSuccesses[key, default: 0] > answered }
                fetchedAt[server.uuid] = now
                authsSeen[key] = answered + 1
            }
            _ = try await cycle()
            let count = panel.requests.count { $0.path.hasSuffix("/websocket") }
            perMinute[now / 60, default: 0] += count - lastCount
            lastCount = count
        }
        let minutes = perMinute.sorted { $0.key < $1.key }.map { "minute \($0.key): \($0.value)" }
        // Issue 21: ≤ 30 panel requests per minute in steady state (the list adds 2 a minute). 200 tokens of 600 s
        // cost 20 a minute at best; the early renewal adds one per socket over the first nine minutes.
        #expect(perMinute.values.allSatisfy { $0 <= 28 }, "token requests per minute: \(minutes)")
        #expect(perMinute.values.reduce(0, +) >= 200 * 2, "every token renewed at least twice: \(minutes)")
    }

    /// A token renewal: Wings says the token expired; the driver asks the panel for a new one and sends `auth` on
    /// the same socket. The renewal is over when the driver has read `auth success`: Wings sends it once the new
    /// token is in place, so the next `stats` frame is not refused with `jwt error`.
    private func renewToken(of server: FakePanel.Server) async throws {
        guard let fake = wings[server.nodeID] else { return }
        let key = server.id.rawValue
        let answered = journal.entries.authSuccesses[key, default: 0]
        fake.expireToken(of: server.uuid)
        try await journal.waitUntil("the renewed auth of \(server.id)") {
            $0.authSuccesses[key, default: 0] > answered
        }
    }

    /// Node 2's Wings stops accepting the bot's `Origin` and drops its sockets; the drop and two refused reconnects
    /// (after 1 s, then 2 s of back-off) make three failures, so its servers fall back to polling with one warning
    /// naming `allowed_origins`, while node 1 streams on. Then the node accepts the `Origin` again; the next retry
    /// connects, and after a healthy minute its servers stream again, with one info line, and `/resources` is no
    /// longer asked for them.
    func nodeFallsBackAndReturns() async throws {
        guard let node2 = wings[2] else { return }
        let node1Only = [1: Self.perNode]
        let node2IDs = Set(Self.servers(on: 2).map(\.id))
        let tokensBefore = panel.requests.count { $0.path.hasSuffix("/websocket") }
        let connectionsBefore = node2.records.connections.count

        node2.configure { $0.allowedOrigins = [] }
        for server in Self.servers(on: 2) { node2.drop(server.uuid) }
        // Each driver saw its socket close and waits 1 s before it reconnects.
        try await journal.waitUntil("node 2's first reconnects") { $0.reconnects[2, default: 0] >= 100 }
        #expect(journal.entries.reconnects[1, default: 0] == 0)

        try await second(streaming: node1Only, awaitingSamples: false)
        try await node2.waitUntil("100 refused upgrades") { $0.upgrades.count { $0.status == 403 } >= 100 }
        try await journal.waitUntil("node 2's second reconnects") { $0.reconnects[2, default: 0] >= 200 }
        #expect(journal.entries.fellBack[2, default: 0] == 0)

        try await second(streaming: node1Only, awaitingSamples: false)
        try await second(streaming: node1Only, awaitingSamples: false)
        // The third failure: the drivers report the fall-back, and the backend has handled each report.
        try await journal.waitUntil("node 2's fall-back") { $0.fellBack[2, default: 0] >= 100 }
        try await journal.waitUntil("node 2's third reconnects") { $0.reconnects[2, default: 0] >= 300 }
        #expect(node2.records.upgrades.count { $0.status == 403 } == 200)

        let warnings = logs.messages(at: .warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("Node 2") == true)
        #expect(warnings.first?.contains("allowed_origins") == true)
        var status = await backend.liveStatus()
        #expect(status.liveSockets == 100)
        #expect(status.polledServers == 100)
        #expect(status.fallingBack.map(\.node) == ["Node 2"])
        #expect(status.fallingBack.map(\.servers) == [100])
        #expect(status.fallingBack.first?.reason.contains("allowed_origins") == true)

        // The monitor's next cycle (early, say for an alert): node 2 is polled, node 1 answered live.
        var (answers, requests) = try await cycle()
        #expect(Self.polled(requests) == node2IDs)
        #expect(requests.count { $0.path.hasSuffix("/resources") } == 100)
        #expect(node2IDs.allSatisfy { (try? answers[$0]?.get().cpuAbsolute) == 42.5 })

        // Still refused: the next retry (4 s) fails too and waits 8 s. Reconnects reuse the held token.
        for _ in 0..<4 { try await second(streaming: node1Only, awaitingSamples: false) }
        try await node2.waitUntil("the fourth refused upgrades") { $0.upgrades.count { $0.status == 403 } >= 300 }
        try await journal.waitUntil("node 2's fourth reconnects") { $0.reconnects[2, default: 0] >= 400 }

        // The node's admin puts the bot's panel URL back into `allowed_origins`.
        node2.configure { $0.allowedOrigins = [self.panel.baseURL] }
        var streaming = node1Only
        while clock.now.offset < .seconds(120) {
            let framesBefore = journal.entries.statsFrames[2, default: 0]
            try await second(streaming: streaming, awaitingSamples: false)
            let now = clock.now.offset.components.seconds
            if now == 105 {
                // The 8 s back-off is over: every socket connects, authenticates and asks for a sample.
                let records = try await node2.waitUntil("node 2's sockets back") { records in
                    records.auths.count { $0.connection > connectionsBefore && $0.accepted } >= 100
                }
                #expect(records.connections.count == connectionsBefore + 100)
                try await journal.waitUntil("node 2's first frames back") {
                    $0.statsFrames[2, default: 0] >= framesBefore + 100
                }
                streaming[2] = Self.perNode
            }
            if now % 10 == 0 {
                (answers, requests) = try await cycle()
                #expect(Self.polled(requests).isSubset(of: node2IDs))
            }
        }
        #expect(panel.requests.count { $0.path.hasSuffix("/websocket") } == tokensBefore)
        // Connected again, but the node stays on polling until its sockets have been healthy for a minute.
        #expect(Self.polled(requests) == node2IDs)
        #expect(journal.entries.resumed[2, default: 0] == 0)

        while clock.now.offset < .seconds(170) {
            try await second(streaming: streaming, awaitingSamples: false)
            let now = clock.now.offset.components.seconds
            if now == 165 {
                // Authenticated at 105 s, healthy for `healthyAfter` (60 s): the drivers resume.
                try await journal.waitUntil("node 2's sockets healthy again") { $0.resumed[2, default: 0] >= 100 }
                let infos = logs.messages(at: .info)
                #expect(infos.count == 1)
                #expect(infos.first?.contains("Node 2") == true)
                #expect(infos.first?.contains("stream again") == true)
            } else if now % 10 == 0, now < 170 {
                (answers, requests) = try await cycle()
                #expect(Self.polled(requests) == node2IDs)
            }
        }
        // The next cycle polls nothing: both nodes stream.
        (answers, requests) = try await cycle()
        #expect(Self.polled(requests).isEmpty)
        #expect(answers.values.allSatisfy { (try? $0.get().cpuAbsolute) != 42.5 })
        status = await backend.liveStatus()
        #expect(status.liveSockets == 200)
        #expect(status.fallingBack.isEmpty)
        #expect(status.polledServers == 0)
        #expect(logs.messages(at: .warning).count == 1)
    }
}

// MARK: - Observation

/// Passes the real driver's events to the backend, then notes them in the journal: once noted, the backend has
/// handled them.
private struct TappedFeed: WingsLiveFeed {
    let feed: DefaultWingsLiveFeed<ManualClock>
    let journal: SocketJournal

    func follow(_ server: ServerID, events: @escaping @Sendable (WingsFeedEvent) async -> Void) async {
        let journal = self.journal
        await feed.follow(server) { event in
            await events(event)
            journal.received(event, from: server)
        }
    }
}

/// What the test waits on, from two places: the feed's events as the backend received them (``TappedFeed``), and
/// what the driver only logs: each `stats` frame it read (trace) and each reconnect it scheduled (debug). A
/// dropped socket's first failures show nowhere else, and the test must know its back-off has started before it
/// moves the clock.
private final class SocketJournal: Sendable {
    /// Counts, per server or per node.
    struct Entries: Sendable {
        var samples: [ServerID: Int] = [:]
        var samplesByNode: [Int: Int] = [:]
        var fellBack: [Int: Int] = [:]
        var resumed: [Int: Int] = [:]
        var statsFrames: [Int: Int] = [:]
        var reconnects: [Int: Int] = [:]
        /// `auth success` frames the driver read, per server.
        var authSuccesses: [String: Int] = [:]
    }

    private let observed = ObservedValue(Entries())
    private let nodeOf: [String: Int]

    init(nodeOf: [ServerID: Int]) {
        self.nodeOf = Dictionary(uniqueKeysWithValues: nodeOf.map { ($0.key.rawValue, $0.value) })
    }

    var entries: Entries { observed.value }

    /// A logger at trace level that notes the driver's `stats` frames and reconnects.
    var logger: Logger {
        var logger = Logger(label: "test.wings") { _ in
            ForwardingLogHandler { [self] _, message, metadata in
                logged(
                    message,
                    event: metadata["ptero.event"].map { "\($0)" },
                    server: metadata["ptero.server"].map { "\($0)" }
                )
            }
        }
        logger.logLevel = .trace
        return logger
    }

    func received(_ event: WingsFeedEvent, from server: ServerID) {
        let node = nodeOf[server.rawValue] ?? 0
        record { entries in
            switch event {
            case .sample:
                entries.samples[server, default: 0] += 1
                entries.samplesByNode[node, default: 0] += 1
            case .fellBack: entries.fellBack[node, default: 0] += 1
            case .resumed: entries.resumed[node, default: 0] += 1
            case .state: break
            }
        }
    }

    fileprivate func logged(_ message: String, event: String?, server: String?) {
        guard let server, let node = nodeOf[server] else { return }
        switch message {
        case "Wings frame" where event == "stats": record { $0.statsFrames[node, default: 0] += 1 }
        case "Wings frame" where event == "auth success": record { $0.authSuccesses[server, default: 0] += 1 }
        case "Reconnecting to Wings later": record { $0.reconnects[node, default: 0] += 1 }
        default: break
        }
    }

    /// Waits until `condition` holds (a 10 s failure guard).
    func waitUntil(_ what: String, _ condition: @escaping @Sendable (Entries) -> Bool) async throws {
        let timedOut: @Sendable () async -> any Error = { [self] in
            LiveStatsTimeout(waitingFor: "\(what); so far: \(entries)")
        }
        try await withTimeout(.seconds(10), orThrow: timedOut) { try await self.observed.wait(until: condition) }
    }

    private func record(_ change: (inout Entries) -> Void) {
        observed.update(change)
    }
}
