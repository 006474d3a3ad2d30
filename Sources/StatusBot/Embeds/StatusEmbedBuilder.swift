import DiscordModels
import GameQuery
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the status message of one server: the embed, its graph attachment and the power buttons.
public struct StatusEmbedBuilder: Sendable {
    /// Shown in the footer, e.g. "updates every 10 s".
    public var updateInterval: Duration

    /// Creates a builder.
    public init(updateInterval: Duration) {
        self.updateInterval = updateInterval
    }

    /// The message for `snapshot`, with `graphPNG` attached and shown as the embed image when given.
    public func message(for snapshot: ServerSnapshot, graphPNG: [UInt8]?) -> OutgoingMessage {
        let server = snapshot.server
        var embed = Embed(
            title: server.name,
            description: description(for: snapshot),
            timestamp: snapshot.observedAt.formatted(.iso8601),
            color: snapshot.isStale ? Self.staleColor : Self.color(for: snapshot.state),
            footer: Embed.Footer(text: footer(for: snapshot)),
            fields: fields(for: snapshot)
        )
        var files: [UploadFile] = []
        var attachments: [AttachmentReference] = []
        if let graphPNG {
            let filename = "graph-\(server.id.rawValue).png"
            files.append(UploadFile(filename: filename, contentType: "image/png", bytes: graphPNG))
            attachments.append(AttachmentReference(upload: 0, filename: filename))
            embed.image = .attachment(filename)
        }
        let payload = MessagePayload(
            embeds: [embed],
            components: snapshot.state == .removed ? [] : [.actionRow(ActionRow(buttons(for: snapshot)))],
            // An empty list on edit removes the previous graph when none is attached now.
            attachments: attachments,
            allowedMentions: AllowedMentions(parse: [])
        )
        return OutgoingMessage(payload: payload.clampedToLimits(), files: files)
    }

    // MARK: - Parts

    /// Embed colour of values that are not current.
    public static let staleColor = 0x80848E

    /// Embed colour: green running, amber in transition, red offline, grey when the panel can't tell.
    public static func color(for state: ServerState) -> Int {
        switch state {
        case .running: 0x57F287
        case .starting, .stopping: 0xFEE75C
        case .offline: 0xED4245
        case .suspended, .installing, .transferring, .restoringBackup, .nodeMaintenance, .nodeOffline, .removed,
            .panelUnreachable, .unknown:
            staleColor
        }
    }

    /// A one-character marker for lists and the state field.
    public static func emoji(for state: ServerState) -> String {
        switch state {
        case .running: "🟢"
        case .starting, .stopping: "🟡"
        case .offline: "🔴"
        case .suspended: "⛔"
        case .installing, .transferring, .restoringBackup: "🛠️"
        case .nodeMaintenance, .nodeOffline, .panelUnreachable: "⚠️"
        case .removed: "🗑️"
        case .unknown: "❔"
        }
    }

