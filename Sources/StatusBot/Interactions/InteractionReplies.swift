import DiscordModels
import PanelCore

/// The texts of the bot's ephemeral replies. Pure, so tests read them without Discord.
public enum InteractionReplies {
    /// `Restart sent to Valheim-01`.
    /// - Parameters:
    ///   - signal: The signal sent.
    ///   - name: The server's name.
    /// - Returns: The confirmation.
    public static func powerSent(_ signal: PowerSignal, to name: String) -> String {
        "\(label(for: signal)) sent to \(escaped(name))"
    }

    /// The panel refused or did not answer a power signal (it is never retried).
    /// - Parameters:
    ///   - signal: The signal.
    ///   - name: The server's name.
    ///   - error: The panel's error.
    /// - Returns: A short explanation.
    public static func powerFailed(_ signal: PowerSignal, to name: String, error: PanelFailure) -> String {
        "⚠️ Could not send \(label(for: signal)) to \(escaped(name)): \(short(error)). Nothing was retried."
    }

    /// The address block for Show Address.
    /// - Parameter server: The server with its allocations.
    /// - Returns: Address (alias if set) and any additional ports.
    public static func address(of server: GameServer) -> String {
        guard let address = server.address else {
            if server.capabilities?.hasAddresses == false {
                let panel = server.panelName.map { " (\(escaped($0)))" } ?? ""
                return "\(escaped(server.name)) runs on a panel\(panel) that does not publish addresses: a PEON "
                    + "orchestrator keeps the host's address inside the game's container. Ask an admin for it."
            }
            return "\(escaped(server.name)) has no published address."
        }
        var text = "**\(escaped(server.name))**\nAddress: `\(address)`"
        let ports = server.additionalPorts
        if !ports.isEmpty {
            text += "\nAdditional ports: " + ports.map(String.init).joined(separator: ", ")
        }
        return text
    }

    /// After a server was picked in `/server_status`.
    /// - Parameter name: The server's name.
    /// - Returns: The confirmation.
    public static func tracking(_ name: String) -> String {
        "✅ Posted the live status of \(escaped(name)) in this channel; it updates automatically."
    }

    /// `/refresh_embeds` result.
    /// - Parameter report: What the refresh did.
    /// - Returns: The counts.
    public static func refreshed(_ report: CycleReport) -> String {
        guard report.tracked > 0 else { return "No status messages are tracked; nothing to refresh." }
        var text = "🔄 Refreshed \(report.tracked) tracked status message\(report.tracked == 1 ? "" : "s"): "
        text += "\(report.edited) updated, \(report.reposted) repaired (re-posted), \(report.dropped) dropped"
        if report.failed > 0 { text += ", \(report.failed) failed (retried next cycle)" }
        if report.panelErrors > 0 { text += ". The panel failed for \(report.panelErrors) server(s)" }
        return text + "."
    }

    /// `/purge_embeds` result.
    /// - Parameters:
    ///   - deleted: Messages deleted (or already gone).
    ///   - failed: Messages that could not be deleted.
    /// - Returns: The counts.
    public static func purged(deleted: Int, failed: Int) -> String {
        var text = "🗑️ Deleted \(deleted) status message\(deleted == 1 ? "" : "s")"
        if failed > 0 { text += "; \(failed) could not be deleted (remove them by hand)" }
        return text + ". No status messages are tracked now."
    }

    /// A panel error, shortened for a user.
    /// - Parameter error: The error.
    /// - Returns: `⚠️ The panel …`.
    public static func panelFailed(_ error: PanelFailure) -> String {
        "⚠️ The panel request failed: \(short(error)). Try again in a moment."
    }

    /// A button whose server is not tracked (any more), or that sits on an outdated message.
    public static let staleButton =
        "This status message is outdated or no longer tracked. Use `/server_status` to post a fresh one."

    /// A picked server the panel no longer lists.
    public static let unknownServer = "That server is not on the panel any more. Run `/server_status` again."

    /// A command the bot does not know (commands from an older version still shown by Discord).
    public static let unknownCommand = "This command is no longer supported. Discord will update the list shortly."

    /// A component the bot did not make, or whose `custom_id` is garbled or from an older version: outdated.
    public static let unsupported =
        "⌛ This control is outdated and does nothing now. Use `/server_status` to get fresh controls."

    /// The channel of the interaction is unknown (should not happen in a guild).
    public static let noChannel = "Discord did not say which channel this is; try again from a text channel."

    /// `Start`, `Stop`, `Restart`, `Kill`.
    /// - Parameter signal: The signal.
    /// - Returns: The button label.
    public static func label(for signal: PowerSignal) -> String {
        switch signal {
        case .start: "Start"
        case .stop: "Stop"
        case .restart: "Restart"
        case .kill: "Kill"
        }
    }

    /// Escapes Discord Markdown so a server name shows as typed (names are any UTF-8 up to 191 characters).
    /// - Parameter text: Untrusted text.
    /// - Returns: The text with `\ * _ ~ ` | > # -` and `[ ]` escaped where Markdown could use them.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\*_~`|>[]".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    static func short(_ error: PanelFailure) -> String {
        truncateForDiscord(String(describing: error), limit: 300)
    }
}
