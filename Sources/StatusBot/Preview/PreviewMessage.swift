import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A message as the preview holds it: what Discord would show after the bot's create and edits.
public struct PreviewMessage: Sendable, Hashable {
    /// The snowflake-like ID the preview gave it (increasing, like Discord's).
    public var id: MessageID
    /// The channel it was posted in.
    public var channel: ChannelID
    /// Content, embeds and components as last written.
    public var payload: MessagePayload
    /// The files attached now, written next to `index.html`.
    public var attachments: [PreviewAttachment]
    /// When it was created.
    public var createdAt: Date
    /// When it was last edited, if ever.
    public var editedAt: Date?
    /// How many times it was edited.
    public var editCount: Int

    /// Creates a preview message.
    public init(
        id: MessageID,
        channel: ChannelID,
        payload: MessagePayload,
        attachments: [PreviewAttachment],
        createdAt: Date,
        editedAt: Date? = nil,
        editCount: Int = 0
    ) {
        self.id = id
        self.channel = channel
        self.payload = payload
        self.attachments = attachments
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.editCount = editCount
    }
}

/// A file attached to a ``PreviewMessage`` and written to the preview folder.
public struct PreviewAttachment: Sendable, Hashable {
    /// The attachment's ID (kept by an edit that lists it in `payload.attachments`).
    public var id: AttachmentID
    /// The name the bot uploaded it under; `attachment://<filename>` in an embed refers to it.
    public var filename: String
    /// MIME type as uploaded.
    public var contentType: String
    /// The file's name in the preview folder (unique per upload, so browsers never show a stale image).
    public var storedName: String
    /// Size in bytes.
    public var size: Int

    /// Creates an attachment record.
    public init(id: AttachmentID, filename: String, contentType: String, storedName: String, size: Int) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.storedName = storedName
        self.size = size
    }

    /// True for `image/*` uploads.
    public var isImage: Bool { contentType.lowercased().hasPrefix("image/") }
}
