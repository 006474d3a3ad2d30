import DiscordModels
import Pterodactyl

/// The `/bot_status` line about live stats: sockets live and connecting, servers polled, and each node that fell
/// back to polling with why. No command of its own.
public struct LiveStatsStatusFeature: InteractionFeature {
    private let host: LiveStatsHost

    /// Creates the feature.
    /// - Parameter host: Runs the panels' live-stats backends.
    public init(host: LiveStatsHost) {
        self.host = host
    }

    public var commands: [ApplicationCommand] { [] }

    public func claim(_ interaction: Interaction) -> String? { nil }

    public func answer(_ interaction: Interaction) async -> FeatureReply { .text("", failed: true) }

    public func statusField() async -> Embed.Field? {
        let backends = host.backends.sorted { $0.key < $1.key }
        guard !backends.isEmpty else { return nil }
        var lines: [String] = []
        for (panel, backend) in backends {
            lines.append(Self.line(panel: panel, status: await backend.liveStatus(), named: backends.count > 1))
        }
        return Embed.Field(name: "Live stats (Wings)", value: lines.joined(separator: "\n"), inline: false)
    }

    /// `12 live · 1 connecting · 3 polled; node-2 polled: Origin rejected (allowed_origins)`.
    static func line(panel: String, status: LiveStatsStatus, named: Bool) -> String {
        var text = named ? "\(InteractionReplies.escaped(panel)): " : ""
        text += "\(status.liveSockets) live · \(status.connectingSockets) connecting · \(status.polledServers) polled"
        for node in status.fallingBack {
            text +=
                "\n⚠️ \(InteractionReplies.escaped(node.node)) (\(node.servers) servers) polled: "
                + InteractionReplies.escaped(node.reason)
        }
        return truncateForDiscord(text, limit: DiscordLimits.embedFieldValue)
    }
}
