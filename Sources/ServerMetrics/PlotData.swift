#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Cleaned values, scales and labels derived from a ``GraphInput``; everything the drawing code needs.
struct PlotData {
    var cpu: [Double]
    var memory: [Double]
    var cpuLimit: Double?
    var memoryLimit: Double?
    var cpuScale: AxisScale
    var memoryScale: AxisScale
    /// Horizontal position of each sample, 0 (oldest) to 1 (newest).
    var xFractions: [Double]
    var timeLabels: [String]
    var zoneName: String
    var cpuTitle: String
    var memoryTitle: String
    var cpuCallout: String
    var memoryCallout: String
    /// Player counts, nil where unknown (drawn as gaps).
    var players: [Double?]
    /// The newest player limit a game server announced.
    var playerLimit: Double?
    /// Nil when no sample has a count: then there is no players panel and the figure is exactly the CPU and memory
    /// one.
    var playerScale: AxisScale?
    var playersTitle: String
    var playersCallout: String

    init(_ input: GraphInput) {
        let points = input.series.points
        cpuLimit = input.cpuLimitPercent.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        memoryLimit = input.memoryLimitMiB.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        cpu = points.map { MetricSanitizer.cpu($0.cpuPercent, limitPercent: input.cpuLimitPercent) }
        memory = points.map { MetricSanitizer.memory($0.memoryMiB, limitMiB: input.memoryLimitMiB) }
        cpuScale = AxisScale.cpu(values: cpu, limitPercent: cpuLimit)
        memoryScale = AxisScale.memory(values: memory, limitMiB: memoryLimit)

        // Place samples by time when timestamps increase, otherwise evenly.
        let times = points.map { $0.timestamp.timeIntervalSince1970 }
        let increasing = zip(times, times.dropFirst()).allSatisfy { $0 < $1 } && times.allSatisfy(\.isFinite)
        if increasing, let first = times.first, let last = times.last, last > first {
            xFractions = times.map { ($0 - first) / (last - first) }
        } else {
            xFractions = points.indices.map { Double($0) / Double(max(1, points.count - 1)) }
        }
        timeLabels = points.map { Self.clockTime($0.timestamp, in: input.timeZone) }
        let reference = points.last?.timestamp ?? Date(timeIntervalSince1970: 0)
        let identifier = input.timeZone.identifier
        zoneName =
            ["UTC", "GMT", "Etc/UTC", "Etc/GMT"].contains(identifier)
            ? "UTC" : input.timeZone.abbreviation(for: reference) ?? identifier

        if let limit = cpuLimit {
            let cores = limit / 100
            let coreText = ValueFormat.number(cores, decimals: cores == cores.rounded() ? 0 : 2)
                .replacingTrailingZeros()
            cpuTitle = "CPU Usage (\(coreText) vCPU)"
        } else {
            cpuTitle = "CPU Usage (unlimited)"
        }
        if let limit = memoryLimit {
            memoryTitle = "Memory Usage (limit \(Self.memoryText(limit).replacingTrailingZeros()))"
        } else {
            memoryTitle = "Memory Usage"
        }
        cpuCallout = "CPU " + ValueFormat.number(cpu.last ?? 0, decimals: 1) + "%"
        memoryCallout = "Memory " + Self.memoryText(memory.last ?? 0)

        // A negative count is garbage, not a count: it is unknown like no answer.
        let counts = points.map { $0.players.flatMap { $0 >= 0 ? Double($0) : nil } }
        players = counts
        let newestWithLimit = points.indices.last { counts[$0] != nil && (points[$0].maxPlayers ?? 0) > 0 }
        playerLimit = newestWithLimit.flatMap { points[$0].maxPlayers.map(Double.init) }
        let known = counts.compactMap { $0 }
        playerScale = known.isEmpty ? nil : AxisScale.players(values: known, maxPlayers: playerLimit)
        let limitText = playerLimit.map { ValueFormat.number($0, decimals: 0) }
        playersTitle = "Players Online" + (limitText.map { " (max \($0))" } ?? "")
        if let latest = counts.last ?? nil {
            playersCallout = "Players " + ValueFormat.number(latest, decimals: 0) + (limitText.map { " / \($0)" } ?? "")
        } else {
            playersCallout = "Players unknown"
        }
    }

    /// `HH:MM:SS` of `date` in `zone`, without a calendar (fixed offset at that instant).
    static func clockTime(_ date: Date, in zone: TimeZone) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return "--:--:--" }
        let local = Int(seconds.rounded(.down)) + zone.secondsFromGMT(for: date)
        let ofDay = ((local % 86_400) + 86_400) % 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(ofDay / 3600)):\(two(ofDay / 60 % 60)):\(two(ofDay % 60))"
    }

    /// Memory in MiB below 1 GiB, else GiB with two decimals: `812 MiB`, `3.45 GiB`.
    static func memoryText(_ mib: Double) -> String {
        mib < 1024
            ? ValueFormat.number(mib, decimals: 0) + " MiB" : ValueFormat.number(mib / 1024, decimals: 2) + " GiB"
    }
}

extension String {
    /// `1.50` → `1.5`, `2.00` → `2`.
    fileprivate func replacingTrailingZeros() -> String {
        let parts = split(separator: " ", maxSplits: 1)
        guard let number = parts.first, number.contains(".") else { return self }
        var text = String(number)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return parts.count > 1 ? text + " " + parts[1] : text
    }
}
