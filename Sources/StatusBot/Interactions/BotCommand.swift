import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The bot's slash commands, registered in the allowed guild with one bulk overwrite.
/// See https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
public enum BotCommand: String, Sendable, Hashable, CaseIterable {
    /// `/server_status`: pick a server and post its status message here.
    case serverStatus = "server_status"
    /// `/refresh_embeds`: refresh every tracked status message now.
    case refreshEmbeds = "refresh_embeds"
    /// `/purge_embeds`: delete every tracked status message.
    case purgeEmbeds = "purge_embeds"
    /// `/bot_status`: the bot's health card.
    case botStatus = "bot_status"

    /// The command's name as typed in Discord.
    public var name: String { rawValue }

    /// The definition sent to Discord.
    public var definition: ApplicationCommand {
        let description =
            switch self {
            case .serverStatus: "List the panel's servers and post a live status message for one in this channel"
            case .refreshEmbeds: "Refresh every tracked status message now"
            case .purgeEmbeds: "Delete every tracked status message"
            case .botStatus: "Show the bot's health: latency, panel errors, uptime"
            }
        // Guild-only; visible to everyone, because access is decided by the bot's own role check.
        return ApplicationCommand(name: name, description: description, dmPermission: false, contexts: [.guild])
    }

    /// Every command definition, in a stable order.
    public static var definitions: [ApplicationCommand] { allCases.map(\.definition) }

    /// A stable fingerprint of what would be registered where: the definitions (as sorted-key JSON), the
    /// application and the guild. Re-registration is needed exactly when it differs from the one last registered.
    /// - Parameters:
    ///   - commands: The definitions.
    ///   - applicationID: The bot's application.
    ///   - guildID: The guild the commands are registered in.
    /// - Returns: 16 hex digits (64-bit FNV-1a).
    public static func fingerprint(
        of commands: [ApplicationCommand],
        applicationID: ApplicationID,
        guildID: GuildID
    ) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types cannot fail; an empty body still yields a usable (if different) fingerprint.
        let json = (try? encoder.encode(commands)).map(Array.init) ?? []
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json + Array("|\(applicationID)|\(guildID)".utf8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
