import DiscordModels
import PanelCore

/// `/nodes`: posts the live Nodes message in the channel (moving it when it is elsewhere); `/purge_embeds`
/// removes it with the status messages.
public struct NodesBoardFeature: InteractionFeature {
    /// The command's name as typed in Discord.
    public static let commandName = "nodes"

    private let updater: NodesBoardUpdater

    /// Creates the feature.
    /// - Parameter updater: Keeps the board up to date.
    public init(updater: NodesBoardUpdater) {
        self.updater = updater
    }

    public var commands: [ApplicationCommand] {
        [
            ApplicationCommand(
                name: Self.commandName,
                description: "Post a live board of the panel's nodes (allocation, servers, health) in this channel",
                dmPermission: false,
                contexts: [.guild]
            )
        ]
    }

    public func claim(_ interaction: Interaction) -> String? {
        guard interaction.type == .applicationCommand,
            interaction.data?.applicationCommand?.name == Self.commandName
        else { return nil }
        return Self.commandName
    }

    public func answer(_ interaction: Interaction) async -> FeatureReply {
        guard let channel = interaction.channelID ?? interaction.channel?.id else {
            return .text(InteractionReplies.noChannel)
        }
        do {
            let posted = try await updater.post(in: channel)
            guard let failure = posted.listingFailure else {
                return .text("Posted the nodes board here; it stays up to date.")
            }
            return .text(
                "Posted the nodes board, but the panel did not list the nodes: \(failure.userReason). "
                    + Self.advice(for: failure),
                failed: true
            )
        } catch {
            return .text(
                "⚠️ Could not post the nodes board here: \(error). The bot needs View Channel, Send Messages and "
                    + "Embed Links in this channel.",
                failed: true
            )
        }
    }

    public func purge() async -> (deleted: Int, failed: Int) {
        await updater.purge()
    }

    public func statusField() async -> Embed.Field? {
        let location = await updater.location
        return Embed.Field(
            name: "Nodes board",
            value: location.map { "in <#\($0.channelID.rawValue)>" } ?? "not posted (use /nodes)",
            inline: true
        )
    }

    /// What to do when the nodes cannot be listed.
    static func advice(for failure: PanelFailure) -> String {
        switch failure.kind {
        case .keyRefused, .unsupported:
            "Nodes need an Application API key (Admin → Application API, ptla_ or Pelican papp_) with Read on "
                + "Nodes, Locations, Servers and Allocations, set as [Pterodactyl] ApplicationAPIKey "
                + "(PTERODACTYL_APPLICATION_API_KEY)."
        default:
            "The board fills in once the panel answers."
        }
    }
}
