import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

// Each area adds its cases to this list; `swift run -c release pterodisbot-bench [filter]` runs those whose
// name contains the filter and prints one JSON object per figure.
let cases: [(name: String, run: @Sendable () async throws -> [BenchFigure])] = [
    ("graph", { try await graphBenchmarks() }),
    ("panel", { try await panelBenchmarks() }),
    ("rest", { try await restBenchmarks() }),
    ("orchestrator", { try await orchestratorBenchmarks() }),
    ("cycle-cpu", { try await cycleCPUBenchmarks() }),
    ("metrics", { try await metricsBenchmarks() }),
    ("players", { try await playersBenchmarks() }),
    ("alert-cost", { try await alertCostBenchmarks() }),
    ("live-stats", { try await liveStatsBenchmarks() }),
    // A simulated week: minutes, not seconds. Run it by name.
    ("soak", { try await soakBenchmarks() }),
]

if CommandLine.arguments.dropFirst().first == serveFakePanelArgument {
    try await serveFakePanel(servers: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 200)
    exit(0)
}
if CommandLine.arguments.dropFirst().first == serveLiveFakesArgument {
    try await serveLiveFakes(servers: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1000)
    exit(0)
}
if CommandLine.arguments.dropFirst().first == serveFakesArgument {
    try await serveFakes(seconds: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 900)
    exit(0)
}

// The bot limits glibc's malloc arenas at start; so does the bench, so its memory figures are the bot's.
MemoryTuning.limitMallocArenas()
let filter = CommandLine.arguments.dropFirst().first
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
// The soak (a simulated week) and live stats (1,000 sockets for two and a half minutes) run only by name.
let byNameOnly: Set<String> = ["soak", "live-stats"]
for benchCase in cases where filter.map({ benchCase.name.contains($0) }) ?? !byNameOnly.contains(benchCase.name) {
    for figure in try await benchCase.run() {
        print(String(decoding: try encoder.encode(figure), as: UTF8.self))
    }
}
