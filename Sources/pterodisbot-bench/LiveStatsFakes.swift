// Process, Pipe, FileHandle and Thread are in Foundation proper, not in FoundationEssentials.
import Foundation
import Pterodactyl
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The argument that makes the bench binary serve the fakes of ``liveStatsBenchmarks()`` (a panel and Wings with
/// 1,000 servers) in a child process, so the parent's CPU and RSS are the bot's own.
let serveLiveFakesArgument = "--serve-live-fakes"

// MARK: - Protocol
//
// The child (`pterodisbot-bench --serve-live-fakes <servers>`) starts FakePanel (the servers on four nodes,
// unlimited rate limits) and FakeWings, sets every server running, and writes one line:
//
//     ready <panel-url> <client-key> <wings-url>
//
// Then it reads one command per line on standard input and answers each with exactly one line on standard output
// (`error <why>` for a command it does not know):
//
//     ticks on | ticks off     -> ok        Wings pushes `stats` to every socket once a second, or stops.
//     status <uuid> <state>    -> sent      Wings' power state changes; `status` frames are queued to its sockets.
//     reset                    -> ok        Forgets the panel's recorded requests and the tick count.
//     counts                   -> requests=N tokens=N resources=N connections=N ticks=N
//                                           Panel requests since `reset` (token ones end in /websocket, resource
//                                           ones in /resources), Wings connections ever, ticks since `reset`.
//     quit                     -> bye       After the fakes shut down; then the child exits.
//
// End of standard input does what `quit` does, so the child never outlives its parent.

/// The fleet both sides agree on: server `n` (from 1) on node `(n - 1) % 4 + 1`.
/// - Parameter servers: How many.
/// - Returns: The servers.
func liveStatsFleet(servers: Int) -> [FakePanel.Server] {
    (1...max(1, servers)).map { FakePanel.Server.numbered($0, nodeID: ($0 - 1) % 4 + 1) }
}

/// The parent's side: this bench binary running ``serveLiveFakes(servers:)`` in a child process, spoken to with
/// the line protocol above. One task at a time sends commands.
final class LiveFakesProcess {
    /// The fake panel's base URL.
    let panelURL: String
    /// The fake panel's client API key.
    let clientKey: String
    /// The fake Wings' base URL.
    let wingsURL: String
    /// The servers the fakes serve.
    let fleet: [FakePanel.Server]
    private let process: Process
    private let input: FileHandle
    private var replies: AsyncStream<String>.Iterator

    /// Starts the child and waits for its `ready` line.
    /// - Parameter servers: How many servers the fakes serve.
    /// - Throws: When the child cannot start or ends before it is ready.
    init(servers: Int) async throws {
        fleet = liveStatsFleet(servers: servers)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [serveLiveFakesArgument, String(servers)]
        let inputPipe = Pipe()
        let outputPipe = Pipe()
        process.standardInput = inputPipe
        process.standardOutput = outputPipe
        try process.run()
        input = inputPipe.fileHandleForWriting
        var replies = lines(of: outputPipe.fileHandleForReading).makeAsyncIterator()
        let ready = await replies.next()?.split(separator: " ").map(String.init) ?? []
        self.replies = replies
        guard ready.count == 4, ready[0] == "ready" else {
            try? input.close()
            process.waitUntilExit()
            throw LiveFakesError.notReady(ready.joined(separator: " "))
        }
        panelURL = ready[1]
        clientKey = ready[2]
        wingsURL = ready[3]
    }

    /// Sends one command and waits for its answer.
    /// - Parameter command: A line of the protocol, without the newline.
    /// - Returns: The answer, without the newline.
    /// - Throws: When the child has ended or answers `error …`.
    @discardableResult
    func send(_ command: String) async throws -> String {
        try input.write(contentsOf: Data((command + "\n").utf8))
        guard let reply = await replies.next() else { throw LiveFakesError.ended(after: command) }
        guard !reply.hasPrefix("error") else { throw LiveFakesError.refused(command, reply) }
        return reply
    }

    /// Asks for `counts` and parses its `key=value` pairs.
    /// - Returns: The counts by key.
    /// - Throws: What ``send(_:)`` throws.
    func counts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for pair in try await send("counts").split(separator: " ") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { counts[String(parts[0])] = value }
        }
        return counts
    }

    /// CPU seconds the child has used so far (user and system, all threads).
    var cpuSecondsUsed: Double { processCPUSeconds(of: process.processIdentifier) }

    /// The child's resident set size, in bytes.
    var residentSetBytes: Int { residentBytes(of: "\(process.processIdentifier)") }

    /// Sends `quit`, closes the child's standard input and waits for it to exit.
    func stop() async {
        _ = try? await send("quit")
        try? input.close()
        process.waitUntilExit()
    }
}

