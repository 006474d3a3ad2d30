import DiscordModels

/// A file uploaded with a message, referenced from an embed as `attachment://<filename>`.
public struct UploadFile: Sendable, Hashable {
    /// File name, e.g. `graph.png`.
    public var filename: String
    /// MIME type, e.g. `image/png`.
    public var contentType: String
    /// The file's bytes.
    public var bytes: [UInt8]

    /// Creates an upload.
    public init(filename: String, contentType: String, bytes: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// A message as the bot wants it to look: payload (embeds, components) plus uploaded files.
public struct OutgoingMessage: Sendable, Hashable {
    /// Embeds, components and the `attachments` list.
    public var payload: MessagePayload
    /// Files to upload; an edit replaces the message's previous attachments with these.
    public var files: [UploadFile]

    /// Creates a message.
    public init(payload: MessagePayload, files: [UploadFile] = []) {
        self.payload = payload
        self.files = files
    }
}

/// Why a status message could not be written, in the terms the orchestrator acts on.
public enum MessageSinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message was deleted (Discord 10008): stop tracking it.
    case messageGone
    /// The channel was deleted or is unknown (Discord 10003): stop tracking it.
    case channelGone
    /// The bot may not see or write the channel (Discord 50001 / 50013): back off, keep tracking.
    case missingAccess(code: Int)
    /// Too many edits to a message older than an hour (Discord 30046): post a fresh one.
    case tooManyEditsToOldMessage
    /// Anything else; retried on the next cycle. The text is secret-free.
    case failed(String)

    public var description: String {
        switch self {
        case .messageGone: "message no longer exists"
        case .channelGone: "channel no longer exists"
        case .missingAccess(let code): "missing access to the channel (Discord \(code))"
        case .tooManyEditsToOldMessage: "too many edits to a message older than an hour"
        case .failed(let reason): reason
        }
    }
}

/// Where status messages go: Discord in production, an HTML preview in `demo` and `preview`.
///
/// The status updater only talks to this protocol, so it cannot tell the preview from Discord.
public protocol StatusMessageSink: Sendable {
    /// Posts a new message.
    /// - Parameters:
    ///   - channel: Target channel.
    ///   - message: Content and files.
    /// - Returns: The new message's ID.
    /// - Throws: ``MessageSinkError``.
    func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID

    /// Replaces a message's content, components and attachments.
    /// - Throws: ``MessageSinkError``.
    func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws

    /// Deletes a message; deleting one that is already gone succeeds.
    /// - Throws: ``MessageSinkError``.
    func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws
}
