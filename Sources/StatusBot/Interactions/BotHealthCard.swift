import DiscordModels
import PanelCore

/// The `/bot_status` card: gateway latency and session uptime, panel latency, error rate and request budget use
/// over the recent cycles, last cycle duration, tracked embeds, uptime and version. Pure: the handler gathers the
/// inputs.
public struct BotHealthCard: Sendable, Equatable {
    /// Last heartbeat round trip, `nil` before the first ACK.
    public var gatewayLatency: Duration?
    /// How long the gateway session has been up, `nil` while it is down.
    public var gatewayUptime: Duration?
    /// The panel's request budgets and their use in the last minute.
    public var budgets: [PanelBudgetUse]
    /// Recent update cycles, oldest first.
    public var cycles: [CycleReport]
    /// Status messages tracked now.
    public var trackedEmbeds: Int
    /// Time since the bot started.
    public var uptime: Duration
    /// ``BotVersion/current``.
    public var version: String
    /// Lines the bot's features add (open alerts, where the nodes board is).
    public var featureFields: [Embed.Field] = []
    /// Each panel's own figures when the bot serves several; empty with one (the cycle figures describe it).
    public var panels: [PanelReport] = []

    /// Creates a card.
    public init(
        gatewayLatency: Duration?,
        gatewayUptime: Duration? = nil,
        budgets: [PanelBudgetUse] = [],
        cycles: [CycleReport],
        trackedEmbeds: Int,
        uptime: Duration,
        version: String
    ) {
        self.gatewayLatency = gatewayLatency
        self.gatewayUptime = gatewayUptime
        self.budgets = budgets
        self.cycles = cycles
        self.trackedEmbeds = trackedEmbeds
        self.uptime = uptime
        self.version = version
    }

    /// Mean time the cycles spent waiting for the panel, over cycles that made panel requests.
    public var averagePanelDuration: Duration? {
        let polled = cycles.filter { $0.panelRequests > 0 }
        guard !polled.isEmpty else { return nil }
        return polled.reduce(Duration.zero) { $0 + $1.panelDuration } / polled.count
    }

    /// Failed panel requests over all panel requests in the recent cycles; `nil` without requests.
    public var panelErrorRate: Double? {
        let requests = cycles.reduce(0) { $0 + $1.panelRequests }
        guard requests > 0 else { return nil }
        let errors = cycles.reduce(0) { $0 + $1.panelErrors }
        return Double(min(errors, requests)) / Double(requests)
    }

    /// The card as an embed.
    public var embed: Embed {
        let requests = cycles.reduce(0) { $0 + $1.panelRequests }
        let errors = cycles.reduce(0) { $0 + $1.panelErrors }
        let panelLatency = averagePanelDuration.map(Self.milliseconds) ?? "no data yet"
        let errorRate =
            panelErrorRate.map { "\(UnitFormatting.percent($0 * 100)) (\(errors)/\(requests) requests)" }
            ?? "no requests yet"
        let window = cycles.isEmpty ? "" : " (last \(cycles.count) cycle\(cycles.count == 1 ? "" : "s"))"
        let healthy =
            (panelErrorRate ?? 0) == 0 && gatewayLatency != nil && !panels.contains { $0.outage != nil }
        return Embed(
            title: "Bot status",
            color: healthy ? 0x57F287 : 0xFEE75C,
            fields: [
                Embed.Field(
                    name: "Gateway latency",
                    value: gatewayLatency.map(Self.milliseconds) ?? "unknown",
                    inline: true
                ),
                Embed.Field(
                    name: "Gateway session",
                    value: gatewayUptime.map { "up \(Self.uptimeText($0))" } ?? "down, reconnecting",
                    inline: true
                ),
                Embed.Field(name: "Panel latency\(window)", value: panelLatency, inline: true),
                Embed.Field(name: "Panel error rate", value: errorRate, inline: true),
                Embed.Field(name: "Panel budget (last minute)", value: budgetText, inline: true),
                Embed.Field(
                    name: "Last cycle",
                    value: cycles.last.map { Self.milliseconds($0.duration) } ?? "none yet",
                    inline: true
                ),
                Embed.Field(name: "Tracked embeds", value: String(trackedEmbeds), inline: true),
                Embed.Field(name: "Uptime", value: Self.uptimeText(uptime), inline: true),
                Embed.Field(name: "Version", value: version, inline: true),
            ] + panels.map(Self.panelField) + featureFields
        )
    }

    /// `Panel home`: `🟢 38 ms · errors 0 % (0/12) · client 12/720 (2 %)`.
    private static func panelField(_ report: PanelReport) -> Embed.Field {
        var parts = [report.outage == nil ? "🟢" : "🔴 \(report.outage?.userReason ?? "")"]
        parts.append(report.averageLatency.map(milliseconds) ?? "no data yet")
        if let rate = report.errorRate {
            parts.append("errors \(UnitFormatting.percent(rate * 100)) (\(report.failures)/\(report.requests))")
        }
        parts.append(budgetText(report.budgets))
        return Embed.Field(
            name: "Panel \(InteractionReplies.escaped(report.displayName))",
            value: parts.joined(separator: " · "),
            inline: false
        )
    }

    /// `client 312/720 (43 %) · application 2/240 (1 %)`.
    private var budgetText: String { Self.budgetText(budgets) }

    private static func budgetText(_ budgets: [PanelBudgetUse]) -> String {
        guard !budgets.isEmpty else { return "no limit" }
        return budgets.map { budget in
            "\(budget.budget) \(budget.requestsLastMinute)/\(budget.limitPerMinute) "
                + "(\(UnitFormatting.percent(budget.usedRatio * 100)))"
        }.joined(separator: " · ")
    }

    /// `42 ms`, `1.25 s`.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        if ms < 1000 { return "\(UnitFormatting.decimal(ms, places: 0)) ms" }
        return "\(UnitFormatting.decimal(ms / 1000, places: 2)) s"
    }

    static func uptimeText(_ duration: Duration) -> String {
        let (seconds, _) = duration.components
        return UnitFormatting.duration(milliseconds: Int(clamping: seconds) * 1000)
    }
}
