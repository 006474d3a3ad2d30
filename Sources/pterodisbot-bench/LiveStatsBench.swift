import AsyncHTTPClient
import ClientSupport
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport

/// Issue 21's figures for live stats over Wings websockets: 1,000 servers on four nodes, the fake panel and the fake
/// Wings on loopback, the real client, backend, socket driver and live-stats decorator, the real monitor (10 s
/// cycles, early cycles on a state change) with one consumer that watches every server (as alerts do), all on the
/// continuous clock.
///
/// Phases: the sockets open (usage asked every 250 ms until every server is live); a 60 s steady window with Wings
/// pushing stats to every socket once a second while the sockets renew their first tokens, spread over the token's
/// life (panel requests, CPU, RSS); 15 s without stats (the bot's own idle cost with the sockets open); 50
/// power-state changes (how fast each reaches the backend and the monitor), then a 12 s tail so held samples flush.
///
/// The fakes run in a child process (this binary with ``serveLiveFakesArgument``, driven by the line protocol in
/// `LiveStatsFakes.swift`), so this process is the bot alone: its CPU (`CLOCK_PROCESS_CPUTIME_ID`) and RSS are the
/// bot's figures, with no subtraction. The child's CPU and RSS (`/proc/<pid>`) are reported beside them for
/// context.
/// - Returns: The figures.
/// - Throws: When the fakes cannot start, or the sockets do not all go live.
func liveStatsBenchmarks() async throws -> [BenchFigure] {
    let rssAtStart = residentBytes()
    let fakes = try await LiveFakesProcess(servers: LiveBench.servers)
    let figures: [BenchFigure]
    do {
        figures = try await withPanelHTTPClient { http in
            try await measure(fakes, http: http, rssAtStart: rssAtStart)
        }
    } catch {
        await fakes.stop()
        throw error
    }
    await fakes.stop()
    return figures
}

// MARK: - Setup

private enum LiveBench {
    static let servers = 1000
    static let interval = Duration.seconds(10)
    static let steadyWindow = Duration.seconds(60)
    static let quietWindow = Duration.seconds(15)
    static let changes = 50
    static let logger = Logger(label: "bench.live-stats") { _ in SwiftLogNoOpLogHandler() }
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
private func measure(_ fakes: LiveFakesProcess, http: HTTPClient, rssAtStart: Int) async throws -> [BenchFigure] {
    let client = DefaultPanelClient(
        httpClient: http,
        baseURL: fakes.panelURL,
        clientKey: PanelAPIKey(fakes.clientKey),
        // The start-up poll of 1,000 servers would wait for the 720/min budget; the bench counts requests instead.
        configuration: PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000),
        logger: LiveBench.logger
    )
    let feed = DefaultWingsLiveFeed(
        panelURL: fakes.panelURL,
        configuration: WingsSocketConfiguration(sampleInterval: LiveBench.interval),
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
    let rssBeforeSockets = residentBytes()

    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await backend.run() }
        let rampUp = try await openEverySocket(backend, fakes: fakes)
        group.addTask { try await monitor.run() }
        try await Task.sleep(for: .seconds(3))

