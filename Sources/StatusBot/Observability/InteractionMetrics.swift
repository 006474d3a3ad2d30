import CoreMetrics
import PanelCore

/// Counts interactions by kind and outcome, and refusals by reason. Kinds are the bot's own commands and
/// controls, never user input, so the label set stays small.
struct InteractionMetrics: Sendable {
    /// How an interaction ended.
    enum Outcome: String {
        /// Answered with the result.
        case answered
        /// Refused by the guild and role check.
        case refused
        /// Answered with an error (the panel failed, the channel is not writable).
        case failed
        /// Discord refused the callback or the edit of the reply (usually: too late).
        case replyFailed = "reply_failed"
        /// The bot shut down while working on it.
        case cancelled
    }

    private let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(_ action: InteractionAction, _ outcome: Outcome) {
        Counter(
            label: "pterodisbot_interactions_total",
            dimensions: [("kind", Self.kind(of: action)), ("outcome", outcome.rawValue)],
            factory: factory
        ).increment()
    }

    func refused(_ reason: AuthorizationRefusal) {
        Counter(
            label: "pterodisbot_interaction_refusals_total",
            dimensions: [("reason", Self.label(of: reason))],
            factory: factory
        ).increment()
    }

    static func kind(of action: InteractionAction) -> String {
        switch action {
        case .ping: "ping"
        case .command(let command): command.name
        case .power(let signal, _): "power_\(signal.rawValue)"
        case .showAddress: "show_address"
        case .pickServer: "pick_server"
        case .showPickerPage: "picker_page"
        case .feature(let label): label
        case .unknownCommand: "unknown_command"
        case .unsupported: "unsupported"
        }
    }

    static func label(of reason: AuthorizationRefusal) -> String {
        switch reason {
        case .directMessage: "direct_message"
        case .wrongGuild: "wrong_guild"
        case .missingRole: "missing_role"
        case .rolesNotLoaded: "roles_not_loaded"
        }
    }
}
