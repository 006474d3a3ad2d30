import AsyncHTTPClient
import ClientSupport
import Logging
import Monitoring
import NIOCore
import NIOPosix
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Issue 21's figures for live stats over Wings websockets: 1,000 servers on four nodes, the fake panel and the fake
/// Wings on loopback, the real client, backend, socket driver and live-stats decorator, the real monitor (10 s
/// cycles, early cycles on a state change) with one consumer that watches every server (as alerts do), all on the
/// continuous clock.
///
/// Phases: the sockets open (usage asked every 250 ms until every server is live); a 60 s steady window with Wings
/// pushing stats to every socket once a second and each token lapsing once per 10 minutes, staggered (panel
/// requests, CPU, RSS); 15 s without stats (the bot's own idle cost with the sockets open); 50 power-state changes
/// (how fast each reaches the backend and the monitor), then a 12 s tail so held samples flush.
///
/// The fakes run in this process: the CPU and RSS figures include them. To split the CPU, the bot's Wings sockets
/// get their own event loops (two threads, as many as the shared singleton has here), the fakes keep NIO's
/// singleton, and the fake's frame building in `tick()` is timed on its thread; each thread's CPU comes from
/// `/proc/self/task`. RSS cannot be split.
/// - Returns: The figures.
/// - Throws: When a fake cannot start, or the sockets do not all go live.
func liveStatsBenchmarks() async throws -> [BenchFigure] {
    let fleet = (1...LiveBench.servers).map { FakePanel.Server.numbered($0, nodeID: ($0 - 1) % 4 + 1) }
    let nodes = (1...4).map { FakePanel.Node(id: $0, name: "node-\($0)") }
    let rssAtStart = residentBytes()
    let panel = try await FakePanel.start(servers: fleet, nodes: nodes, rateLimits: .unlimited)
    let wings: FakeWings
    do {
        wings = try await FakeWings.start(configuration: FakeWings.Configuration(panelURL: panel.baseURL))
    } catch {
        try? await panel.shutdown()
        throw error
    }
    panel.setWingsSocketBase(wings.baseURL)
    for server in fleet { wings.setStatus("running", for: server.uuid) }
    let fakes = Fakes(panel: panel, wings: wings, fleet: fleet, rssAtStart: rssAtStart)
    let figures: [BenchFigure]
    do {
        figures = try await withPanelHTTPClient { http in try await measure(fakes, http: http) }
    } catch {
        try? await wings.shutdown()
        try? await panel.shutdown()
        throw error
    }
    try await wings.shutdown()
    try await panel.shutdown()
    return figures
}

// MARK: - Setup

private enum LiveBench {
    static let servers = 1000
    static let interval = Duration.seconds(10)
    static let steadyWindow = Duration.seconds(60)
    static let quietWindow = Duration.seconds(15)
    static let changes = 50
    /// The panel's token lifetime (`NodeJWTService.php`): each socket costs one token request per this long.
    static let tokenLifetimeSeconds = 600.0
    static let logger = Logger(label: "bench.live-stats") { _ in SwiftLogNoOpLogHandler() }
}

private struct Fakes {
    var panel: FakePanel
    var wings: FakeWings
    var fleet: [FakePanel.Server]
    var rssAtStart: Int
}

private enum LiveStatsBenchError: Error, CustomStringConvertible {
    case timedOut(String)

    var description: String {
        switch self {
        case .timedOut(let what): "live-stats bench: timed out waiting for \(what)"
        }
    }
}

/// Builds the bot's side as `PanelBackends.make` does for `LiveStats = on` (sample interval = update interval,
/// idle timeout 3 intervals, poll reuse interval - 1 s), runs it and the monitor, and measures.
private func measure(_ fakes: Fakes, http: HTTPClient) async throws -> [BenchFigure] {
    // Threads named NIO-ELT-…, apart from the fakes' NIO-SGLTN-… ones.
    let botLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    do {
        let figures = try await measure(fakes, http: http, botLoops: botLoops)
        try await botLoops.shutdownGracefully()
        return figures
    } catch {
        try? await botLoops.shutdownGracefully()
        throw error
    }
}