        try await fakes.send("ticks on")
        try await Task.sleep(for: .seconds(2))
        var figures = try await steadyWindow(
            backend,
            fakes: fakes,
            rss: (rssAtStart, rssBeforeSockets),
            rampUp: rampUp
        )
        try await fakes.send("ticks off")
        figures.append(try await quietWindow(backend, fakes: fakes))
        try await fakes.send("ticks on")
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
private func openEverySocket(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: LiveFakesProcess
) async throws -> Duration {
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

/// Panel requests, CPU and RSS over the steady window. Token renewals are the bot's own, not played by the fake:
/// each socket renews its first token at its own point (spread evenly) of the 555 s after which Wings warns, and later
/// ones when warned, so the window sees the rate every later minute has, 1,000 × 60 / 555 ≈ 108 renewals.
private func steadyWindow(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: LiveFakesProcess,
    rss: (atStart: Int, beforeSockets: Int),
    rampUp: Duration
) async throws -> [BenchFigure] {
    let clock = ContinuousClock()
    let connectionsBefore = try await fakes.counts()["connections"] ?? 0
    try await fakes.send("reset")
    let cpuBefore = processCPUSeconds()
    let fakesCPUBefore = fakes.cpuSecondsUsed
    let start = clock.now
    try await Task.sleep(for: LiveBench.steadyWindow)
    let wall = seconds(start.duration(to: clock.now))
    let cpu = processCPUSeconds() - cpuBefore
    let fakesCPU = fakes.cpuSecondsUsed - fakesCPUBefore
    let rssNow = residentBytes()
    let fakesRSS = fakes.residentSetBytes
    let counts = try await fakes.counts()
    let status = await backend.liveStatus()

    let requests = counts["requests"] ?? 0
    let tokens = counts["tokens"] ?? 0
    let resources = counts["resources"] ?? 0
    let perMinute = Double(requests) * 60 / wall
    let context = [
        "servers": "\(LiveBench.servers)",
        "nodes": "4",
        "update_interval": "10 s",
        "window_s": format(wall),
        "live_sockets_after": "\(status.liveSockets)",
        "polled_servers_after": "\(status.polledServers)",
        "nodes_falling_back": "\(status.fallingBack.count)",
        "wings_connections_in_window": "\((counts["connections"] ?? 0) - connectionsBefore)",
        "ramp_up_s": format(seconds(rampUp)),
        "ticks": "\(counts["ticks"] ?? 0)",
    ]
    return [
        BenchFigure(
            name: "live_stats.panel_requests_per_minute",
            value: perMinute,
            unit: "requests/min",
            context: context.merging([
                "goal": "<= 120",
                "token_requests": "\(tokens)",
                "resources_requests": "\(resources)",
                "other_requests (server list pages)": "\(requests - tokens - resources)",
                "renewals": "the bot's own: first tokens renewed early at evenly spread phases, later ones when warned",
                "token_requests_per_minute": format(Double(tokens) * 60 / wall),
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.cpu_with_stats_every_second.percent_of_core",
            value: (cpu + fakesCPU) / wall * 100,
            unit: "%",
            context: context.merging([
                "includes": "the bot and the fakes (two processes, summed); the goal is the bot share's",
                "bot_percent": format(cpu / wall * 100),
                "fakes_percent": format(fakesCPU / wall * 100),
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.cpu_bot_share_with_stats_every_second.percent_of_core",
            value: cpu / wall * 100,
            unit: "%",
            context: context.merging([
                "goal": "<= 5",
                "how": "this process's CPU over the window: the bot alone (the fakes run in a child process)",
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.fakes_cpu_with_stats_every_second.percent_of_core",
            value: fakesCPU / wall * 100,
            unit: "%",
            context: context.merging([
                "note": "context, not a goal: the fake panel and Wings in the child process (/proc/<pid>/stat)"
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.rss_with_1000_sockets.mib",
            value: mebibytes(rssNow),
            unit: "MiB",
            context: context.merging([
                "goal": "<= 80",
                "includes": "the bot alone (the fakes run in a child process), with its HTTP client",
                "rss_at_start_mib": format(mebibytes(rss.atStart)),
                "rss_bot_built_no_sockets_mib": format(mebibytes(rss.beforeSockets)),
                "delta_for_sockets_mib": format(mebibytes(rssNow - rss.beforeSockets)),
            ]) { $1 }
        ),
        BenchFigure(
            name: "live_stats.fakes_rss_with_1000_sockets.mib",
            value: mebibytes(fakesRSS),
            unit: "MiB",
            context: context.merging([
                "note": "context, not a goal: the fake panel and Wings in the child process (/proc/<pid>/status)"
            ]) { $1 }
        ),
    ]
}

/// CPU with the sockets open but no stats pushed: the bot's idle cost (monitor cycles, timers).
private func quietWindow(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: LiveFakesProcess
) async throws -> BenchFigure {
    let clock = ContinuousClock()
    // Let the last tick's frames drain.
    try await Task.sleep(for: .seconds(1))
    let cpuBefore = processCPUSeconds()
    let fakesCPUBefore = fakes.cpuSecondsUsed
    let start = clock.now
    try await Task.sleep(for: LiveBench.quietWindow)
    let wall = seconds(start.duration(to: clock.now))
    let cpu = processCPUSeconds() - cpuBefore
    let fakesCPU = fakes.cpuSecondsUsed - fakesCPUBefore
    let status = await backend.liveStatus()
    return BenchFigure(
        name: "live_stats.cpu_sockets_open_no_stats.percent_of_core",
        value: cpu / wall * 100,
        unit: "%",
        context: [
            "window_s": format(wall),
            "live_sockets": "\(status.liveSockets)",
            "note": "1,000 open sockets, monitor cycling, Wings silent: the bot's floor (this process only)",
            "fakes_percent": format(fakesCPU / wall * 100),
        ]
    )
}

// MARK: - State changes

/// Stops 50 servers one at a time (0.3 to 1.2 s apart, so changes land anywhere in the monitor's 1 s early-cycle
/// spacing) and times: the `status` command → `usage(of:)` answers offline (asked every millisecond); → the wake
/// closure; → the monitor publishes an observation with the server offline. Then watches 12 s more for reversions.
///
/// Each time runs from the moment this process writes `status <uuid> offline` to the child, not from the moment
/// the child queued the frame: it includes the pipe hop and the child's `setStatus`, reported as the command's
/// round trip (write → `sent`), an upper bound on that extra.
private func stateChanges(
    _ backend: LiveStatsBackend<ContinuousClock>,
    fakes: LiveFakesProcess,
    wakes: WakeLog,
    watcher: StateWatcher
) async throws -> [BenchFigure] {
    let clock = ContinuousClock()
    let wakesBefore = wakes.count
    var toBackend: [Duration] = []
    var toWake: [Duration] = []
    var toMonitor: [Duration] = []
    var roundTrips: [Duration] = []
    var changed: [ServerID] = []
    for index in 0..<LiveBench.changes {
        let server = fakes.fleet[(index * 20 + 7) % fakes.fleet.count]
        try await Task.sleep(for: .milliseconds(300 + 100 * (index % 10)))
        let wakeMark = wakes.count
        let start = clock.now
        try await fakes.send("status \(server.uuid) offline")
        roundTrips.append(start.duration(to: clock.now))
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
        "measured_from": "writing the status command to the fakes' process",
        "command_round_trip_median_ms": format(Measure.medianMilliseconds(roundTrips)),
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
                "note": "first wake after the status command (the wake carries no server)",
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
