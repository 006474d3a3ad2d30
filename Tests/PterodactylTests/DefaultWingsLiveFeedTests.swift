import ClientSupport
import Logging
import PanelCore
import Synchronization
import TestSupport
import Testing

@testable import Pterodactyl

/// The live-stats driver against a loopback Wings (FakeWings) with a manual clock: every wait is on an effect the
/// fake or the feed records; the timeouts only guard against hangs (reference §12).
@Suite struct DefaultWingsLiveFeedTests {
    static let panelURL = "https://panel.example.com"
    static let server = ServerID("a0000001")
    static let uuid = "a0000001-0000-4000-8000-000000000001"

    // MARK: - Auth, samples, states

    @Test func authThenSendStatsGivesASampleAtOnce() async throws {
        try await withFeed { harness in
            let sample = try await harness.events.next { if case .sample = $0 { true } else { false } }
            guard case .sample(let resources) = sample else { return }
            #expect(resources.state == .running)
            #expect(resources.cpuAbsolute == 12.5)
            #expect(resources.memoryBytes == 512 << 20)
            let records = harness.wings.records
            #expect(records.connections.count == 1)
            // Exactly one Origin header, the panel URL: Wings reads the first (`CheckOrigin`).
            #expect(records.upgrades.map(\.origins) == [[Self.panelURL]])
            #expect(records.upgrades.map(\.status) == [101])
            #expect(records.auths.map(\.accepted) == [true])
            #expect(records.sendStats == [1])
            #expect(harness.credentialRequests == 1)
            #expect(harness.events.all.first == .state(.running, raw: "running"))
        }
    }

    @Test func aStatusEventIsPublishedAtOnce() async throws {
        try await withFeed { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.setStatus("stopping", for: Self.uuid)
            let event = try await harness.events.next { if case .state(.stopping, _) = $0 { true } else { false } }
            #expect(event == .state(.stopping, raw: "stopping"))
            // No clock movement was needed.
            #expect(harness.clock.now.offset == .zero)
        }
    }

    @Test func samplesAreThinnedToTheSampleInterval() async throws {
        try await withFeed(sampleInterval: .seconds(10)) { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.tick()
            harness.wings.tick()
            // Frames arrive in order: once this state is out, the two stats were handled, held, and dropped (a
            // sample from before a status change would put the old state back).
            harness.wings.setStatus("starting", for: Self.uuid)
            try await harness.events.next { if case .state(.starting, _) = $0 { true } else { false } }
            #expect(harness.events.samples.count == 1)

            await harness.clock.waitForSleepers(count: 1)
            harness.clock.advance(by: .seconds(10))
            // The interval is over and nothing is held: the next frame goes out at once.
            harness.wings.setStats(FakeWingsStats(cpuAbsolute: 77), for: Self.uuid)
            harness.wings.tick()
            let next = try await harness.events.next(count: 2) { if case .sample = $0 { true } else { false } }
            guard case .sample(let newest) = next else { return }
            #expect(newest.cpuAbsolute == 77)
            #expect(harness.events.samples.count == 2)
        }
    }

    // MARK: - Tokens

    @Test func tokenExpiringFetchesNewCredentialsAndReauthsOnTheSameSocket() async throws {
        try await withFeed { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            // 59 s left on the token (fetched at 0, valid 600 s): inside Wings' warning window.
            harness.clock.advance(by: .seconds(541))
            harness.wings.sendTokenExpiring(to: Self.uuid)
            let records = try await harness.wings.waitUntil("a second auth") { $0.auths.count >= 2 }
            #expect(records.connections.count == 1)
            #expect(records.auths.map(\.connection) == [1, 1])
            #expect(records.auths.map(\.accepted) == [true, true])
            #expect(records.auths[0].token != records.auths[1].token)
            #expect(harness.credentialRequests == 2)
        }
    }

    @Test func theFirstTokenIsRenewedEarlyAtTheSocketsPhase() async throws {
        try await withFeed(firstRenewalPhase: 0.5) { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            // Half of the 555 s after which Wings warns on average: a new token, sent on the same socket.
            harness.clock.advance(by: .milliseconds(277_500))
            let records = try await harness.wings.waitUntil("a second auth") { $0.auths.count >= 2 }
            #expect(records.connections.count == 1)
            #expect(records.auths.map(\.accepted) == [true, true])
            #expect(harness.credentialRequests == 2)
        }
    }

