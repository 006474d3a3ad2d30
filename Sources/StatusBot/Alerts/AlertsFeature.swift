import Alerting
import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/alerts` lists the open alerts privately; the Acknowledge button under an alert message records who saw it.
/// With alerts off, `/alerts` says how to turn them on.
public struct AlertsFeature: InteractionFeature {
    /// The command's name as typed in Discord.
    public static let commandName = "alerts"

    private let notifier: AlertNotifier?
    private let now: @Sendable () -> Date

    /// Creates the feature.
    /// - Parameters:
    ///   - notifier: The alerts, or `nil` when `[Alerts] ChannelID` is not set.
    ///   - now: The time of an acknowledgement.
    public init(notifier: AlertNotifier?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.notifier = notifier
        self.now = now
    }

    public var commands: [ApplicationCommand] {
        [
            ApplicationCommand(
                name: Self.commandName,
                description: "List the open alerts (only you see the list)",
                dmPermission: false,
                contexts: [.guild]
            )
        ]
    }

    public func claim(_ interaction: Interaction) -> String? {
        switch interaction.type {
        case .applicationCommand where interaction.data?.applicationCommand?.name == Self.commandName:
            Self.commandName
        case .messageComponent:
            interaction.data?.messageComponent.flatMap { AlertButtonID(customID: $0.customID) } != nil
                ? "alert_acknowledge" : nil
        default:
            nil
        }
    }

    public func answer(_ interaction: Interaction) async -> FeatureReply {
        guard let notifier else {
            return .text(
                "Alerts are off. Set [Alerts] ChannelID (or ALERTS_CHANNEL_ID) to the channel that should receive "
                    + "them and restart the bot."
            )
        }
        if let customID = interaction.data?.messageComponent?.customID,
            case .acknowledge(let alertID) = AlertButtonID(customID: customID)
        {
            guard let user = interaction.invokingUser?.id else { return .text(InteractionReplies.unsupported) }
            let acknowledged = await notifier.acknowledge(alertID, by: user, at: now())
            if acknowledged.isEmpty {
                return .text("Nothing to acknowledge: the alert was resolved or someone acknowledged it already.")
            }
            return .text(
                "Acknowledged \(acknowledged.count == 1 ? "the alert" : "\(acknowledged.count) alerts"); "
                    + "repeats will not mention roles."
            )
        }
        return Self.list(await notifier.openAlerts, waiting: await notifier.undeliveredCount)
    }

    public func statusField() async -> Embed.Field? {
        guard let notifier else { return Embed.Field(name: "Alerts", value: "off", inline: true) }
        let open = await notifier.openAlerts
        let waiting = await notifier.undeliveredCount
        let critical = open.count { $0.severity == .critical }
        var value = open.isEmpty ? "none open" : "\(open.count) open (\(critical) critical)"
        if waiting > 0 { value += ", \(waiting) waiting for Discord" }
        return Embed.Field(name: "Alerts", value: value, inline: true)
    }

    /// The private list of open alerts.
    static func list(_ alerts: [Alert], waiting: Int) -> FeatureReply {
        var note = ""
        if waiting > 0 { note = "\n\(waiting) alert message(s) wait for Discord and go out in order." }
        guard !alerts.isEmpty else { return .text("✅ No open alerts." + note) }
        let lines = alerts.prefix(AlertMessageBuilder.maxListedAlerts).map { alert in
            let emoji = alert.severity == .critical ? "🔴" : "🟡"
            var line =
                "\(emoji) **\(alert.subjectName)**: \(alert.summary) · since "
                + "<t:\(Int(alert.conditionSince.timeIntervalSince1970)):R>"
            if let by = alert.acknowledgedBy { line += " · acknowledged by <@\(by)>" }
            return line
        }
        var text = lines.joined(separator: "\n")
        if alerts.count > lines.count { text += "\n… and \(alerts.count - lines.count) more" }
        let embed = Embed(
            title: "\(alerts.count) open alert\(alerts.count == 1 ? "" : "s")",
            description: text + note,
            color: AlertMessageBuilder.color(of: alerts)
        )
        return FeatureReply(payload: MessagePayload(embeds: [embed], allowedMentions: AllowedMentions.none))
    }
}
