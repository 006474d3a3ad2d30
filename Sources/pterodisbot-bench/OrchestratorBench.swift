import ClientSupport
import DiscordModels
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import ServerMetrics
import StatusBot
import Synchronization
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Counts what the status updater sends and remembers the state each message shows.
private final class CountingSink: StatusMessageSink {
    private struct State {
        var creates = 0
        var edits = 0
        var deletes = 0
        var nextID: UInt64 = 1
        var shownState: [MessageID: String] = [:]
    }

    private let state = Mutex(State())

    var calls: Int { state.withLock { $0.creates + $0.edits + $0.deletes } }
    func shown(_ id: MessageID) -> String? { state.withLock { $0.shownState[id] } }

    func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID {
        state.withLock { state in
            state.creates += 1
            let id = MessageID(state.nextID)
            state.nextID += 1
            state.shownState[id] = Self.stateField(message)
            return id
        }
    }

    func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws {
        state.withLock { state in
            state.edits += 1
            state.shownState[id] = Self.stateField(message)
        }
    }

    func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws {
        state.withLock { $0.deletes += 1 }
    }

    private static func stateField(_ message: OutgoingMessage) -> String? {
        message.payload.embeds?.first?.fields?.first { $0.name == "State" }?.value
    }
}

/// Issue 7's figures: Discord calls over a simulated hour versus one edit per server per cycle, state changes
/// shown within one cycle, cycle time for 500 servers behind a 20 ms panel, and resident memory.
func orchestratorBenchmarks() async throws -> [BenchFigure] {
    // Memory first, before the other cases grow the heap.
    var figures = [try await residentMemoryWith500TrackedServers()]
    figures += try await simulatedHour(samplesEvery: 2)
    figures += try await simulatedHour(samplesEvery: 1)
    figures += try await cycleTimeFor500Servers()
    return figures
}

/// Benchmarks log nothing: the figures are the output.
private let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

/// 100 servers for an hour (360 cycles of 10 s). `samplesEvery` 2 reproduces the panel's 20 s `/resources` cache
/// (a new sample every other poll); 1 gives a new sample every poll, a harsher trace than a real panel.
private func simulatedHour(samplesEvery: Int) async throws -> [BenchFigure] {
    let servers = 100
    let cycles = 360
    let panel = SimulatedPanel(servers: SimulatedServer.fleet(count: servers, ticks: cycles), seed: 7)
    let sink = CountingSink()
    let clock = ManualClock()
    let start = Date(timeIntervalSince1970: 1_780_000_000)
    let services = await StatusServices.make(
        backend: panel,
        configuration: StatusUpdaterConfiguration(),
        sink: sink,
        store: EmbedStore(file: nil),
        graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
        clock: clock,
        wallClock: { start.addingTimeInterval(Double(panel.tick) * 10) },
        logger: quiet
    )
    let channel: ChannelID = "1000000000000000001"
    var messages: [ServerID: MessageID] = [:]
    for server in try await panel.servers(forceRefresh: false) {
        messages[server.id] = try await services.updater.track(server.id, in: channel)
    }
    let callsAfterPosting = sink.calls
    var lateStates = 0
    var stateChanges = 0
    var previous: [ServerID: ServerState] = [:]
    var reasons: [String: Int] = [:]
    for cycle in 0..<cycles {
        if cycle % samplesEvery == 0 { panel.advance() }
        clock.advance(by: .seconds(10))
        await services.monitor.cycle()
        let report = await services.updater.recentCycles.last ?? CycleReport()
        reasons.merge(report.editReasons, uniquingKeysWith: +)
        // Every state the panel reports now must already be on the server's message.
        let results = try await panel.usage(of: Array(messages.keys))
        for (id, result) in results {
            let state: ServerState
            switch result {
            case .success(let usage): state = usage.state
            case .failure(let failure):
                guard let derived = failure.derivedState else { continue }
                state = derived
            }
            if let before = previous[id], before != state { stateChanges += 1 }
            previous[id] = state
            let expected = "\(StatusEmbedBuilder.emoji(for: state)) "
            if let shown = messages[id].flatMap(sink.shown), !shown.hasPrefix(expected) { lateStates += 1 }
        }
    }
    let calls = sink.calls - callsAfterPosting
    let naive = servers * cycles
    let trace = "samples_every_\(samplesEvery)_polls"
    let reasonText = reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    return [
        BenchFigure(
            name: "orchestrator.hour_100_servers.\(trace).discord_calls",
            value: Double(calls),
            unit: "count",
            context: [
                "naive_calls": "\(naive)", "cycles": "\(cycles)", "state_changes": "\(stateChanges)",
                "edit_reasons": reasonText,
            ]
        ),
        BenchFigure(
            name: "orchestrator.hour_100_servers.\(trace).calls_ratio",
            value: Double(calls) / Double(naive),
            unit: "ratio",
            context: ["goal": "<= 0.10"]
        ),
        BenchFigure(
            name: "orchestrator.hour_100_servers.\(trace).states_not_shown_within_one_cycle",
            value: Double(lateStates),
            unit: "count",
            context: ["goal": "0"]
        ),
    ]
}

