import Alerting
import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders alert messages: one message per alert or per burst of alerts, edited as they resolve or are
/// acknowledged, and short replies for recoveries and repeats. Pure.
public struct AlertMessageBuilder: Sendable {
    /// Lines a grouped message lists before "and N more" (an embed description holds 4096 characters).
    static let maxListedAlerts = 20

    /// Creates a builder.
    public init() {}

    /// The message that shows `alerts` (one or a group), with an Acknowledge button while any is open and
    /// unacknowledged, and the role mentions when `mention` is set.
    /// - Parameters:
    ///   - alerts: The alerts of the message, in posting order.
    ///   - mention: The roles to mention (a new, unacknowledged alert), or empty.
    /// - Returns: The message.
    public func message(for alerts: [Alert], mention roles: [RoleID] = []) -> OutgoingMessage {
        let embed = alerts.count == 1 ? Self.single(alerts[0]) : Self.group(alerts)
        let acknowledgeable = alerts.first { $0.isOpen && $0.acknowledgedBy == nil }
        let button = Button(
            style: .secondary,
            label: alerts.count == 1 ? "Acknowledge" : "Acknowledge all",
            customID: AlertButtonID.acknowledge(acknowledgeable?.id ?? alerts.first?.id ?? "").customID,
            emoji: ComponentEmoji(name: "👀"),
            disabled: acknowledgeable == nil
        )
        return OutgoingMessage(
            payload: MessagePayload(
                content: roles.isEmpty ? nil : Self.mentions(roles),
                embeds: [embed],
                components: [.actionRow(ActionRow([.button(button)]))],
                allowedMentions: roles.isEmpty ? AllowedMentions.none : AllowedMentions(parse: [], roles: roles)
            )
        )
    }

    /// A short reply under an alert message noting that `alerts` recovered.
    /// - Parameters:
    ///   - alerts: The resolved alerts.
    ///   - message: The alert message replied to.
    /// - Returns: The reply.
    public func recoveryReply(for alerts: [Alert], to message: MessageReferenceRequest) -> OutgoingMessage {
        let lines = alerts.prefix(Self.maxListedAlerts).map { alert in
            "✅ **\(alert.subjectName)**: \(Self.title(of: alert.key.kind).lowercased()) resolved"
                + (alert.resolvedAfter().map { " after \(Self.format($0))" } ?? "")
        }
        return reply(lines: lines, more: alerts.count - lines.count, to: message, mention: [])
    }

    /// A short reply under an alert message noting that `alerts` fired again soon after resolving.
    /// - Parameters:
    ///   - alerts: The re-opened alerts.
    ///   - message: The alert message replied to.
    ///   - roles: Roles to mention (none once acknowledged).
    /// - Returns: The reply.
    public func repeatReply(
        for alerts: [Alert],
        to message: MessageReferenceRequest,
        mention roles: [RoleID]
    ) -> OutgoingMessage {
        let lines = alerts.prefix(Self.maxListedAlerts).map { alert in
            "\(Self.emoji(for: alert)) **\(alert.subjectName)**: \(alert.summary) (again, "
                + "\(alert.repeatCount + 1) times)"
        }
        return reply(lines: lines, more: alerts.count - lines.count, to: message, mention: roles)
    }

    // MARK: - Embeds

    static func single(_ alert: Alert) -> Embed {
        var fields = [
            Embed.Field(name: "Since", value: Self.timestamp(alert.conditionSince), inline: true),
            Embed.Field(name: "Severity", value: alert.severity.rawValue.capitalized, inline: true),
        ]
        if let after = alert.resolvedAfter() {
            fields.append(Embed.Field(name: "Resolved", value: "after \(Self.format(after))", inline: true))
        }
        if alert.repeatCount > 0 {
            fields.append(Embed.Field(name: "Repeats", value: "\(alert.repeatCount)", inline: true))
        }
        if let by = alert.acknowledgedBy {
            fields.append(Embed.Field(name: "Acknowledged", value: Self.acknowledgement(by: by, alert), inline: true))
        }
        return Embed(
            title: "\(Self.emoji(for: alert)) \(Self.title(of: alert.key.kind)): \(alert.subjectName)",
            description: alert.isOpen ? alert.summary : "Resolved. Was: \(alert.summary)",
            timestamp: alert.firedAt.formatted(.iso8601),
            color: Self.color(of: [alert]),
            footer: Embed.Footer(text: "Alert \(alert.id)"),
            fields: fields
        )
    }