private enum LiveFakesError: Error, CustomStringConvertible {
    case notReady(String)
    case ended(after: String)
    case refused(String, String)

    var description: String {
        switch self {
        case .notReady(let line): "live-stats fakes: expected `ready <panel> <key> <wings>`, got `\(line)`"
        case .ended(let command): "live-stats fakes: the child ended after `\(command)`"
        case .refused(let command, let reply): "live-stats fakes: `\(command)` answered `\(reply)`"
        }
    }
}

// MARK: - Child

/// The child's side: serves the fakes and obeys the line protocol above until `quit` or the end of standard input.
/// - Parameter servers: How many servers (on four nodes).
/// - Throws: When a fake cannot start or shut down.
func serveLiveFakes(servers: Int) async throws {
    let fleet = liveStatsFleet(servers: servers)
    let nodes = (1...4).map { FakePanel.Node(id: $0, name: "node-\($0)") }
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
    let ticker = WingsTicker(wings: wings)
    let commands = lines(of: FileHandle.standardInput)
    answer("ready \(panel.baseURL) \(panel.clientKey.exposedValue) \(wings.baseURL)")

    var quit = false
    await withDiscardingTaskGroup { group in
        group.addTask { await ticker.run() }
        for await command in commands {
            let words = command.split(separator: " ").map(String.init)
            switch (words.first, words.count) {
            case ("ticks", 2) where words[1] == "on" || words[1] == "off":
                ticker.setEnabled(words[1] == "on")
                answer("ok")
            case ("status", 3):
                wings.setStatus(words[2], for: words[1])
                answer("sent")
            case ("reset", 1):
                panel.resetCounters()
                ticker.resetTicks()
                answer("ok")
            case ("counts", 1):
                let requests = panel.requests
                let tokens = requests.count { $0.path.hasSuffix("/websocket") }
                let resources = requests.count { $0.path.hasSuffix("/resources") }
                let connections = wings.records.connections.count
                answer(
                    "requests=\(requests.count) tokens=\(tokens) resources=\(resources) connections=\(connections)"
                        + " ticks=\(ticker.ticks)"
                )
            case ("quit", 1):
                quit = true
            default:
                answer("error unknown command")
            }
            if quit { break }
        }
        group.cancelAll()
    }
    try await wings.shutdown()
    try await panel.shutdown()
    if quit { answer("bye") }
}

/// Pushes `stats` to every socket once a second while enabled.
private final class WingsTicker: Sendable {
    private struct State {
        var enabled = false
        var ticks = 0
    }

    private let wings: FakeWings
    private let state = Mutex(State())

    init(wings: FakeWings) {
        self.wings = wings
    }

    func setEnabled(_ enabled: Bool) {
        state.withLock { $0.enabled = enabled }
    }

    /// Ticks since the last ``resetTicks()``.
    var ticks: Int { state.withLock { $0.ticks } }

    func resetTicks() {
        state.withLock { $0.ticks = 0 }
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
            wings.tick()
            state.withLock { $0.ticks += 1 }
        }
    }
}

// MARK: - Helpers

/// The lines read from `handle` until its end. A thread of its own reads them: the reads block, and the
/// cooperative pool has only one thread per core.
private func lines(of handle: FileHandle) -> AsyncStream<String> {
    let (lines, continuation) = AsyncStream.makeStream(of: String.self)
    let reader = Thread {
        var pending: [UInt8] = []
        while true {
            let data = handle.availableData
            guard !data.isEmpty else { break }
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    continuation.yield(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                } else {
                    pending.append(byte)
                }
            }
        }
        continuation.finish()
    }
    reader.start()
    return lines
}

/// Writes one answer line at once: a pipe would otherwise hold `print`'s buffer.
private func answer(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// CPU seconds (user and system, all threads) a process has used so far (Linux: `/proc/<pid>/stat`).
/// - Parameter pid: The process.
/// - Returns: The seconds, or NaN when the file cannot be read.
func processCPUSeconds(of pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let nameEnd = stat.lastIndex(of: ")")
    else { return .nan }
    // After the name: field 3 (state) first, so utime (14) and stime (15) sit at 11 and 12 (proc(5)).
    let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// VmRSS of a process, in bytes (Linux: `/proc/<process>/status`).
/// - Parameter process: A pid, or `self`.
/// - Returns: The bytes, or 0 when the file cannot be read.
func residentBytes(of process: String = "self") -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (Int(line.filter(\.isNumber)) ?? 0) * 1024
    }
    return 0
}
