import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Draws preview messages as one self-contained HTML page that looks like Discord's dark theme: the embed's colour
/// bar, author, title, description, fields (inline fields up to three per row), image, footer with timestamp, and
/// the buttons below in Discord's colours; a reply shows the line of the message it answers above it, and
/// mentions show as pills. Pure: the same input gives the same page.
struct PreviewPage {
    /// One channel's section.
    struct Channel {
        var id: ChannelID
        var name: String?
        var messages: [PreviewMessage]
    }

    var title: String
    var writtenAt: Date
    var autoRefreshSeconds: Int?
    var channels: [Channel]
    /// Display names of mentioned roles and channels.
    var names = PreviewMarkup.Names()

    private typealias Markup = PreviewMarkup

    func render() -> String {
        let messageCount = channels.reduce(0) { $0 + $1.messages.count }
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">

            """
        if let seconds = autoRefreshSeconds, seconds > 0 {
            html += "<meta http-equiv=\"refresh\" content=\"\(seconds)\">\n"
        }
        html += "<title>\(Markup.escape(title))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n"
        html += "<header class=\"preview-header\"><div class=\"badge\">PREVIEW</div><div>"
        html += "<h1>\(Markup.escape(title))</h1>"
        html += "<p>What the bot would post to Discord. Nothing on this page was sent to Discord.</p>"
        html += "<p class=\"meta\">Written <time datetime=\"\(Markup.iso(writtenAt))\">\(Markup.utc(writtenAt))</time>"
        html += " · \(messageCount) message\(messageCount == 1 ? "" : "s")"
        html += " in \(channels.count) channel\(channels.count == 1 ? "" : "s")</p></div></header>\n<main>\n"
        if channels.isEmpty {
            html += "<p class=\"empty\">No status messages yet.</p>\n"
        }
        for channel in channels {
            html += renderChannel(channel)
        }
        html += "</main>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
        return html
    }

    // MARK: - Channel and message

    private func renderChannel(_ channel: Channel) -> String {
        let label = channel.name.map { Markup.escape($0) } ?? "channel \(Markup.escape(channel.id.rawValue))"
        var html = "<section class=\"channel\" id=\"channel-\(Markup.escape(channel.id.rawValue))\">\n"
        html += "<h2><span class=\"hash\">#</span> \(label)</h2>\n"
        for message in channel.messages {
            html += renderMessage(message, in: channel)
        }
        html += "</section>\n"
        return html
    }

    private func renderMessage(_ message: PreviewMessage, in channel: Channel) -> String {
        let id = Markup.escape(message.id.rawValue)
        let isReply = message.payload.messageReference != nil
        var html =
            "<article class=\"message\(isReply ? " reply" : "")\" id=\"message-\(id)\" data-message-id=\"\(id)\">\n"
        if let reference = message.payload.messageReference {
            html += renderReplyLine(to: reference, in: channel)
        }
        html += "<div class=\"avatar\" aria-hidden=\"true\">P</div>\n<div class=\"body\">\n"
        html += "<div class=\"message-header\"><span class=\"username\">Pterodisbot</span>"
        html += "<span class=\"app-tag\">APP</span>"
        html +=
            "<time class=\"sent\" datetime=\"\(Markup.iso(message.createdAt))\">\(Markup.utc(message.createdAt))</time>"
        if let edited = message.editedAt {
            html += "<span class=\"edited\" title=\"\(Markup.utc(edited)), \(message.editCount) edit"
            html += "\(message.editCount == 1 ? "" : "s")\">(edited)</span>"
        }
        html += "</div>\n"
        if let content = message.payload.content, !content.isEmpty {
            html += "<div class=\"content\">\(markdown(content))</div>\n"
        }
        var shown = Set<String>()
        for embed in message.payload.embeds ?? [] {
            html += renderEmbed(embed, attachments: message.attachments, shown: &shown)
        }
        for attachment in message.attachments where !shown.contains(attachment.storedName) {
            html += renderAttachment(attachment)
        }
        if let components = message.payload.components, !components.isEmpty {
            html += renderComponents(components)
        }
        html += "</div>\n</article>\n"
        return html
    }

    /// "↪ replying to <the first line of the referenced message>", linked to it, as Discord shows above a reply.
    private func renderReplyLine(to reference: MessageReferenceRequest, in channel: Channel) -> String {
        let referencedChannel = reference.channelID ?? channel.id
        let referenced = channels.first { $0.id == referencedChannel }?.messages.first { $0.id == reference.messageID }
        var html = "<div class=\"reply-to\"><span class=\"reply-arrow\" aria-hidden=\"true\">↪</span> "
        guard let referenced else {
            return html + "replying to <em>a message that was deleted</em></div>\n"
        }
        let id = Markup.escape(referenced.id.rawValue)
        html += "replying to <a href=\"#message-\(id)\">\(markdown(Self.firstLine(of: referenced)))</a></div>\n"
        return html
    }

    /// The line a reply quotes: the first line of the first embed's title, else of the content, else of the
    /// first embed's description.
    static func firstLine(of message: PreviewMessage) -> String {
        let embed = message.payload.embeds?.first
        let candidates = [embed?.title, message.payload.content, embed?.description]
        let text = candidates.compactMap { $0 }.first { !$0.isEmpty } ?? "a message"
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init)
        return line ?? text
    }

    private func markdown(_ text: String) -> String {
        Markup.markdown(text, names: names)
    }

    private func renderAttachment(_ attachment: PreviewAttachment) -> String {
        let src = Markup.escape(Self.relativeURL(attachment.storedName))
        if attachment.isImage {
            return "<div class=\"attachment\"><img src=\"\(src)\" alt=\"\(Markup.escape(attachment.filename))\">"
                + "</div>\n"
        }
        return "<div class=\"attachment file\"><a href=\"\(src)\">\(Markup.escape(attachment.filename))</a>"
            + " <span class=\"size\">\(attachment.size) bytes</span></div>\n"
    }

    // MARK: - Embed

    private func renderEmbed(_ embed: Embed, attachments: [PreviewAttachment], shown: inout Set<String>) -> String {
        let color = embed.color.map(Markup.hexColor) ?? "#1e1f22"
        var html = "<div class=\"embed\" style=\"border-left-color: \(color)\">\n<div class=\"embed-grid\">\n"
        if let author = embed.author, !author.name.isEmpty {
            html += "<div class=\"embed-author\">"
            if let icon = imageSource(author.iconURL, attachments: attachments, shown: &shown) {
                html += "<img class=\"embed-author-icon\" src=\"\(icon)\" alt=\"\">"
            }
            html += link(Markup.escape(author.name), to: author.url) + "</div>\n"
        }
        if let title = embed.title, !title.isEmpty {
            html += "<div class=\"embed-title\">\(link(markdown(title), to: embed.url))</div>\n"
        }
        if let description = embed.description, !description.isEmpty {
            html += "<div class=\"embed-description\">\(markdown(description))</div>\n"
        }
        if let fields = embed.fields, !fields.isEmpty {
            html += renderFields(fields)
        }
        if let image = embed.image {
            if let src = imageSource(image.url, attachments: attachments, shown: &shown) {
                html += "<div class=\"embed-image\"><img src=\"\(src)\" alt=\"embed image\"></div>\n"
            } else {
                html += "<div class=\"embed-image missing\">image not found: \(Markup.escape(image.url ?? ""))</div>\n"
            }
        }
        if let thumbnail = embed.thumbnail,
            let src = imageSource(thumbnail.url, attachments: attachments, shown: &shown)
        {
            html += "<div class=\"embed-thumbnail\"><img src=\"\(src)\" alt=\"thumbnail\"></div>\n"
        }
        let footerText = embed.footer?.text ?? ""
        if !footerText.isEmpty || embed.timestamp != nil {
            html += "<div class=\"embed-footer\">"
            if let icon = imageSource(embed.footer?.iconURL, attachments: attachments, shown: &shown) {
                html += "<img class=\"embed-footer-icon\" src=\"\(icon)\" alt=\"\">"
            }
            html += "<span>"
            if !footerText.isEmpty { html += Markup.escape(footerText) }
            if let timestamp = embed.timestamp {
                if !footerText.isEmpty { html += "<span class=\"separator\">•</span>" }
                if let date = Markup.parseTimestamp(timestamp) {
                    html += "<time datetime=\"\(Markup.iso(date))\">\(Markup.utc(date))</time>"
                } else {
                    html += Markup.escape(timestamp)
                }
            }
            html += "</span></div>\n"
        }
        html += "</div>\n</div>\n"
        return html
    }

    /// Lays fields out on Discord's 12-column grid: a run of inline fields fills rows of up to three (4 columns
    /// each; two share 6 + 6; one alone takes 12), and a non-inline field takes a whole row.
    private func renderFields(_ fields: [Embed.Field]) -> String {
        var html = "<div class=\"embed-fields\">\n"
        var row = 1
        var index = 0
        while index < fields.count {
            var group = [fields[index]]
            if fields[index].inline == true {
                while group.count < 3, index + group.count < fields.count, fields[index + group.count].inline == true {
                    group.append(fields[index + group.count])
                }
            }
            let span = 12 / group.count
            for (column, field) in group.enumerated() {
                let start = column * span + 1
                html += "<div class=\"embed-field\" style=\"grid-column: \(start) / \(start + span); "
                html += "grid-row: \(row)\">"
                html += "<div class=\"embed-field-name\">\(markdown(field.name))</div>"
                html += "<div class=\"embed-field-value\">\(markdown(field.value))</div></div>\n"
            }
            row += 1
            index += group.count
        }
        html += "</div>\n"
        return html
    }

    /// The `src` for an image URL: `attachment://name` becomes the written file, `http(s)` URLs stay, anything
    /// else is dropped. Marks a used attachment so it is not shown a second time below the message.
    private func imageSource(
        _ url: String?,
        attachments: [PreviewAttachment],
        shown: inout Set<String>
    ) -> String? {
        guard let url, !url.isEmpty else { return nil }
        if url.hasPrefix("attachment://") {
            let name = String(url.dropFirst("attachment://".count))
            guard let attachment = attachments.first(where: { $0.filename == name }) else { return nil }
            shown.insert(attachment.storedName)
            return Markup.escape(Self.relativeURL(attachment.storedName))
        }
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { return nil }
        return Markup.escape(url)
    }

    private func link(_ html: String, to url: String?) -> String {
        guard let url, url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://") else {
            return html
        }
        return "<a href=\"\(Markup.escape(url))\" rel=\"noopener\">\(html)</a>"
    }

    // MARK: - Components

    private func renderComponents(_ components: [Component]) -> String {
        var html = "<div class=\"components\">\n"
        for component in components {
            switch component {
            case .actionRow(let row):
                html += "<div class=\"action-row\">"
                for child in row.components { html += renderControl(child) }
                html += "</div>\n"
            default:
                html += "<div class=\"action-row\">\(renderControl(component))</div>\n"
            }
        }
        html += "</div>\n"
        return html
    }

    private func renderControl(_ component: Component) -> String {
        switch component {
        case .button(let button):
            let style: String
            switch button.style {
            case .primary: style = "primary"
            case .success: style = "success"
            case .danger: style = "danger"
            case .link: style = "secondary link"
            case .premium: style = "primary"
            default: style = "secondary"
            }
            let disabled = button.disabled == true
            var attributes = "class=\"button \(style)\(disabled ? " disabled" : "")\" type=\"button\""
            if disabled { attributes += " disabled" }
            if let customID = button.customID { attributes += " title=\"custom_id: \(Markup.escape(customID))\"" }
            if let url = button.url { attributes += " title=\"\(Markup.escape(url))\"" }
            var label = ""
            if let emoji = button.emoji?.name { label += "<span class=\"emoji\">\(Markup.escape(emoji))</span>" }
            label += Markup.escape(button.label ?? "")
            if case .link = button.style { label += "<span class=\"external\" aria-hidden=\"true\">↗</span>" }
            return "<button \(attributes)>\(label)</button>"
        case .stringSelect(let select):
            let disabled = select.disabled == true ? " disabled" : ""
            let text = select.placeholder ?? select.options.first(where: { $0.isDefault == true })?.label ?? "Select…"
            return "<div class=\"select\(disabled)\">\(Markup.escape(text))<span class=\"chevron\">⌄</span></div>"
        case .actionRow(let row):
            return row.components.map(renderControl).joined()
        default:
            return ""
        }
    }

    // MARK: - Assets

    /// A file in the same folder as `index.html`, percent-encoded for use in `src`.
    static func relativeURL(_ storedName: String) -> String {
        var result = ""
        for byte in storedName.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80,
                scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar))
                    || "-._~".unicodeScalars.contains(scalar)
            {
                result.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static let css = """
        :root { color-scheme: dark; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #313338; color: #dbdee1; font-size: 16px; line-height: 1.375;
          font-family: "gg sans", "Noto Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
        a { color: #00a8fc; text-decoration: none; }
        a:hover { text-decoration: underline; }
        .preview-header { display: flex; gap: 16px; align-items: flex-start; padding: 16px 24px;
          background: #2b2d31; border-bottom: 1px solid #1f2023; }
        .preview-header h1 { margin: 0; font-size: 20px; color: #f2f3f5; }
        .preview-header p { margin: 4px 0 0; font-size: 14px; }
        .preview-header .meta { color: #949ba4; font-size: 12px; }
        .badge { background: #f0b232; color: #1e1f22; font-weight: 700; font-size: 12px; padding: 4px 8px;
          border-radius: 4px; margin-top: 2px; }
        main { padding: 8px 0 32px; }
        .empty { padding: 16px 24px; color: #949ba4; }
        .channel h2 { margin: 16px 0 4px; padding: 0 24px; font-size: 16px; color: #f2f3f5; }
        .channel h2 .hash { color: #80848e; font-weight: 400; }
        .message { display: flex; flex-wrap: wrap; gap: 0 16px; padding: 8px 24px 8px 16px; }
        .reply-to { flex: 0 0 100%; margin: 0 0 4px 28px; padding-left: 28px; color: #b5bac1; font-size: 14px;
          white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .reply-to a { color: #b5bac1; } .reply-to .reply-arrow { color: #80848e; }
        .message:hover { background: #2e3035; }
        .avatar { flex: 0 0 40px; height: 40px; border-radius: 50%; background: #5865f2; color: #fff;
          display: flex; align-items: center; justify-content: center; font-weight: 700; }
        .body { min-width: 0; flex: 1; }
        .message-header { display: flex; align-items: center; gap: 6px; }
        .username { color: #f2f3f5; font-weight: 500; }
        .app-tag { background: #5865f2; color: #fff; font-size: 10px; font-weight: 600; padding: 1px 4px;
          border-radius: 3px; }
        .sent, .edited { color: #949ba4; font-size: 12px; }
        .content { white-space: pre-wrap; overflow-wrap: anywhere; }
        .embed { max-width: 520px; margin-top: 4px; background: #2b2d31; border-left: 4px solid #1e1f22;
          border-radius: 4px; }
        .embed-grid { display: grid; grid-template-columns: auto min-content; padding: 8px 16px 16px 12px; }
        .embed-grid > * { grid-column: 1 / 2; min-width: 0; }
        .embed-author { display: flex; align-items: center; gap: 8px; margin-top: 8px; font-size: 14px;
          font-weight: 600; color: #f2f3f5; }
        .embed-author-icon, .embed-footer-icon { width: 24px; height: 24px; border-radius: 50%; }
        .embed-footer-icon { width: 20px; height: 20px; }
        .embed-author a { color: #f2f3f5; }
        .embed-title { margin-top: 8px; font-size: 16px; font-weight: 600; color: #f2f3f5; }
        .embed-description { margin-top: 8px; font-size: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .embed-fields { display: grid; grid-template-columns: repeat(12, 1fr); gap: 8px; margin-top: 8px; }
        .embed-field { min-width: 0; font-size: 14px; }
        .embed-field-name { font-weight: 600; color: #f2f3f5; margin-bottom: 2px; overflow-wrap: anywhere; }
        .embed-field-value { white-space: pre-wrap; overflow-wrap: anywhere; }
        .embed-image { margin-top: 16px; }
        .embed-image img { display: block; max-width: 100%; max-height: 300px; border-radius: 4px; }
        .embed-image.missing { color: #f23f43; font-size: 12px; }
        .embed-thumbnail { grid-column: 2 / 3; grid-row: 1 / 8; margin: 8px 0 0 16px; }
        .embed-thumbnail img { max-width: 80px; max-height: 80px; border-radius: 4px; }
        .embed-footer { display: flex; align-items: center; gap: 8px; margin-top: 8px; font-size: 12px;
          color: #dbdee1; }
        .embed-footer .separator { margin: 0 4px; }
        code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 2px;
          font-family: Consolas, "Andale Mono WT", Menlo, monospace; font-size: 85%; }
        .embed code { background: #1e1f22; }
        pre { margin: 6px 0 0; } pre code { display: block; padding: 7px; white-space: pre-wrap; }
        .mention { background: rgba(78, 80, 88, 0.48); border-radius: 3px; padding: 0 2px; }
        .mention.role, .mention.user, .mention.channel { background: rgba(88, 101, 242, 0.3); color: #c9cdfb;
          font-weight: 500; }
        .attachment { margin-top: 8px; } .attachment img { max-width: 400px; max-height: 300px; border-radius: 8px; }
        .attachment.file { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 8px; padding: 10px;
          max-width: 432px; } .size { color: #949ba4; font-size: 12px; }
        .components { margin-top: 4px; }
        .action-row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
        .button { display: inline-flex; align-items: center; justify-content: center; gap: 4px; height: 32px;
          min-width: 60px; padding: 2px 16px; border: 0; border-radius: 8px; color: #fff; font: inherit;
          font-size: 14px; font-weight: 500; cursor: pointer; }
        .button.primary { background: #5865f2; } .button.primary:hover { background: #4752c4; }
        .button.secondary { background: #4e5058; } .button.secondary:hover { background: #6d6f78; }
        .button.success { background: #248046; } .button.success:hover { background: #1a6334; }
        .button.danger { background: #da373c; } .button.danger:hover { background: #a12828; }
        .button.disabled { opacity: 0.5; cursor: not-allowed; }
        .button.disabled:hover { filter: none; }
        .button.primary.disabled:hover { background: #5865f2; } .button.secondary.disabled:hover { background: #4e5058; }
        .button.success.disabled:hover { background: #248046; } .button.danger.disabled:hover { background: #da373c; }
        .select { display: flex; justify-content: space-between; width: 400px; max-width: 100%; padding: 8px 12px;
          background: #1e1f22; border-radius: 4px; color: #949ba4; font-size: 14px; }
        .select.disabled { opacity: 0.5; }
        """

    /// Shows times in the reader's local zone; the page is complete without it.
    static let script = """
        for (const t of document.querySelectorAll('time[datetime]')) {
          const d = new Date(t.getAttribute('datetime'));
          if (!isNaN(d)) { t.title = t.textContent; t.textContent = d.toLocaleString(); }
        }
        """
}
