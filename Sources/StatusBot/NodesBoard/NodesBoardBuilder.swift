import DiscordModels
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the **Nodes** message: one field per node with its location, maintenance mode, memory, disk and CPU
/// allocated against capacity, servers running, free allocations and health. Pure.
///
/// Use ``embed(for:)`` with ``NodesBoardChange/between(shown:current:)`` to decide whether to edit, and
/// ``message(for:)`` to send. Capacities come from the Application API (docs/pterodactyl-api.md §8.3): they include
/// over-allocation, and `nil` means unlimited; "allocated" is the sum of the servers' limits, not live usage.
public struct NodesBoardBuilder: Sendable {
    /// When allocations earn a warning.
    public var thresholds: NodesBoardThresholds

    /// Creates a builder.
    /// - Parameter thresholds: When allocations earn a warning (90 % memory, 95 % disk by default).
    public init(thresholds: NodesBoardThresholds = NodesBoardThresholds()) {
        self.thresholds = thresholds
    }

    /// How a node stands on the board, worst last: it picks the field's marker and the embed's colour.
    public enum Severity: Sendable, Comparable {
        /// Reachable, in service, allocations below the thresholds.
        case healthy
        /// Maintenance mode, an allocation above its threshold, or health unknown.
        case warning
        /// Unreachable.
        case down
    }

    /// Side-bar colour when every node is healthy.
    public static let healthyColor = 0x57F287
    /// Side-bar colour when a node has a warning and none is down.
    public static let warningColor = 0xFEE75C
    /// Side-bar colour when a node is down, or when the key cannot read nodes (an admin must act).
    public static let downColor = 0xED4245
    /// Side-bar colour when nothing can be told: no nodes, a panel without nodes, or a listing that failed for a
    /// passing reason (the panel is down, the rate limit).
    public static let neutralColor = StatusEmbedBuilder.staleColor

    // MARK: - Message

    /// The board as a message: the embed, no components, no attachments (an edit removes any earlier ones) and no
    /// mentions.
    /// - Parameter snapshot: What to show.
    /// - Returns: The message, within Discord's limits.
    public func message(for snapshot: NodesBoardSnapshot) -> OutgoingMessage {
        let payload = MessagePayload(
            embeds: [embed(for: snapshot)],
            components: [],
            attachments: [],
            allowedMentions: AllowedMentions(parse: [])
        )
        return OutgoingMessage(payload: payload.clampedToLimits())
    }

    /// The board's embed: the nodes, or only the failure when the listing failed before ever working.
    /// - Parameter snapshot: What to show.
    /// - Returns: The embed, within Discord's limits (25 fields, 1024 characters a value, 6000 in all).
    public func embed(for snapshot: NodesBoardSnapshot) -> Embed {
        if let failure = snapshot.listingFailure, snapshot.listedAt == nil {
            return failureEmbed(failure, snapshot)
        }
        return nodesEmbed(snapshot.nodes, snapshot)
    }

    /// How `node` stands, given its health.
    /// - Parameters:
    ///   - node: The node as listed.
    ///   - health: Its health, `nil` when not checked yet.
    /// - Returns: ``Severity/down`` when unreachable, ``Severity/warning`` for maintenance, an allocation above
    ///   its threshold or unknown health, ``Severity/healthy`` otherwise.
    public func severity(of node: PanelNodeSummary, health: NodeHealth?) -> Severity {
        guard let health else { return .warning }
        if health.isUnreachable { return .down }
        // A spare node the key sees no server on is not trouble; any other unknown is worth a look.
        if health == .unknown(.noServers) && !node.isInMaintenance { return .healthy }
        if health.isUnknown || node.isInMaintenance { return .warning }
        if isAbove(node.memoryAllocatedMiB, node.memoryCapacityMiB, thresholds.memoryWarningPercent) {
            return .warning
        }
        if isAbove(node.diskAllocatedMiB, node.diskCapacityMiB, thresholds.diskWarningPercent) { return .warning }
        return .healthy
    }

    // MARK: - Nodes

    private struct NodeField {
        var index: Int
        var severity: Severity
        var field: Embed.Field
        var cost: Int { length(field.name) + length(field.value) }
    }

    private static let title = "Nodes"