private func measure(
    _ fakes: Fakes,
    http: HTTPClient,
    botLoops: MultiThreadedEventLoopGroup
) async throws -> [BenchFigure] {
    let client = DefaultPanelClient(
        httpClient: http,
        baseURL: fakes.panel.baseURL,
        clientKey: fakes.panel.clientKey,
        // The start-up poll of 1,000 servers would wait for the 720/min budget; the bench counts requests instead.
        configuration: PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000),
        logger: LiveBench.logger
    )
    let feed = DefaultWingsLiveFeed(
        panelURL: fakes.panel.baseURL,
        configuration: WingsSocketConfiguration(sampleInterval: LiveBench.interval),
        transport: WingsSocketTransportConfiguration(eventLoopGroup: botLoops),
        clock: ContinuousClock(),
        logger: LiveBench.logger,
        credentials: { try await client.websocketCredentials(of: $0) }
    )
    let cycleRequests = CycleRequests()
    let wakes = WakeLog()
    let backend = LiveStatsBackend(
        inner: PterodactylBackend(client: client),
        feed: feed,
        configuration: LiveStatsConfiguration(
            idleTimeout: LiveBench.interval * 3,
            pollReuse: LiveBench.interval - .seconds(1)
        ),
        clock: ContinuousClock(),
        logger: LiveBench.logger,
        wake: {
            wakes.record()
            cycleRequests.request()
        }
    )
    let watcher = StateWatcher(ids: Set(fakes.fleet.map(\.id)))
    let monitor = PanelMonitor(
        backend: backend,
        updateInterval: LiveBench.interval,
        clock: ContinuousClock(),
        logger: LiveBench.logger,
        cycleRequests: cycleRequests
    )
    await monitor.register(watcher)
    let ticker = WingsTicker(wings: fakes.wings)
    let rssBeforeSockets = residentBytes()

    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await backend.run() }
        group.addTask { await ticker.run() }
        let rampUp = try await openEverySocket(backend, fakes: fakes)
        group.addTask { try await monitor.run() }
        try await Task.sleep(for: .seconds(3))

        ticker.setEnabled(true)
        try await Task.sleep(for: .seconds(2))
        var figures = try await steadyWindow(
            backend,
            fakes: fakes,
            ticker: ticker,
            rss: (fakes.rssAtStart, rssBeforeSockets),
            rampUp: rampUp
        )
        ticker.setEnabled(false)
        figures.append(try await quietWindow(backend))
        ticker.setEnabled(true)
        figures += try await stateChanges(backend, fakes: fakes, wakes: wakes, watcher: watcher)

        group.cancelAll()
        while true {
            do {
                guard try await group.next() != nil else { break }
            } catch {
                continue  // cancellation ends the services with CancellationError
            }
        }
        return figures
    }
}

/// Asks for every server every 250 ms (each request opens at most 50 sockets) until all are live.
private func openEverySocket(_ backend: LiveStatsBackend<ContinuousClock>, fakes: Fakes) async throws -> Duration {
    let clock = ContinuousClock()
    let ids = fakes.fleet.map(\.id)
    let start = clock.now
    _ = try await backend.servers(forceRefresh: true)
    while await backend.liveStatus().liveSockets < ids.count {
        guard start.duration(to: clock.now) < .seconds(90) else {
            let status = await backend.liveStatus()
            throw LiveStatsBenchError.timedOut("every socket live (\(status))")
        }
        _ = try await backend.usage(of: ids)
        try await Task.sleep(for: .milliseconds(250))
    }
    return start.duration(to: clock.now)
}

// MARK: - Steady state

