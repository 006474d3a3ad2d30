import AsyncHTTPClient
import ClientSupport
import DiscordModels
// Process and Pipe (the child fake panel) are in Foundation proper, not in FoundationEssentials.
import Foundation
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import ServerMetrics
import StatusBot
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The argument that makes the bench binary serve a fake panel for ``cycleCPUBenchmarks()`` instead of measuring.
let serveFakePanelArgument = "--serve-fake-panel"

/// CPU seconds the bot spends per cycle with 200 tracked servers, polled through the real Pterodactyl backend
/// over loopback. The fake panel runs in a child process (this binary with ``serveFakePanelArgument``), so its
/// own CPU is not counted: the figure is HTTP, JSON decoding, the monitor, change detection and logging.
func cycleCPUBenchmarks() async throws -> [BenchFigure] {
    let count = 200
    let child = try FakePanelProcess(servers: count)
    defer { child.stop() }
    let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let (cpu, wall) = try await withPanelHTTPClient { httpClient in
        let client = DefaultPanelClient(
            httpClient: httpClient,
            baseURL: child.baseURL,
            clientKey: PanelAPIKey(child.clientKey),
            // The default 720/min budget would stretch a 200-server cycle to ~20 s by design; measure the work.
            configuration: PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000),
            logger: quiet
        )
        let services = await StatusServices.make(
            backend: PterodactylBackend(client: client),
            configuration: StatusUpdaterConfiguration(),
            sink: FakeMessageSink(),
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
            clock: ContinuousClock(),
            logger: quiet
        )
        for server in try await services.monitor.servers(forceRefresh: true) {
            try await services.updater.track(server.id, in: "1000000000000000001")
        }
        for _ in 0..<3 { await services.monitor.cycle() }
        var cpu: [Double] = []
        var wall: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<21 {
            let cpuBefore = processCPUSeconds()
            let start = clock.now
            await services.monitor.cycle()
            wall.append(start.duration(to: clock.now))
            cpu.append(processCPUSeconds() - cpuBefore)
        }
        return (cpu, wall)
    }
    return [
        BenchFigure(
            name: "monitor.cycle_200_servers.cpu_seconds",
            value: Measure.median(cpu),
            unit: "s",
            context: ["goal": "<= 0.03", "runs": "\(cpu.count)", "panel": "fake panel in a child process, loopback"]
        ),
        BenchFigure(
            name: "monitor.cycle_200_servers.wall_ms",
            value: Measure.medianMilliseconds(wall),
            unit: "ms",
            context: ["runs": "\(wall.count)"]
        ),
    ]
}

/// CPU time of this process (all threads, user and system), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// This bench binary running ``serveFakePanel(servers:)`` in a child process.
final class FakePanelProcess {
    let baseURL: String
    let clientKey: String
    private let process: Process
    private let input: Pipe

    init(servers: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [serveFakePanelArgument, String(servers)]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard parts.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
        baseURL = String(parts[0])
        clientKey = String(parts[1])
    }

    /// Closes the child's standard input, which ends it.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// The child's side: serve `servers` numbered servers on loopback, print "URL KEY", and run until standard input
/// closes.
func serveFakePanel(servers: Int) async throws {
    let fleet = (1...max(1, servers)).map { FakePanel.Server.numbered($0) }
    let panel = try await FakePanel.start(servers: fleet, rateLimits: .unlimited)
    FileHandle.standardOutput.write(Data("\(panel.baseURL) \(panel.clientKey.exposedValue)\n".utf8))
    while !FileHandle.standardInput.availableData.isEmpty {}
    try await panel.shutdown()
}