    @Test func tokenExpiredAndJWTErrorGetAFreshToken() async throws {
        try await withFeed { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.expireToken(of: Self.uuid)
            try await harness.wings.waitUntil("re-auth after token expired") { $0.auths.count >= 2 }
            harness.wings.sendJWTError(to: Self.uuid)
            let records = try await harness.wings.waitUntil("re-auth after jwt error") { $0.auths.count >= 3 }
            #expect(Set(records.auths.map(\.token)).count == 3)
            #expect(records.auths.allSatisfy { $0.connection == 1 && $0.accepted })
            #expect(records.connections.count == 1)
            #expect(harness.credentialRequests == 3)
        }
    }

    // MARK: - Failures

    @Test func aRejectedOriginFallsBackNamingAllowedOriginsThenResumes() async throws {
        try await withFeed(origin: "https://bot.example.com") { harness in
            for attempt in 1...3 {
                try await harness.wings.waitUntil("upgrade \(attempt)") { $0.upgrades.count >= attempt }
                if attempt < 3 {
                    await harness.clock.waitForSleepers(count: 1)
                    harness.clock.advance(by: .seconds(1 << (attempt - 1)))
                }
            }
            let fellBack = try await harness.events.next { if case .fellBack = $0 { true } else { false } }
            guard case .fellBack(let reason) = fellBack else { return }
            #expect(reason.contains("allowed_origins"))
            #expect(reason.contains("403"))
            let records = harness.wings.records
            #expect(records.upgrades.map(\.status) == [403, 403, 403])
            #expect(records.upgrades.allSatisfy { $0.origins == ["https://bot.example.com"] })
            #expect(records.connections.isEmpty)
            // The token is still good: reconnects spend no panel request.
            #expect(harness.credentialRequests == 1)

            // The node's admin adds the bot's origin: the next attempt works, and after a healthy minute the
            // feed says so.
            harness.wings.configure { $0.allowedOrigins = ["https://bot.example.com"] }
            await harness.clock.waitForSleepers(count: 1)
            harness.clock.advance(by: .seconds(4))
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            #expect(harness.events.all.contains(.resumed) == false)
            await harness.clock.waitForSleepers(count: 1)
            harness.clock.advance(by: .seconds(60))
            try await harness.events.next { $0 == .resumed }
        }
    }

    @Test func aSuspendedServerClosedWith4409FallsBackSayingSo() async throws {
        let setUp: @Sendable (FakeWings) -> Void = { $0.setSuspended(true, Self.uuid) }
        // A fall-back at the first failure: with a later one, the test could move the clock past the auth
        // deadline's timer before the feed has seen the close.
        try await withFeed(failuresBeforeFallback: 1, setUp: setUp) { harness in
            let fellBack = try await harness.events.next { if case .fellBack = $0 { true } else { false } }
            guard case .fellBack(let reason) = fellBack else { return }
            #expect(reason.contains("4409"))
            #expect(reason.contains("suspended"))
            #expect(harness.wings.records.auths.count <= 1)
        }
    }

    @Test func anAbruptCloseReconnectsAfterBackoffWithTheSameToken() async throws {
        // A fall-back at the first failure tells the test the feed has seen the drop: the probe's timer is
        // already parked, so a parked sleeper alone does not say the reconnect is scheduled.
        try await withFeed(failuresBeforeFallback: 1) { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.drop(Self.uuid)
            let fellBack = try await harness.events.next { if case .fellBack = $0 { true } else { false } }
            #expect(fellBack == .fellBack(reason: "the Wings websocket closed (code 1006)"))
            await harness.clock.waitForSleepers(count: 1)
            #expect(harness.wings.records.connections.count == 1)
            harness.clock.advance(by: .seconds(1))
            let records = try await harness.wings.waitUntil("a second socket, authenticated") {
                $0.auths.contains { $0.connection == 2 }
            }
            #expect(records.connections.count == 2)
            #expect(records.auths[0].token == records.auths[1].token)
            #expect(harness.credentialRequests == 1)
            // The new socket asks for a sample at once; it is held until the sample interval ends (1 s < 10 s).
            try await harness.wings.waitUntil("send stats on the second socket") { $0.sendStats == [1, 2] }
        }
    }

