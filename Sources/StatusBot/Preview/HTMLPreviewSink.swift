import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``StatusMessageSink`` that posts nowhere: it keeps the bot's messages in memory and, after every change,
/// rewrites `<folder>/index.html` showing them the way Discord draws them, with uploaded files (the graph PNGs)
/// written next to it and referenced by relative path. Used by `pterodisbot demo` and `pterodisbot preview`.
/// A reply (`payload.messageReference`) shows the first line of the message it answers, role and channel mentions
/// show as pills with their names, and Discord timestamps as UTC dates.
///
/// Creates get increasing snowflake-like IDs; an edit replaces content, embeds and components that it sets and the
/// attachments (with the uploaded files, plus any existing attachment its `payload.attachments` keeps); a delete
/// removes the message and its files. Editing a message that does not exist throws
/// ``MessageSinkError/messageGone``, as Discord's 10008 would. Every file is written atomically (temporary file and
/// rename), so a browser reloading the page never sees half of it.
public actor HTMLPreviewSink: StatusMessageSink {
    /// The folder holding `index.html` and the attachments.
    public nonisolated let folder: String
    /// The page's path, `<folder>/index.html`: print it for the user to open.
    public nonisolated var indexPath: String { folder + "/index.html" }

    private let title: String
    private let autoRefreshSeconds: Int?
    private let channelNames: [ChannelID: String]
    private let roleNames: [RoleID: String]
    private let now: @Sendable () -> Date

    /// Channels in the order their first message arrived.
    private var channelOrder: [ChannelID] = []
    /// Messages per channel, oldest first.
    private var messages: [ChannelID: [PreviewMessage]] = [:]
    private var lastSnowflake: UInt64 = 0
    private var uploadCounter = 0
    private var removedStaleFiles = false

    /// Creates a preview sink; nothing is written until the first message or ``writePage()``.
    /// - Parameters:
    ///   - folder: Where `index.html` and the attachments go (created when missing). Files this sink wrote in an
    ///     earlier run (`msg-*`) are removed on the first write; nothing else in the folder is touched.
    ///   - title: The page's heading.
    ///   - autoRefreshSeconds: Reload interval for a browser keeping the page open, or `nil` for none.
    ///   - channelNames: Display names for channels (the ID is shown otherwise), also for `<#id>` mentions.
    ///   - roleNames: Display names for `<@&id>` role mentions (the ID is shown otherwise).
    ///   - now: The clock for IDs and the "written at" line (tests pass a fixed one).
    public init(
        folder: String,
        title: String = "Pterodisbot preview",
        autoRefreshSeconds: Int? = 5,
        channelNames: [ChannelID: String] = [:],
        roleNames: [RoleID: String] = [:],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var folder = folder
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        self.folder = folder.isEmpty ? "." : folder
        self.title = title
        self.autoRefreshSeconds = autoRefreshSeconds
        self.channelNames = channelNames
        self.roleNames = roleNames
        self.now = now
    }

    // MARK: - StatusMessageSink

    /// Adds a message to the page.
    /// - Returns: A new snowflake-like ID, greater than every earlier one.
    /// - Throws: ``MessageSinkError/failed(_:)`` when the page or a file cannot be written (the message is not
    ///   kept then).
    public func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID {
        let date = now()
        let id = MessageID(nextSnowflake(at: date))
        let attachments = try writeFiles(message.files, for: id)
        let stored = PreviewMessage(
            id: id,
            channel: channel,
            payload: Self.normalized(message.payload),
            attachments: attachments,
            createdAt: date
        )
        if messages[channel] == nil { channelOrder.append(channel) }
        messages[channel, default: []].append(stored)
        do {
            try writePage()
        } catch {
            messages[channel]?.removeLast()
            removeFiles(attachments)
            throw error
        }
        return id
    }

    /// Replaces what the edit sets: content, embeds and components when present, and the attachments (the
    /// uploaded files plus existing ones listed by ID in `payload.attachments`).
    /// - Throws: ``MessageSinkError/messageGone`` for an unknown message; ``MessageSinkError/failed(_:)`` when
    ///   writing fails (the message keeps its previous look then).
    public func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws {
        guard let position = messages[channel]?.firstIndex(where: { $0.id == id }),
            let old = messages[channel]?[position]
        else {
            throw MessageSinkError.messageGone
        }
        let uploaded = try writeFiles(message.files, for: id)
        let keptIDs = Set((message.payload.attachments ?? []).map(\.id))
        let kept = old.attachments.filter { keptIDs.contains($0.id) }
        var updated = old
        let payload = message.payload
        if let content = payload.content { updated.payload.content = content }
        if let embeds = payload.embeds { updated.payload.embeds = embeds }
        if let components = payload.components { updated.payload.components = components }
        if let flags = payload.flags { updated.payload.flags = flags }
        updated.payload.attachments = nil
        updated.attachments = kept + uploaded
        updated.editedAt = now()
        updated.editCount += 1
        messages[channel]?[position] = updated
        do {
            try writePage()
        } catch {
            messages[channel]?[position] = old
            removeFiles(uploaded)
            throw error
        }
        // Only now that the page no longer references them.
        removeFiles(old.attachments.filter { !keptIDs.contains($0.id) })
    }

    /// Removes a message and its files from the page; an unknown message is already gone, which succeeds.
    /// - Throws: ``MessageSinkError/failed(_:)`` when the page cannot be written.
    public func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws {
        guard let position = messages[channel]?.firstIndex(where: { $0.id == id }),
            let old = messages[channel]?[position]
        else {
            return
        }
        messages[channel]?.remove(at: position)
        do {
            try writePage()
        } catch {
            messages[channel]?.insert(old, at: position)
            throw error
        }
        removeFiles(old.attachments)
    }

    // MARK: - Inspection

    /// The messages of one channel, oldest first.
    /// - Parameter channel: The channel.
    /// - Returns: The messages as the page shows them.
    public func messages(in channel: ChannelID) -> [PreviewMessage] {
        messages[channel] ?? []
    }

    /// Every message on the page, channel by channel, oldest first.
    public var allMessages: [PreviewMessage] {
        channelOrder.flatMap { messages[$0] ?? [] }
    }

    /// Writes the page now (also with no messages yet, so the demo can show a page from the start).
    /// - Throws: ``MessageSinkError/failed(_:)``.
    public func writePage() throws {
        prepareFolder()
        let page = PreviewPage(
            title: title,
            writtenAt: now(),
            autoRefreshSeconds: autoRefreshSeconds,
            channels: channelOrder.compactMap { channel in
                guard let list = messages[channel], !list.isEmpty else { return nil }
                return PreviewPage.Channel(id: channel, name: channelNames[channel], messages: list)
            },
            names: PreviewMarkup.Names(roles: roleNames, channels: channelNames)
        )
        do {
            try AtomicFileWriter.write(text: page.render(), to: indexPath)
        } catch {
            throw MessageSinkError.failed("preview: \(error)")
        }
    }

    // MARK: - Files

    private func writeFiles(_ files: [UploadFile], for id: MessageID) throws -> [PreviewAttachment] {
        prepareFolder()
        var written: [PreviewAttachment] = []
        for file in files {
            uploadCounter += 1
            let storedName = "msg-\(id.rawValue)-\(uploadCounter)-\(Self.safeName(file.filename))"
            do {
                try AtomicFileWriter.write(file.bytes, to: folder + "/" + storedName)
            } catch {
                removeFiles(written)
                throw MessageSinkError.failed("preview: \(error)")
            }
            written.append(
                PreviewAttachment(
                    id: AttachmentID(nextSnowflake(at: now())),
                    filename: file.filename,
                    contentType: file.contentType,
                    storedName: storedName,
                    size: file.bytes.count
                )
            )
        }
        return written
    }

    private func removeFiles(_ attachments: [PreviewAttachment]) {
        for attachment in attachments {
            // Best effort: a leftover image only costs disk space, and the page no longer shows it.
            try? FileManager.default.removeItem(atPath: folder + "/" + attachment.storedName)
        }
    }

    /// Creates the folder and, once, removes attachments an earlier run of a preview sink left there.
    private func prepareFolder() {
        guard !removedStaleFiles else { return }
        removedStaleFiles = true
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let known = Set(channelOrder.flatMap { messages[$0] ?? [] }.flatMap(\.attachments).map(\.storedName))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix("msg-") && !known.contains(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Keeps `[A-Za-z0-9._-]`, replaces anything else with `_`, and never starts with a dot.
    static func safeName(_ filename: String) -> String {
        var result = String(
            filename.unicodeScalars.map { scalar -> Character in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            }
        )
        while result.hasPrefix(".") { result.removeFirst() }
        return result.isEmpty ? "file" : String(result.suffix(80))
    }

    /// The payload as stored: the upload references are replaced by the attachments themselves.
    private static func normalized(_ payload: MessagePayload) -> MessagePayload {
        var payload = payload
        payload.attachments = nil
        return payload
    }

    /// A Discord-shaped snowflake: milliseconds since Discord's epoch in the top 42 bits, a counter below, and
    /// always greater than the previous one (even if the clock stands still or goes back).
    private func nextSnowflake(at date: Date) -> UInt64 {
        let milliseconds = max(0, date.timeIntervalSince1970 * 1000 - Double(MessageID.discordEpochMilliseconds))
        let candidate = UInt64(milliseconds.rounded(.down)) << 22
        lastSnowflake = max(candidate, lastSnowflake + 1)
        return lastSnowflake
    }
}