    static func group(_ alerts: [Alert]) -> Embed {
        let open = alerts.count { $0.isOpen }
        var lines = alerts.prefix(Self.maxListedAlerts).map { alert in
            var line = "\(Self.emoji(for: alert)) **\(alert.subjectName)**: "
            if alert.isOpen {
                line += "\(alert.summary), since \(Self.relative(alert.conditionSince))"
            } else {
                line +=
                    "~~\(alert.summary)~~ resolved"
                    + (alert.resolvedAfter().map { " after \(Self.format($0))" } ?? "")
            }
            if let by = alert.acknowledgedBy, alert.isOpen { line += " · acknowledged by \(Self.user(by))" }
            return line
        }
        if alerts.count > lines.count { lines.append("… and \(alerts.count - lines.count) more") }
        let title =
            open == 0
            ? "✅ \(alerts.count) alerts, all resolved"
            : "🚨 \(alerts.count) alerts at once (\(open) open)"
        return Embed(
            title: title,
            description: lines.joined(separator: "\n"),
            timestamp: (alerts.map(\.firedAt).min() ?? Date(timeIntervalSince1970: 0)).formatted(.iso8601),
            color: Self.color(of: alerts),
            footer: Embed.Footer(text: "Alerts \(alerts.map(\.id).prefix(5).joined(separator: ", "))")
        )
    }

    // MARK: - Wording

    /// What the alert kind means, for titles.
    public static func title(of kind: AlertKind) -> String {
        switch kind {
        case .serverStopped: "Server stopped"
        case .serverStuckStarting: "Server stuck starting"
        case .serverCPU: "High CPU"
        case .serverMemory: "High memory"
        case .serverDisk: "Disk nearly full"
        case .nodeUnreachable: "Node unreachable"
        case .nodeMemoryAllocated: "Node memory allocated"
        case .nodeDiskAllocated: "Node disk allocated"
        case .panelUnreachable: "Panel unreachable"
        case .panelKeyRefused: "Panel refuses the key"
        }
    }

    /// Red for an open critical alert, yellow for an open warning, green once everything resolved.
    static func color(of alerts: [Alert]) -> Int {
        let open = alerts.filter(\.isOpen)
        if open.isEmpty { return 0x57F287 }
        return open.contains { $0.severity == .critical } ? 0xED4245 : 0xFEE75C
    }

    static func emoji(for alert: Alert) -> String {
        guard alert.isOpen else { return "✅" }
        return alert.severity == .critical ? "🔴" : "🟡"
    }

    /// "45 s", "12 min", "3 h 5 min", "2 d 4 h".
    static func format(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return "\(seconds / 60) min"
        case ..<86_400:
            let minutes = seconds % 3600 / 60
            return "\(seconds / 3600) h" + (minutes > 0 ? " \(minutes) min" : "")
        default:
            let hours = seconds % 86_400 / 3600
            return "\(seconds / 86_400) d" + (hours > 0 ? " \(hours) h" : "")
        }
    }

    /// Discord shows each reader the date in their own time zone, and the exact time on hover.
    private static func timestamp(_ date: Date) -> String {
        "<t:\(Int(date.timeIntervalSince1970)):f>"
    }

    private static func relative(_ date: Date) -> String {
        "<t:\(Int(date.timeIntervalSince1970)):R>"
    }

    private static func user(_ id: String) -> String {
        id.allSatisfy(\.isNumber) ? "<@\(id)>" : id
    }

    private static func acknowledgement(by user: String, _ alert: Alert) -> String {
        Self.user(user) + (alert.acknowledgedAt.map { " \(relative($0))" } ?? "")
    }

    private static func mentions(_ roles: [RoleID]) -> String {
        roles.map { "<@&\($0.rawValue)>" }.joined(separator: " ")
    }

    private func reply(lines: [String], more: Int, to message: MessageReferenceRequest, mention roles: [RoleID])
        -> OutgoingMessage
    {
        var text = lines.joined(separator: "\n")
        if more > 0 { text += "\n… and \(more) more" }
        if !roles.isEmpty { text = Self.mentions(roles) + "\n" + text }
        return OutgoingMessage(
            payload: MessagePayload(
                content: String(text.prefix(2000)),
                allowedMentions: roles.isEmpty ? AllowedMentions.none : AllowedMentions(parse: [], roles: roles),
                messageReference: message
            )
        )
    }
}

/// The custom ID of the Acknowledge button under an alert message: `alert.ack:<alert id>`.
public enum AlertButtonID: Sendable, Hashable {
    /// Acknowledge the alert (and the other open alerts of its message).
    case acknowledge(String)

    private static let prefix = "alert.ack:"

    /// Parses a custom ID; `nil` for anything else.
    public init?(customID: String) {
        guard customID.hasPrefix(Self.prefix) else { return nil }
        let id = String(customID.dropFirst(Self.prefix.count))
        guard !id.isEmpty, id.count <= 40 else { return nil }
        self = .acknowledge(id)
    }

    /// The custom ID.
    public var customID: String {
        switch self {
        case .acknowledge(let id): Self.prefix + id
        }
    }
}
