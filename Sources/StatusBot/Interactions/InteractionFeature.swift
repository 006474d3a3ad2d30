import DiscordModels

/// Slash commands and buttons that a feature adds (the nodes board, alerts), registered once in the composition
/// root. ``InteractionHandler`` authorizes, defers with a private reply, asks the feature, and edits the reply with
/// its answer; a new feature never adds a branch to the handler.
public protocol InteractionFeature: Sendable {
    /// The slash commands it adds, registered with the bot's own.
    var commands: [ApplicationCommand] { get }

    /// Whether the interaction is this feature's (one of its commands, or a component it made), decided from the
    /// interaction alone (no I/O).
    /// - Parameter interaction: The interaction as received.
    /// - Returns: A short, fixed label for logs and metrics (never an ID), or `nil` when it is not this feature's.
    func claim(_ interaction: Interaction) -> String?

    /// Answers a claimed interaction, after authorization and deferral.
    /// - Parameter interaction: The interaction.
    /// - Returns: The private reply.
    func answer(_ interaction: Interaction) async -> FeatureReply

    /// Deletes the messages this feature keeps up to date, for `/purge_embeds`.
    /// - Returns: Messages deleted, and messages that could not be deleted.
    func purge() async -> (deleted: Int, failed: Int)

    /// A field for `/bot_status` saying how the feature is doing, or `nil`.
    func statusField() async -> Embed.Field?
}

extension InteractionFeature {
    /// Keeps no messages by default.
    public func purge() async -> (deleted: Int, failed: Int) { (0, 0) }

    /// Nothing to say in `/bot_status` by default.
    public func statusField() async -> Embed.Field? { nil }
}

/// What a feature answers: the private reply, and whether the work failed (for metrics).
public struct FeatureReply: Sendable {
    /// The reply, shown only to the user who asked.
    public var payload: MessagePayload
    /// True when the work failed (the reply explains why).
    public var failed: Bool

    /// Creates a reply.
    public init(payload: MessagePayload, failed: Bool = false) {
        self.payload = payload
        self.failed = failed
    }

    /// A plain-text reply with no mentions.
    public static func text(_ content: String, failed: Bool = false) -> FeatureReply {
        FeatureReply(payload: MessagePayload(content: content, allowedMentions: AllowedMentions.none), failed: failed)
    }
}