    private func description(for snapshot: ServerSnapshot) -> String? {
        let seen = "<t:\(Int(snapshot.observedAt.timeIntervalSince1970)):R>"
        switch snapshot.state {
        case .removed:
            return snapshot.server.id.panel == nil
                ? "This server no longer exists on the panel. The bot has stopped tracking it."
                : "This server no longer exists on its panel, or the panel was removed from the bot's configuration. "
                    + "The bot has stopped tracking it."
        case .panelUnreachable:
            return "⚠️ The panel cannot be reached. Values below were last seen \(seen); "
                + "the bot retries every cycle."
        case .nodeOffline:
            return "⚠️ The node (Wings) hosting this server is not answering. Values below were last seen \(seen)."
        case .nodeMaintenance:
            return "🛠️ The node is under maintenance."
        case .suspended:
            return "⛔ This server is suspended by the host."
        case .installing:
            return "🛠️ The server is being installed."
        case .transferring:
            return "🛠️ The server is being moved to another node."
        case .restoringBackup:
            return "🛠️ A backup is being restored."
        case .unknown, .running, .starting, .stopping, .offline:
            if let reason = snapshot.staleReason {
                return "⚠️ Not current: \(reason). Values below were last seen \(seen); the bot retries every cycle."
            }
            return snapshot.server.description.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    private func fields(for snapshot: ServerSnapshot) -> [Embed.Field] {
        let server = snapshot.server
        let state = "\(Self.emoji(for: snapshot.state)) \(snapshot.state.description.capitalizedFirst)"
        var fields = [Embed.Field(name: "State", value: state, inline: true)]
        if let resources = snapshot.resources, snapshot.state != .removed {
            let live =
                snapshot.state == .running || snapshot.state == .starting || snapshot.state == .stopping
                || snapshot.isStale
            if live {
                fields.append(Embed.Field(name: "CPU", value: cpuText(resources, server.limits), inline: true))
                fields.append(
                    Embed.Field(
                        name: "Memory",
                        value: resources.reports(.memory)
                            ? usage(resources.memoryBytes, of: server.limits.memoryBytes) : Self.notReported,
                        inline: true
                    )
                )
            }
            fields.append(
                Embed.Field(
                    name: "Disk",
                    value: resources.reports(.disk)
                        ? usage(resources.diskBytes, of: server.limits.diskBytes) : Self.notReported,
                    inline: true
                )
            )
            if live {
                fields.append(
                    Embed.Field(
                        name: "Network",
                        value: resources.reports(.network)
                            ? "↓ \(UnitFormatting.bytes(resources.networkRxBytes)) "
                                + "↑ \(UnitFormatting.bytes(resources.networkTxBytes))" : Self.notReported,
                        inline: true
                    )
                )
                fields.append(
                    Embed.Field(
                        name: "Uptime",
                        value: resources.reports(.uptime)
                            ? UnitFormatting.duration(milliseconds: resources.uptimeMilliseconds) : Self.notReported,
                        inline: true
                    )
                )
            }
        }
        if let players = snapshot.players, snapshot.state == .running {
            fields.append(Embed.Field(name: "Players", value: Self.playersText(players), inline: true))
        }
        if let node = server.nodeName, !node.isEmpty {
            fields.append(Embed.Field(name: "Node", value: node, inline: true))
        }
        if let address = server.address {
            fields.append(Embed.Field(name: "Address", value: "`\(address)`", inline: true))
        }
        return fields
    }

    /// `12 / 40`, then up to ten names the server shared (escaped: names are whatever players chose).
    static func playersText(_ players: PlayerCount) -> String {
        var text = "\(players.online) / \(players.max)"
        let names = players.names.prefix(10).map(InteractionReplies.escaped)
        if !names.isEmpty {
            text += "\n" + names.joined(separator: ", ")
            if players.online > names.count { text += ", …" }
        }
        return text
    }

    /// A figure the panel does not give (PEON has no disk or uptime), or could not work out this time: never 0.
    static let notReported = "not reported"

    private func cpuText(_ resources: ServerResources, _ limits: ServerLimits) -> String {
        guard resources.reports(.cpu) else { return Self.notReported }
        let used = UnitFormatting.percent(resources.cpuAbsolute)
        guard limits.cpuPercent > 0 else { return "\(used) (unlimited)" }
        let cores = UnitFormatting.decimal(
            Double(limits.cpuPercent) / 100,
            places: limits.cpuPercent % 100 == 0 ? 0 : 1
        )
        return "\(used) of \(limits.cpuPercent)% (\(cores) vCPU)"
    }

    private func usage(_ used: Int, of limit: Int?) -> String {
        guard let limit else { return "\(UnitFormatting.bytes(used)) (unlimited)" }
        return "\(UnitFormatting.bytes(used)) / \(UnitFormatting.bytes(limit))"
    }

    private func footer(for snapshot: ServerSnapshot) -> String {
        let seconds = updateInterval.components.seconds
        let panel = snapshot.server.panelName.map { "\($0) • " } ?? ""
        return "Pterodisbot • \(panel)\(snapshot.server.id.local) • checks every \(seconds) s"
    }

    private func buttons(for snapshot: ServerSnapshot) -> [Component] {
        let id = snapshot.server.id
        let state = snapshot.state
        let powerKnown = state.isPowerState
        let canStart = powerKnown && state == .offline
        let canStop = powerKnown && (state == .running || state == .starting)
        let canRestart = powerKnown && state != .stopping
        return [
            .button(
                Button(
                    style: .success,
                    label: "Start",
                    customID: StatusButtonID.power(.start, id).customID,
                    disabled: !canStart
                )
            ),
            .button(
                Button(
                    style: .danger,
                    label: "Stop",
                    customID: StatusButtonID.power(.stop, id).customID,
                    disabled: !canStop
                )
            ),
            .button(
                Button(
                    style: .primary,
                    label: "Restart",
                    customID: StatusButtonID.power(.restart, id).customID,
                    disabled: !canRestart
                )
            ),
            .button(
                Button(
                    style: .secondary,
                    label: "Show Address",
                    customID: StatusButtonID.showAddress(id).customID,
                    // A panel that never publishes addresses (PEON) keeps it: the answer explains why.
                    disabled: snapshot.server.address == nil && snapshot.server.capabilities?.hasAddresses != false
                )
            ),
        ]
    }
}

extension String {
    /// `running` → `Running`.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