    private func nodesEmbed(_ nodes: [PanelNodeSummary], _ snapshot: NodesBoardSnapshot) -> Embed {
        let built = nodes.enumerated().map { index, node in
            let health = snapshot.health[node.name]
            let severity = severity(of: node, health: health)
            return NodeField(
                index: index,
                severity: severity,
                field: field(node, severity, health: health, count: snapshot.serverCounts[node.name])
            )
        }
        let worst = built.map(\.severity).max()
        var embed = Embed(
            title: Self.title,
            description: summary(nodes, built, snapshot),
            timestamp: snapshot.listedAt?.formatted(.iso8601),
            color: worst.map(Self.color(for:)) ?? Self.neutralColor,
            footer: Embed.Footer(text: footer(snapshot.panelName, "nodes listed"))
        )
        let budget = DiscordLimits.embedTotal - embed.totalLength
        embed.fields = Self.fitted(built, budget: budget)
        return embed.clampedToLimits()
    }

    /// The fields that fit Discord's limits, in panel order. When some do not, the worst nodes are kept first (a
    /// node that is down must not be the one left out) and a last field says how many are missing.
    private static func fitted(_ built: [NodeField], budget: Int) -> [Embed.Field] {
        if built.count <= DiscordLimits.embedFields && built.reduce(0, { $0 + $1.cost }) <= budget {
            return built.map(\.field)
        }
        let reserve = length(moreField(count: built.count).name) + length(moreField(count: built.count).value)
        var used = reserve
        var chosen: [NodeField] = []
        for item in built.sorted(by: { ($1.severity, $0.index) < ($0.severity, $1.index) })
        where chosen.count < DiscordLimits.embedFields - 1 && used + item.cost <= budget {
            chosen.append(item)
            used += item.cost
        }
        let shown = chosen.sorted { $0.index < $1.index }.map(\.field)
        return shown + [moreField(count: built.count - chosen.count)]
    }

    private static func moreField(count: Int) -> Embed.Field {
        Embed.Field(name: "…", value: "and \(count) more node\(count == 1 ? "" : "s")", inline: false)
    }

    private func summary(_ nodes: [PanelNodeSummary], _ built: [NodeField], _ snapshot: NodesBoardSnapshot) -> String {
        guard let listedAt = snapshot.listedAt else { return "Waiting for the first node listing." }
        let staleNote = snapshot.listingFailure.map { failure in
            // Capacities come from the listing; health and counts from this cycle's polls, so only the former
            // are old.
            "\n⚠️ The latest node listing failed (\(failure.userReason)): capacities are from "
                + "<t:\(Int(listedAt.timeIntervalSince1970)):R>; health is current."
        }
        guard !nodes.isEmpty else { return "The panel lists no nodes." + (staleNote ?? "") }
        let down = built.filter { $0.severity == .down }.map { nodes[$0.index].name }
        let warnings = built.count { $0.severity == .warning }
        var parts = ["**\(nodes.count)** node\(nodes.count == 1 ? "" : "s")"]
        parts.append("\(built.count - down.count - warnings) healthy")
        if warnings > 0 { parts.append("\(warnings) with a warning") }
        if !down.isEmpty { parts.append("\(down.count) unreachable") }
        var text = parts.joined(separator: " · ")
        if !down.isEmpty {
            // Named here too, so an outage is visible even when its field had to be left out.
            let names = down.prefix(10).map { truncateForDiscord(InteractionReplies.escaped($0), limit: 60) }
            text += "\n🔴 Unreachable: " + names.joined(separator: ", ") + (down.count > 10 ? ", …" : "")
        }
        return truncateForDiscord(text + (staleNote ?? ""), limit: 1500)
    }

    private func field(
        _ node: PanelNodeSummary,
        _ severity: Severity,
        health: NodeHealth?,
        count: NodeServerCount?
    ) -> Embed.Field {
        let marker =
            switch severity {
            case .down: "🔴"
            case .warning: node.isInMaintenance ? "🛠️" : "🟡"
            case .healthy: "🟢"
            }
        var lines: [String] = []
        if let location = node.location, !location.isEmpty {
            lines.append("📍 " + truncateForDiscord(InteractionReplies.escaped(location), limit: 100))
        }
        if node.isInMaintenance { lines.append("🛠️ Maintenance mode") }
        lines.append(
            "Memory: "
                + allocation(
                    node.memoryAllocatedMiB,
                    of: node.memoryCapacityMiB,
                    warnAbove: thresholds.memoryWarningPercent,
                    format: Self.mebibytes
                )
        )
        lines.append(
            "Disk: "
                + allocation(
                    node.diskAllocatedMiB,
                    of: node.diskCapacityMiB,
                    warnAbove: thresholds.diskWarningPercent,
                    format: Self.mebibytes
                )
        )
        if let cpu = node.cpuAllocatedPercent {
            lines.append("CPU: " + allocation(cpu, of: node.cpuCapacityPercent, warnAbove: nil) { "\($0)%" })
        }
        if let count, count.total > 0 {
            lines.append("Servers: \(count.running) of \(count.total) running")
        } else {
            lines.append("Servers: none seen")
        }
        if let free = node.freeAllocations { lines.append("Free allocations: \(free)") }
        lines.append("Health: " + Self.healthText(health))
        return Embed.Field(
            name: truncateForDiscord("\(marker) \(InteractionReplies.escaped(node.name))", limit: 256),
            value: truncateForDiscord(lines.joined(separator: "\n"), limit: DiscordLimits.embedFieldValue),
            inline: true
        )
    }