/// Panel requests, CPU and RSS over the steady window. Token renewals are exercised, not assumed: every socket's
/// token lapses once per 10 minutes, spread evenly (`token expired` from the fake, which costs the bot one token
/// request, as `token expiring` does in production), so the window sees 1,000 × 60 / 600 = 100 of them.
private func steadyWindow(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: Fakes,
    ticker: WingsTicker,
    rss: (atStart: Int, beforeSockets: Int),
    rampUp: Duration
) async throws -> [BenchFigure] {
    let clock = ContinuousClock()
    let connectionsBefore = fakes.wings.records.connections.count
    fakes.panel.resetCounters()
    _ = ticker.takeCounters()
    let cpuBefore = processCPUSeconds()
    let fakeLoopsBefore = threadsCPUSeconds(namePrefix: "NIO-SGLTN-")
    let botLoopsBefore = threadsCPUSeconds(namePrefix: "NIO-ELT-")
    let start = clock.now
    var renewed = 0
    while start.duration(to: clock.now) < LiveBench.steadyWindow {
        let due = Int(
            seconds(start.duration(to: clock.now)) * Double(LiveBench.servers) / LiveBench.tokenLifetimeSeconds
        )
        while renewed < due {
            fakes.wings.expireToken(of: fakes.fleet[renewed % fakes.fleet.count].uuid)
            renewed += 1
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    let wall = seconds(start.duration(to: clock.now))
    let cpu = processCPUSeconds() - cpuBefore
    let fakeLoops = threadsCPUSeconds(namePrefix: "NIO-SGLTN-") - fakeLoopsBefore
    let botLoops = threadsCPUSeconds(namePrefix: "NIO-ELT-") - botLoopsBefore
    let (ticks, tickCPU) = ticker.takeCounters()
    let rssNow = residentBytes()
    let requests = fakes.panel.requests
    let status = await backend.liveStatus()
    let records = fakes.wings.records

    let tokens = requests.count { $0.path.hasSuffix("/websocket") }
    let resources = requests.count { $0.path.hasSuffix("/resources") }
    let perMinute = Double(requests.count) * 60 / wall
    let withoutRenewals = Double(requests.count - tokens) * 60 / wall
    let renewalsAssumed = Double(LiveBench.servers) * 60 / LiveBench.tokenLifetimeSeconds
    let context = [
        "servers": "\(LiveBench.servers)",
        "nodes": "4",
        "update_interval": "10 s",
        "window_s": format(wall),
        "live_sockets_after": "\(status.liveSockets)",
        "polled_servers_after": "\(status.polledServers)",
        "nodes_falling_back": "\(status.fallingBack.count)",
        "wings_connections_in_window": "\(records.connections.count - connectionsBefore)",
        "ramp_up_s": format(seconds(rampUp)),
    ]
    let tickPercent = tickCPU / wall * 100
    return [
        BenchFigure(
            name: "live_stats.panel_requests_per_minute",
            value: perMinute,
            unit: "requests/min",
            context: context.merging([
                "goal": "<= 120",
                "token_requests": "\(tokens)",
                "resources_requests": "\(resources)",
                "other_requests (server list pages)": "\(requests.count - tokens - resources)",
                "renewals_exercised": "\(renewed)",
                "renewals": "exercised: each token lapses once per 600 s, staggered (fake sends token expired)",
                "computed_instead": format(withoutRenewals + renewalsAssumed)
                    + " (non-token requests/min + 1,000 sockets x 60/600)",
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.cpu_with_stats_every_second.percent_of_core",
            value: cpu / wall * 100,
            unit: "%",
            context: context.merging([
                "goal": "<= 5",
                "includes": "the fake Wings and fake panel (same process)",
                "fake_tick_frame_building_percent": format(tickPercent),
                "minus_fake_frame_building_percent": format((cpu - tickCPU) / wall * 100)
                    + " (still includes the fake's socket writes)",
                "ticks": "\(ticks)",
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.cpu_bot_share_with_stats_every_second.percent_of_core",
            value: (cpu - fakeLoops - tickCPU) / wall * 100,
            unit: "%",
            context: context.merging([
                "goal": "<= 5",
                "how": "process CPU - singleton NIO threads (fakes) - fake tick frame building, over the window",
                "bot_socket_event_loops_percent": format(botLoops / wall * 100),
                "singleton_event_loops_percent": format(fakeLoops / wall * 100)
                    + " (fake Wings and panel; also the bot's HTTP client, ~110 requests/min)",
                "cooperative_pool_and_rest_percent": format((cpu - fakeLoops - botLoops - tickCPU) / wall * 100)
                    + " (bot tasks; also the fake panel's handlers)",
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.rss_with_1000_sockets.mib",
            value: mebibytes(rssNow),
            unit: "MiB",
            context: context.merging([
                "goal": "<= 80",
                "includes": "the fakes (1,000 server-side sockets, their records) and the HTTP client",
                "rss_at_start_mib": format(mebibytes(rss.atStart)),
                "rss_fakes_started_no_sockets_mib": format(mebibytes(rss.beforeSockets)),
                "delta_for_sockets_mib": format(mebibytes(rssNow - rss.beforeSockets)),
            ]) { $1 }
        ),
    ]
}

/// CPU with the sockets open but no stats pushed: the bot's idle cost (monitor cycles, timers), without the fake's
/// ticks.
private func quietWindow(_ backend: LiveStatsBackend<ContinuousClock>) async throws -> BenchFigure {
    let clock = ContinuousClock()
    // Let the last tick's frames drain.
    try await Task.sleep(for: .seconds(1))
    let cpuBefore = processCPUSeconds()
    let start = clock.now
    try await Task.sleep(for: LiveBench.quietWindow)
    let wall = seconds(start.duration(to: clock.now))
    let cpu = processCPUSeconds() - cpuBefore
    let status = await backend.liveStatus()
    return BenchFigure(
        name: "live_stats.cpu_sockets_open_no_stats.percent_of_core",
        value: cpu / wall * 100,
        unit: "%",
        context: [
            "window_s": format(wall),
            "live_sockets": "\(status.liveSockets)",
            "note": "1,000 open sockets, monitor cycling, Wings silent: the bot's floor (fakes idle)",
        ]
    )
}

// MARK: - State changes

/// Stops 50 servers one at a time (0.3 to 1.2 s apart, so changes land anywhere in the monitor's 1 s early-cycle
/// spacing) and times: `setStatus` → `usage(of:)` answers offline (asked every millisecond); → the wake closure;
/// → the monitor publishes an observation with the server offline. Then watches 12 s more for reversions.
private func stateChanges(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: Fakes,
    wakes: WakeLog,
    watcher: StateWatcher
) async throws -> [BenchFigure] {
    let clock = ContinuousClock()
    let wakesBefore = wakes.count
    var toBackend: [Duration] = []
    var toWake: [Duration] = []
    var toMonitor: [Duration] = []
    var changed: [ServerID] = []
    for index in 0..<LiveBench.changes {
        let server = fakes.fleet[(index * 20 + 7) % fakes.fleet.count]
        try await Task.sleep(for: .milliseconds(300 + 100 * (index % 10)))
        let wakeMark = wakes.count
        let start = clock.now
        fakes.wings.setStatus("offline", for: server.uuid)
        while true {
            let answer = try await backend.usage(of: [server.id])
            if case .success(let resources)? = answer[server.id], resources.state == .offline { break }
            guard start.duration(to: clock.now) < .seconds(15) else {
                throw LiveStatsBenchError.timedOut("\(server.id) offline in usage(of:)")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        toBackend.append(start.duration(to: clock.now))
        if let woke = try await wakes.first(after: wakeMark, timeout: .seconds(15)) {
            toWake.append(start.duration(to: woke))
        }
        let observed = try await watcher.firstChange(of: server.id, to: .offline, timeout: .seconds(15))
        toMonitor.append(start.duration(to: observed))
        changed.append(server.id)
    }
    try await Task.sleep(for: .seconds(12))
    let reverted = changed.count { watcher.changes(of: $0).count > 1 }
    let extraWakes = wakes.count - wakesBefore - LiveBench.changes
    let context = [
        "changes": "\(LiveBench.changes)",
        "servers": "\(LiveBench.servers)",
        "stats": "every second to every socket",
        "servers_whose_monitor_state_reverted_later": "\(reverted)",
        "wakes_beyond_one_per_change": "\(extraWakes)",
    ]
    return [
        BenchFigure(
            name: "live_stats.state_change_to_backend.median_ms",
            value: Measure.medianMilliseconds(toBackend),
            unit: "ms",
            context: context.merging(["p90_ms": percentileMilliseconds(toBackend, 0.9), "goal": "<= 2000"]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.state_change_to_wake.median_ms",
            value: Measure.medianMilliseconds(toWake),
            unit: "ms",
            context: context.merging([
                "p90_ms": percentileMilliseconds(toWake, 0.9),
                "note": "first wake after setStatus (the wake carries no server)",
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.state_change_to_monitor.median_ms",
            value: Measure.medianMilliseconds(toMonitor),
            unit: "ms",
            context: context.merging([
                "p90_ms": percentileMilliseconds(toMonitor, 0.9),
                "max_ms": format(Measure.medianMilliseconds([toMonitor.max() ?? .zero])),
                "goal": "<= 2000 (polling: >= 10000)",
                "path": "socket -> backend -> wake -> early cycle (>= 1 s after the last) -> consumer",
            ]) { $1 }
        ),
    ]
}

// MARK: - Helpers

/// Pushes `stats` to every socket once a second while enabled, timing the fake's frame building on its thread.
private final class WingsTicker: Sendable {
    private struct State {
        var enabled = false
        var ticks = 0
        var cpu = 0.0
    }

    private let wings: FakeWings
    private let state = Mutex(State())

    init(wings: FakeWings) {
        self.wings = wings
    }

    func setEnabled(_ enabled: Bool) {
        state.withLock { $0.enabled = enabled }
    }

    /// Ticks and thread CPU seconds since the last call.
    func takeCounters() -> (ticks: Int, cpu: Double) {
        state.withLock { state in
            defer {
                state.ticks = 0
                state.cpu = 0
            }
            return (state.ticks, state.cpu)
        }
    }

    func run() async {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            next = next.advanced(by: .seconds(1))
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return
            }
            guard state.withLock({ $0.enabled }) else { continue }
            let before = threadCPUSeconds()
            wings.tick()
            let used = threadCPUSeconds() - before
            state.withLock { state in
                state.ticks += 1
                state.cpu += used
            }
        }
    }
}

/// When the live-stats wake closure fired.
private final class WakeLog: Sendable {
    private let instants = Mutex<[ContinuousClock.Instant]>([])

    var count: Int { instants.withLock { $0.count } }

    func record() {
        let now = ContinuousClock.now
        instants.withLock { $0.append(now) }
    }

    /// The first wake after the first `mark` ones, waiting for it up to `timeout`; nil if none came.
    func first(after mark: Int, timeout: Duration) async throws -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let found = instants.withLock({ $0.count > mark ? $0[mark] : nil }) { return found }
            try await Task.sleep(for: .milliseconds(1))
        }
        return nil
    }
}

/// A consumer that watches every server (as alerts do) and notes when each server's observed state changes.
private final class StateWatcher: ObservationConsumer {
    private struct State {
        var states: [ServerID: ServerState] = [:]
        var changes: [ServerID: [(state: ServerState, at: ContinuousClock.Instant)]] = [:]
    }

    private let ids: Set<ServerID>
    private let state = Mutex(State())

    init(ids: Set<ServerID>) {
        self.ids = ids
    }

    func watchedServers() async -> Set<ServerID> { ids }

    var wantsEveryServer: Bool { get async { true } }

    func consume(_ observation: Observation) async {
        let now = ContinuousClock.now
        state.withLock { state in
            for (id, server) in observation.servers where state.states[id] != server.state {
                if state.states[id] != nil { state.changes[id, default: []].append((server.state, now)) }
                state.states[id] = server.state
            }
        }
    }

    func changes(of id: ServerID) -> [(state: ServerState, at: ContinuousClock.Instant)] {
        state.withLock { $0.changes[id] ?? [] }
    }

    /// When the monitor first published `id` in `target`.
    func firstChange(of id: ServerID, to target: ServerState, timeout: Duration) async throws
        -> ContinuousClock.Instant
    {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let found = changes(of: id).first(where: { $0.state == target }) { return found.at }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw LiveStatsBenchError.timedOut("the monitor to see \(id) \(target)")
    }
}

/// CPU time of the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// CPU seconds so far of this process's threads whose name starts with `prefix` (Linux: `/proc/self/task`).
private func threadsCPUSeconds(namePrefix prefix: String) -> Double {
    guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return .nan }
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for thread in threads {
        guard let name = try? String(contentsOfFile: "/proc/self/task/\(thread)/comm", encoding: .utf8),
            name.hasPrefix(prefix),
            let stat = try? String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { continue }
        // After the name: field 3 (state) first, so utime (14) and stime (15) sit at 11 and 12 (proc(5)).
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        total += (user + system) / ticksPerSecond
    }
    return total
}

/// VmRSS from /proc/self/status, in bytes (Linux).
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (Int(line.filter(\.isNumber)) ?? 0) * 1024
    }
    return 0
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func mebibytes(_ bytes: Int) -> Double {
    Double(bytes) / 1_048_576
}

/// Two decimals, without Foundation's `String(format:)`.
private func format(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let hundredths = Int((value * 100).rounded())
    let magnitude = abs(hundredths)
    let fraction = magnitude % 100
    return "\(hundredths < 0 ? "-" : "")\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

private func percentileMilliseconds(_ values: [Duration], _ fraction: Double) -> String {
    let sorted = values.map { seconds($0) * 1000 }.sorted()
    guard !sorted.isEmpty else { return "n/a" }
    return format(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))])
}
