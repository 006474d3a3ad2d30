import DiscordModels

/// Where a server's status message lives. Encoded as the Python bot wrote it:
/// `{"channel_id": "…", "message_id": "…"}`.
public struct EmbedLocation: Sendable, Hashable, Codable {
    /// The channel holding the message.
    public var channelID: ChannelID
    /// The status message.
    public var messageID: MessageID

    /// Creates a location.
    public init(channelID: ChannelID, messageID: MessageID) {
        self.channelID = channelID
        self.messageID = messageID
    }

    enum CodingKeys: String, CodingKey {
        case channelID = "channel_id"
        case messageID = "message_id"
    }
}