private func cycleTimeFor500Servers() async throws -> [BenchFigure] {
    let count = 500
    let fleet = (1...count).map { FakePanel.Server.numbered($0) }
    let panel = try await FakePanel.start(servers: fleet, latency: .milliseconds(20), rateLimits: .unlimited)
    let sink = CountingSink()
    let durations = try await withPanelHTTPClient { httpClient in
        let client = DefaultPanelClient(
            httpClient: httpClient,
            baseURL: panel.baseURL,
            clientKey: panel.clientKey,
            // The default 720/min budget would stretch a 500-server cycle to ~52 s by design; measure the
            // client and loop themselves here.
            configuration: PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000, maxConcurrentRequests: 8),
            logger: quiet
        )
        let services = await StatusServices.make(
            backend: PterodactylBackend(client: client),
            configuration: StatusUpdaterConfiguration(),
            sink: sink,
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
            clock: ContinuousClock(),
            logger: quiet
        )
        let channel: ChannelID = "1000000000000000001"
        for server in fleet {
            try await services.updater.track(server.id, in: channel)
        }
        return await Measure.durations(iterations: 5, warmup: 1) {
            await services.monitor.cycle()
        }
    }
    try await panel.shutdown()
    return [
        BenchFigure(
            name: "orchestrator.cycle_500_servers_20ms_panel.median_ms",
            value: Measure.medianMilliseconds(durations),
            unit: "ms",
            context: ["concurrency": "8", "runs": "5"]
        ),
        BenchFigure(
            name: "process.resident_memory_with_fake_panel_500_servers",
            value: Double(residentMemoryBytes() ?? 0) / 1_048_576,
            unit: "MiB",
            context: ["goal": "<= 40", "note": "bench process: bot state plus the in-process fake panel"]
        ),
    ]
}

/// The bot's own memory with 500 tracked servers and full six-point graphs: the simulated panel is a few
/// kilobytes of state, so the figure is the monitor, the status updates, metrics, graph drawing and runtime. Run first, before the
/// loopback fake panel of the cycle-time case adds its own memory to the process.
private func residentMemoryWith500TrackedServers() async throws -> BenchFigure {
    let panel = SimulatedPanel(servers: SimulatedServer.fleet(count: 500, ticks: 20), seed: 11)
    let clock = ManualClock()
    let services = await StatusServices.make(
        backend: panel,
        configuration: StatusUpdaterConfiguration(),
        sink: CountingSink(),
        store: EmbedStore(file: nil),
        graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
        clock: clock,
        logger: quiet
    )
    let channel: ChannelID = "1000000000000000001"
    for server in try await panel.servers(forceRefresh: false) {
        try await services.updater.track(server.id, in: channel)
    }
    for _ in 0..<8 {
        panel.advance()
        clock.advance(by: .seconds(10))
        await services.monitor.cycle()
    }
    return BenchFigure(
        name: "bot.resident_memory_500_tracked_servers",
        value: Double(residentMemoryBytes() ?? 0) / 1_048_576,
        unit: "MiB",
        context: ["goal": "<= 40", "note": "process RSS after 8 cycles with graphs for every running server"]
    )
}

/// VmRSS from /proc/self/status, in bytes (Linux only).
private func residentMemoryBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.filter(\.isNumber)
        return Int(digits).map { $0 * 1024 }
    }
    return nil
}
