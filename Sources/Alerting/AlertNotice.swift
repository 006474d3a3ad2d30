/// Where Discord put an alert message. Opaque to this target: the bot's channel and message snowflakes as text.
public struct AlertMessageRef: Sendable, Codable, Hashable {
    /// The channel's identifier.
    public var channelID: String
    /// The message's identifier.
    public var messageID: String

    /// Creates a reference.
    /// - Parameters:
    ///   - channelID: The channel's identifier.
    ///   - messageID: The message's identifier.
    public init(channelID: String, messageID: String) {
        self.channelID = channelID
        self.messageID = messageID
    }
}

/// One thing Discord must be told. The bot renders it when it sends it, from ``AlertOutbox/alerts(for:)``, so a
/// notice that waited in the queue shows the latest state of its alerts.
public struct AlertNotice: Sendable, Codable, Hashable, Identifiable {
    /// What to send.
    public enum Action: Sendable, Codable, Hashable {
        /// A new message listing these alerts (everything that opened in one cycle, however many).
        case post(alertIDs: [String])
        /// Re-render the message that holds this alert (a resolution, a re-open, an acknowledgement, a new figure).
        case edit(messageOf: String)
        /// A short reply to the alerts' message saying they recovered.
        case recoveryReply(alertIDs: [String])
        /// A short reply to the alerts' message saying they fired again; it mentions roles when
        /// ``AlertOutbox/mentionsDue(for:)`` says so (an edit alone notifies nobody).
        case repeatReply(alertIDs: [String])
    }

    /// A short identifier such as `n12`. A post's identifier also names the message it creates.
    public let id: String
    /// What to send.
    public let action: Action

    /// Creates a notice.
    /// - Parameters:
    ///   - id: The notice's identifier.
    ///   - action: What to send.
    public init(id: String, action: Action) {
        self.id = id
        self.action = action
    }

    /// The alerts the notice names directly (for an edit, the one alert whose message to re-render).
    public var alertIDs: [String] {
        switch action {
        case .post(let ids), .recoveryReply(let ids), .repeatReply(let ids): ids
        case .edit(let id): [id]
        }
    }
}
