import DiscordModels
import PanelCore

/// What an interaction asks the bot to do, decided from its type, command name or component `custom_id` alone
/// (no I/O). ``InteractionHandler`` performs it after authorization.
public enum InteractionAction: Sendable, Hashable {
    /// A PING (only sent to HTTP endpoints; answered with PONG for completeness).
    case ping
    /// A slash command of this bot.
    case command(BotCommand)
    /// Start, Stop or Restart under a status message.
    case power(PowerSignal, ServerID)
    /// Show Address under a status message.
    case showAddress(ServerID)
    /// A server picked in the `/server_status` select; the raw value still has to be validated.
    case pickServer(String)
    /// Previous/Next in the `/server_status` reply: show this page (clamped later).
    case showPickerPage(Int)
    /// A command or component claimed by an ``InteractionFeature``, with the feature's label for it.
    case feature(String)
    /// A command this bot does not (or no longer) define.
    case unknownCommand(String)
    /// A component this bot did not make, a garbled or outdated `custom_id`, or a type it does not handle (modals,
    /// autocomplete). Answered at once (no deferral, no panel call) with an ephemeral "this control is outdated",
    /// after authorization like everything else.
    case unsupported

    /// Maps an interaction to its action.
    /// - Parameter interaction: The interaction as received.
    /// - Returns: The action.
    public static func route(_ interaction: Interaction) -> InteractionAction {
        switch interaction.type {
        case .ping:
            return .ping
        case .applicationCommand:
            guard let name = interaction.data?.applicationCommand?.name else { return .unsupported }
            return BotCommand(rawValue: name).map(InteractionAction.command) ?? .unknownCommand(name)
        case .messageComponent:
            guard let data = interaction.data?.messageComponent else { return .unsupported }
            if let button = StatusButtonID(customID: data.customID) {
                switch button {
                case .power(let signal, let server): return .power(signal, server)
                case .showAddress(let server): return .showAddress(server)
                }
            }
            switch ServerPicker.ComponentID(customID: data.customID) {
            case .select:
                guard let value = data.values?.first else { return .unsupported }
                return .pickServer(value)
            case .previous(let page):
                return .showPickerPage(max(page - 1, 0))
            case .next(let page):
                return .showPickerPage(min(page + 1, ServerPicker.ComponentID.maxPage))
            case nil:
                return .unsupported
            }
        case .applicationCommandAutocomplete, .modalSubmit, .unknown:
            return .unsupported
        }
    }

    /// The first answer to send once authorized, before any panel or Discord work: a deferral (type 5 ephemeral
    /// for a new reply, type 6 when the picker message itself will be edited), PONG, or `nil` when the action
    /// answers at once with a message.
    ///
    /// Deferring first keeps every answer inside Discord's 3-second window however slow the panel is.
    /// See https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
    public var acknowledgement: InteractionResponse? {
        switch self {
        case .ping: .pong
        case .command, .power, .showAddress, .feature: .deferredMessage(ephemeral: true)
        case .pickServer, .showPickerPage: .deferredUpdate
        case .unknownCommand, .unsupported: nil
        }
    }

    /// The panel server the action is about, if any.
    public var server: ServerID? {
        switch self {
        case .power(_, let id), .showAddress(let id): id
        default: nil
        }
    }
}