    @Test func tooManySocketsOnTheServerIsAnUpgradeRefusedWith400() async throws {
        let setUp: @Sendable (FakeWings) -> Void = { $0.configure { $0.maxConnectionsPerServer = 0 } }
        try await withFeed(failuresBeforeFallback: 1, setUp: setUp) { harness in
            let event = try await harness.events.next { if case .fellBack = $0 { true } else { false } }
            #expect(event == .fellBack(reason: "Wings refused the websocket upgrade with HTTP 400"))
            #expect(harness.wings.records.upgrades.map(\.status) == [400])
        }
    }

    @Test func throttlingDoesNotCloseTheSocket() async throws {
        try await withFeed { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.throttle(Self.uuid)
            harness.wings.setStatus("stopping", for: Self.uuid)
            try await harness.events.next { if case .state(.stopping, _) = $0 { true } else { false } }
            #expect(harness.wings.records.openConnections.count == 1)
            #expect(harness.wings.records.clientCloses.isEmpty)
        }
    }

    // MARK: - Lifecycle and secrets

    @Test func cancellationClosesTheSocket() async throws {
        try await withWings { wings in try await cancellationClosesTheSocket(wings) }
    }

    func cancellationClosesTheSocket(_ wings: FakeWings) async throws {
        wings.setStatus("running", for: Self.uuid)
        let events = EventRecorder()
        let feed = DefaultWingsLiveFeed(
            panelURL: Self.panelURL + "/",
            configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)),
            clock: ManualClock(),
            logger: Logger(label: "test"),
            renewalPhase: { _ in nil },
            credentials: { server in
                WingsSocketCredentials(
                    token: WingsSocketToken("fake-wings-jwt.\(server.rawValue).1"),
                    socketURL: wings.socketURL(for: Self.uuid)
                )
            }
        )
        try await withThrowingTaskGroup { group in
            group.addTask { await feed.follow(Self.server, events: events.append) }
            try await events.next { if case .sample = $0 { true } else { false } }
            group.cancelAll()
            try await group.waitForAll()
        }
        // `follow` returned only after the close handshake: the fake answered the 1000 close before the client
        // could finish, so it is recorded already. The fake notices the TCP end a moment later.
        let records = wings.records
        #expect(records.clientCloses.map(\.connection) == [1])
        #expect(records.clientCloses.map(\.code) == [1000])
        try await wings.waitUntil("the socket's end") { $0.endedConnections == [1] }
    }

    @Test func theTokenNeverReachesTheLogs() async throws {
        let capture = LogCapture()
        try await withFeed(failuresBeforeFallback: 1, logger: capture.logger(level: .trace)) { harness in
            try await harness.events.next { if case .sample = $0 { true } else { false } }
            harness.wings.expireToken(of: Self.uuid)
            try await harness.wings.waitUntil("re-auth") { $0.auths.count >= 2 }
            harness.wings.drop(Self.uuid)
            // The fall-back shows the feed has seen the drop (as in the abrupt-close test).
            try await harness.events.next { if case .fellBack = $0 { true } else { false } }
            await harness.clock.waitForSleepers(count: 1)
            harness.clock.advance(by: .seconds(1))
            try await harness.wings.waitUntil("auth on the second socket") { $0.auths.count >= 3 }
        }
        let lines = capture.captured
        #expect(lines.contains { $0.contains("Connecting to Wings") })
        #expect(lines.contains { $0.contains("auth") })
        #expect(lines.allSatisfy { !$0.contains("fake-wings-jwt") })
    }

    @Test func credentialsFromThePanelClient() async throws {
        try await withWings { wings in try await credentialsFromThePanelClient(wings) }
    }

    func credentialsFromThePanelClient(_ wings: FakeWings) async throws {
        let server = FakePanel.Server.numbered(1)
        wings.setStatus("running", for: server.uuid)
        let clock = ManualClock()
        try await withPanel(servers: [server], clock: clock) { panel, client in
            panel.setWingsSocketBase(wings.baseURL)
            let events = EventRecorder()
            let feed = DefaultWingsLiveFeed(
                panelURL: Self.panelURL,
                configuration: WingsSocketConfiguration(sampleInterval: .seconds(10)),
                clock: clock,
                logger: Logger(label: "test"),
                renewalPhase: { _ in nil },
                credentials: { try await client.websocketCredentials(of: $0) }
            )
            try await withThrowingTaskGroup { group in
                group.addTask { await feed.follow(server.id, events: events.append) }
                try await events.next { if case .sample = $0 { true } else { false } }
                group.cancelAll()
                try await group.waitForAll()
            }
            let records = wings.records
            #expect(records.connections.map(\.server) == [server.uuid])
            #expect(records.auths.map(\.token) == ["fake-wings-jwt.\(server.id.rawValue).1"])
            #expect(panel.requests.filter { $0.path.hasSuffix("/websocket") }.count == 1)
        }
    }

    @Test func aRefusedConnectionIsClassified() async throws {
        // A port nothing listens on: bind the fake, note its port, shut it down.
        let wings = try await FakeWings.start(configuration: FakeWings.Configuration(panelURL: Self.panelURL))
        let url = wings.socketURL(for: Self.uuid)
        try await wings.shutdown()
        let events = EventRecorder()
        let clock = ManualClock()
        let feed = DefaultWingsLiveFeed(
            panelURL: Self.panelURL,
            configuration: WingsSocketConfiguration(sampleInterval: .seconds(10), failuresBeforeFallback: 1),
            clock: clock,
            logger: Logger(label: "test"),
            renewalPhase: { _ in nil },
            credentials: { _ in WingsSocketCredentials(token: WingsSocketToken("fake-wings-jwt.x.1"), socketURL: url) }
        )
        try await withThrowingTaskGroup { group in
            group.addTask { await feed.follow(Self.server, events: events.append) }
            let event = try await events.next { if case .fellBack = $0 { true } else { false } }
            guard case .fellBack(let reason) = event else { return }
            #expect(reason.contains("refused"))
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    @Test func aNodeThatSpeaksPlainHTTPToWSSFailsTheTLSHandshake() async throws {
        let reason = try await fallBackReason(
            connectingTo: { wings in "wss://" + wings.socketURL(for: Self.uuid).dropFirst("ws://".count) }
        )
        #expect(reason.hasPrefix("TLS handshake with Wings failed"), "\(reason)")
        #expect(reason.contains("Wings' ssl setting"))
    }

    @Test func anUpgradeThatIsNeverAnsweredTimesOut() async throws {
        let reason = try await fallBackReason(
            connectTimeout: .milliseconds(200),
            configure: { $0.holdsUpgrades = true },
            connectingTo: { wings in wings.socketURL(for: Self.uuid) }
        )
        #expect(reason.hasPrefix("connecting to Wings timed out"), "\(reason)")
    }

    /// Sockets started one after another get renewal phases that stay evenly spread: every tenth of the token's
    /// life holds about a tenth of them, whatever their number.
    @Test func renewalPhasesSpreadEvenlyInStartOrder() {
        let phases = WingsRenewalPhases()
        for count in [10, 137, 1000] {
            let drawn = (0..<count).map { _ in phases.next() }
            #expect(drawn.allSatisfy { (0..<1).contains($0) })
            let perTenth = Dictionary(grouping: drawn) { Int($0 * 10) }.mapValues(\.count)
            let expected = Double(count) / 10
            #expect(perTenth.values.allSatisfy { abs(Double($0) - expected) <= max(2, expected * 0.1) }, "\(perTenth)")
        }
    }

    /// A socket that may wait for the loop is counted until the loop takes it; past the limit frames are dropped,
    /// and the count of drops is handed out once.
    @Test func framesBeyondTheBacklogAreDroppedAndCounted() {
        let backlog = WingsFrameBacklog(limit: 2)
        #expect(backlog.admit())
        #expect(backlog.admit())
        #expect(!backlog.admit())
        #expect(!backlog.admit())
        backlog.taken()
        #expect(backlog.admit())
        #expect(backlog.takeDropped() == 2)
        #expect(backlog.takeDropped() == nil)
    }

    @Test func theFakeReadsTheFirstOriginAsGoDoes() async throws {
        try await withWings { wings in
            // What a client that adds its own Origin after a default one sends: Wings' `Header.Get` sees the first.
            let request = """
                GET /api/servers/\(Self.uuid)/ws HTTP/1.1\r
                Host: 127.0.0.1:\(wings.port)\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                Sec-WebSocket-Version: 13\r
                Origin: ws://127.0.0.1\r
                Origin: \(Self.panelURL)\r
                \r

                """
            let response = try await RawLoopbackClient.exchange(port: wings.port, request)
            #expect(response.hasPrefix("HTTP/1.1 403 Forbidden"))
            #expect(wings.records.upgrades.map(\.origins) == [["ws://127.0.0.1", Self.panelURL]])
        }
    }

    @Test func theConnectLimiterQueuesAndLetsCancelledWaitersGo() async throws {
        let limiter = WingsConnectLimiter(maxConcurrentConnects: 1)
        let (holding, holdingContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let order = OrderLog()
        try await withThrowingTaskGroup { group in
            group.addTask {
                try await limiter.withPermit {
                    holdingContinuation.yield()
                    for await _ in release { break }
                    order.append("first")
                }
            }
            for await _ in holding { break }
            let waiter = Task {
                try await limiter.withPermit { order.append("cancelled") }
            }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            releaseContinuation.yield()
            try await group.waitForAll()
            try await limiter.withPermit { order.append("second") }
        }
        #expect(order.entries == ["first", "second"])
    }

    // MARK: - Harness

    final class Harness: Sendable {
        let wings: FakeWings
        let clock = ManualClock()
        let events = EventRecorder()
        private let requests = Mutex(0)

        init(wings: FakeWings) {
            self.wings = wings
        }

        var credentialRequests: Int { requests.withLock { $0 } }

        func countRequest() -> Int {
            requests.withLock { count in
                count += 1
                return count
            }
        }
    }

    /// Runs `body` with a fresh FakeWings accepting ``panelURL``, shutting it down afterwards.
    /// Runs one socket against a FakeWings that fails at once (one failure falls back) and returns the reason.
    func fallBackReason(
        connectTimeout: Duration = .seconds(10),
        configure: @escaping @Sendable (inout FakeWings.Configuration) -> Void = { _ in },
        connectingTo url: (FakeWings) -> String
    ) async throws -> String {
        let wings = try await FakeWings.start(configuration: FakeWings.Configuration(panelURL: Self.panelURL))
        wings.configure(configure)
        let socketURL = url(wings)
        let events = EventRecorder()
        let feed = DefaultWingsLiveFeed(
            panelURL: Self.panelURL,
            configuration: WingsSocketConfiguration(sampleInterval: .seconds(10), failuresBeforeFallback: 1),
            transport: WingsSocketTransportConfiguration(connectTimeout: connectTimeout),
            clock: ManualClock(),
            logger: Logger(label: "test"),
            renewalPhase: { _ in nil },
            credentials: { _ in
                WingsSocketCredentials(token: WingsSocketToken("fake-wings-jwt.x.1"), socketURL: socketURL)
            }
        )
        let reason = try await withThrowingTaskGroup { group in
            group.addTask { await feed.follow(Self.server, events: events.append) }
            defer { group.cancelAll() }
            let event = try await events.next { if case .fellBack = $0 { true } else { false } }
            guard case .fellBack(let reason) = event else { return "" }
            return reason
        }
        try await wings.shutdown()
        return reason
    }

    func withWings(_ body: (FakeWings) async throws -> Void) async throws {
        let wings = try await FakeWings.start(configuration: FakeWings.Configuration(panelURL: Self.panelURL))
        do {
            try await body(wings)
        } catch {
            try? await wings.shutdown()
            throw error
        }
        try await wings.shutdown()
    }

    /// Runs one `follow` of ``server`` against a fresh FakeWings (server running) for the body, then cancels it.
    func withFeed(
        origin: String = Self.panelURL,
        sampleInterval: Duration = .seconds(10),
        failuresBeforeFallback: Int = 3,
        firstRenewalPhase: Double? = nil,
        logger: Logger = Logger(label: "test"),
        setUp: @Sendable (FakeWings) -> Void = { _ in },
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        try await withWings { wings in
            wings.setStatus("running", for: Self.uuid)
            setUp(wings)
            let settings = FeedSettings(
                origin: origin,
                sampleInterval: sampleInterval,
                failuresBeforeFallback: failuresBeforeFallback,
                firstRenewalPhase: firstRenewalPhase
            )
            try await runFeed(wings, settings, logger, body)
        }
    }

    struct FeedSettings {
        var origin: String
        var sampleInterval: Duration
        var failuresBeforeFallback: Int
        var firstRenewalPhase: Double?
    }

    private func runFeed(
        _ wings: FakeWings,
        _ settings: FeedSettings,
        _ logger: Logger,
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        let harness = Harness(wings: wings)
        let phase = settings.firstRenewalPhase
        let feed = DefaultWingsLiveFeed(
            panelURL: settings.origin,
            configuration: WingsSocketConfiguration(
                sampleInterval: settings.sampleInterval,
                failuresBeforeFallback: settings.failuresBeforeFallback
            ),
            clock: harness.clock,
            logger: logger,
            renewalPhase: { _ in phase },
            credentials: { [harness] server in
                let count = harness.countRequest()
                return WingsSocketCredentials(
                    token: WingsSocketToken("fake-wings-jwt.\(server.rawValue).\(count)"),
                    socketURL: wings.socketURL(for: Self.uuid)
                )
            }
        )
        try await withThrowingTaskGroup { group in
            group.addTask { await feed.follow(Self.server, events: harness.events.append) }
            try await body(harness)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

/// Collects a feed's events and lets a test await the n-th one matching a condition.
final class EventRecorder: Sendable {
    private struct Waiter {
        var id: Int
        var ready: @Sendable ([WingsFeedEvent]) -> WingsFeedEvent?
        var continuation: CheckedContinuation<WingsFeedEvent, any Error>
    }

    private struct State {
        var events: [WingsFeedEvent] = []
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var all: [WingsFeedEvent] { state.withLock { $0.events } }

    var samples: [ServerResources] {
        all.compactMap { if case .sample(let sample) = $0 { sample } else { nil } }
    }

    @Sendable func append(_ event: WingsFeedEvent) async {
        let ready = state.withLock { state -> [(CheckedContinuation<WingsFeedEvent, any Error>, WingsFeedEvent)] in
            state.events.append(event)
            var ready: [(CheckedContinuation<WingsFeedEvent, any Error>, WingsFeedEvent)] = []
            state.waiters.removeAll { waiter in
                guard let found = waiter.ready(state.events) else { return false }
                ready.append((waiter.continuation, found))
                return true
            }
            return ready
        }
        for (continuation, event) in ready { continuation.resume(returning: event) }
    }

    /// Waits for the `count`-th event matching `matches` (5 s failure guard).
    @discardableResult
    func next(
        count: Int = 1,
        _ matches: @escaping @Sendable (WingsFeedEvent) -> Bool
    ) async throws -> WingsFeedEvent {
        let ready: @Sendable ([WingsFeedEvent]) -> WingsFeedEvent? = { events in
            let found = events.filter(matches)
            return found.count >= count ? found[count - 1] : nil
        }
        let timedOut: @Sendable () async -> any Error = { [self] in FeedTimeout(events: all) }
        return try await withTimeout(.seconds(5), orThrow: timedOut) {
            try await self.wait(ready)
        }
    }

    private func wait(_ ready: @escaping @Sendable ([WingsFeedEvent]) -> WingsFeedEvent?) async throws
        -> WingsFeedEvent
    {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let found = state.withLock { state -> WingsFeedEvent? in
                    if let found = ready(state.events) { return found }
                    state.waiters.append(Waiter(id: id, ready: ready, continuation: continuation))
                    return nil
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}

/// Names in the order they were appended, from any task.
final class OrderLog: Sendable {
    private let names = Mutex<[String]>([])

    var entries: [String] { names.withLock { $0 } }

    func append(_ name: String) { names.withLock { $0.append(name) } }
}

struct FeedTimeout: Error, CustomStringConvertible {
    var events: [WingsFeedEvent]
    var description: String { "timed out; events so far: \(events)" }
}