    /// `24 GiB / 32 GiB (75.0%)`, `400 GiB / ∞ (unlimited)`, with ⚠️ above the threshold.
    private func allocation(
        _ allocated: Int,
        of capacity: Int?,
        warnAbove threshold: Double?,
        format: (Int) -> String
    ) -> String {
        guard let capacity else { return "\(format(allocated)) / ∞ (unlimited)" }
        var text = "\(format(allocated)) / \(format(capacity))"
        if capacity > 0 {
            text += " (\(UnitFormatting.percent(Double(allocated) * 100 / Double(capacity))))"
        }
        if let threshold, isAbove(allocated, capacity, threshold) { text += " ⚠️" }
        return text
    }

    private func isAbove(_ allocated: Int, _ capacity: Int?, _ threshold: Double) -> Bool {
        guard let capacity else { return false }  // unlimited never fills up
        guard capacity > 0 else { return allocated > 0 }
        return Double(allocated) * 100 / Double(capacity) > threshold
    }

    private static func mebibytes(_ value: Int) -> String {
        UnitFormatting.bytes(value * 1_048_576)
    }

    /// `reachable`, `unreachable since <t:…:t> (<t:…:R>)`, `unknown (the key sees no server there)`.
    ///
    /// Discord's timestamp markup shows each reader their own time zone, and the relative part keeps counting
    /// without an edit.
    static func healthText(_ health: NodeHealth?) -> String {
        switch health {
        case .reachable: return "reachable"
        case .unreachable(let since):
            let unix = Int(since.timeIntervalSince1970)
            return "unreachable since <t:\(unix):t> (<t:\(unix):R>)"
        case .unknown(let reason):
            let why =
                switch reason {
                case .noServers: "the key sees no server there"
                case .inconclusive: "no server there could be checked"
                case .panelUnreachable: "the panel cannot be reached"
                case .noNodeAnswered: "the panel reaches none of its nodes"
                }
            return "unknown (\(why))"
        case nil: return "unknown (not checked yet)"
        }
    }

    /// The side-bar colour of the worst node's severity.
    static func color(for severity: Severity) -> Int {
        switch severity {
        case .healthy: healthyColor
        case .warning: warningColor
        case .down: downColor
        }
    }

    // MARK: - Failure

    /// The listing never worked: say why, and for a refused key which key to create. No timestamp: there is no
    /// listing time to show.
    private func failureEmbed(_ failure: PanelFailure, _ snapshot: NodesBoardSnapshot) -> Embed {
        let detail = truncateForDiscord(InteractionReplies.escaped(failure.detail), limit: 1000)
        let key = SettingSpec.applicationAPIKey
        let description: String
        let color: Int
        switch failure.kind {
        case .keyRefused:
            // Only an Application API key reads nodes (§8.3); name exactly what to create so an admin can act.
            description = """
                ⚠️ The bot cannot read the panel's nodes: \(detail)

                Create an **Application API** key (Admin → Application API) with **Read** permission on \
                **Nodes**, **Locations**, **Servers** and **Allocations**, and set it as \
                `\(key.environmentVariable)` (or `\(key.location)` in the config file). \
                This board fills in at the next listing.
                """
            color = Self.downColor
        case .unsupported:
            description = "This panel does not list its nodes (\(detail)), so there is nothing to show here."
            color = Self.neutralColor
        default:
            description = """
                ⚠️ The node listing failed: \(failure.userReason) (\(detail)).
                The bot tries again at the next listing.
                """
            color = Self.neutralColor
        }
        return Embed(
            title: Self.title,
            description: description,
            color: color,
            footer: Embed.Footer(text: footer(snapshot.panelName, "node listing failed"))
        )
        .clampedToLimits()
    }

    private func footer(_ panelName: String, _ what: String) -> String {
        // Footers show no Markdown or timestamp markup; the time is the embed's timestamp, which Discord shows
        // after the footer in each reader's time zone.
        "\(truncateForDiscord(panelName, limit: 100)) • \(what)"
    }
}

/// Length as Discord counts it against its limits (Unicode code points).
private func length(_ text: String) -> Int {
    text.unicodeScalars.count
}
