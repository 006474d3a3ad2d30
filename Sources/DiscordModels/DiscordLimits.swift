/// Discord's size limits for embeds and components.
/// See https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
/// https://discord.com/developers/docs/components/reference
public enum DiscordLimits {
    /// Embed title.
    public static let embedTitle = 256
    /// Embed description.
    public static let embedDescription = 4096
    /// Fields per embed.
    public static let embedFields = 25
    /// Field name.
    public static let embedFieldName = 256
    /// Field value.
    public static let embedFieldValue = 1024
    /// Footer text.
    public static let embedFooterText = 2048
    /// Author name.
    public static let embedAuthorName = 256
    /// Sum of title, description, field names and values, footer text and author name over all embeds of a message.
    public static let embedTotal = 6000
    /// Embeds per message.
    public static let embedsPerMessage = 10
    /// Message content.
    public static let messageContent = 2000
    /// Action rows per message.
    public static let actionRows = 5
    /// Buttons per action row.
    public static let buttonsPerRow = 5
    /// Options per select menu.
    public static let selectOptions = 25
    /// Component `custom_id`.
    public static let customID = 100
    /// Button label.
    public static let buttonLabel = 80
    /// Select option label, value and description.
    public static let selectOptionText = 100
    /// Select placeholder.
    public static let selectPlaceholder = 150
    /// The character appended where text is cut.
    public static let ellipsis = "…"
}

/// Length as Discord counts it for limits (Unicode code points).
func discordLength(_ text: String) -> Int {
    text.unicodeScalars.count
}

/// Cuts `text` to at most `limit` code points, ending with an ellipsis when anything was cut; never splits a
/// grapheme cluster.
/// - Parameters:
///   - text: The text.
///   - limit: Maximum length in code points.
///   - ellipsis: Whether to end a cut text with `…` (not for identifiers).
/// - Returns: The text, unchanged when it fits.
public func truncateForDiscord(_ text: String, limit: Int, ellipsis: Bool = true) -> String {
    guard discordLength(text) > limit else { return text }
    let budget = ellipsis ? max(limit - 1, 0) : limit
    var result = ""
    var used = 0
    for character in text {
        let size = character.unicodeScalars.count
        if used + size > budget { break }
        result.append(character)
        used += size
    }
    if ellipsis && limit > 0 { result += DiscordLimits.ellipsis }
    return result
}

extension Embed {
    /// The embed's length as counted against the 6000-character message total.
    public var totalLength: Int {
        var total = discordLength(title ?? "") + discordLength(description ?? "")
        total += discordLength(footer?.text ?? "") + discordLength(author?.name ?? "")
        for field in fields ?? [] {
            total += discordLength(field.name) + discordLength(field.value)
        }
        return total
    }

    /// A copy that Discord accepts: each text cut with an ellipsis to its limit, fields beyond 25 dropped.
    /// The 6000 total is enforced per message by ``MessagePayload/clampedToLimits()``.
    /// - Returns: The clamped embed.
    public func clampedToLimits() -> Embed {
        var copy = self
        copy.title = title.map { truncateForDiscord($0, limit: DiscordLimits.embedTitle) }
        copy.description = description.map { truncateForDiscord($0, limit: DiscordLimits.embedDescription) }
        if var footer = copy.footer {
            footer.text = truncateForDiscord(footer.text, limit: DiscordLimits.embedFooterText)
            copy.footer = footer
        }
        if var author = copy.author {
            author.name = truncateForDiscord(author.name, limit: DiscordLimits.embedAuthorName)
            copy.author = author
        }
        copy.fields = fields.map { fields in
            fields.prefix(DiscordLimits.embedFields).map { field in
                Field(
                    name: truncateForDiscord(field.name, limit: DiscordLimits.embedFieldName),
                    value: truncateForDiscord(field.value, limit: DiscordLimits.embedFieldValue),
                    inline: field.inline
                )
            }
        }
        return copy
    }
}

extension Component {
    /// A copy within component limits: at most 5 buttons per row, 25 select options, `custom_id` cut to 100
    /// (without ellipsis, it is an identifier), labels and option texts cut with an ellipsis.
    /// - Returns: The clamped component.
    public func clampedToLimits() -> Component {
        switch self {
        case .actionRow(var row):
            let clamped = row.components.map { $0.clampedToLimits() }
            let hasSelect = clamped.contains { if case .stringSelect = $0 { true } else { false } }
            row.components = Array(clamped.prefix(hasSelect ? 1 : DiscordLimits.buttonsPerRow))
            return .actionRow(row)
        case .button(var button):
            button.label = button.label.map { truncateForDiscord($0, limit: DiscordLimits.buttonLabel) }
            button.customID = button.customID.map {
                truncateForDiscord($0, limit: DiscordLimits.customID, ellipsis: false)
            }
            return .button(button)
        case .stringSelect(var select):
            select.customID = truncateForDiscord(select.customID, limit: DiscordLimits.customID, ellipsis: false)
            select.placeholder = select.placeholder.map {
                truncateForDiscord($0, limit: DiscordLimits.selectPlaceholder)
            }
            select.options = select.options.prefix(DiscordLimits.selectOptions).map { option in
                var option = option
                option.label = truncateForDiscord(option.label, limit: DiscordLimits.selectOptionText)
                option.value = truncateForDiscord(option.value, limit: DiscordLimits.selectOptionText, ellipsis: false)
                option.description = option.description.map {
                    truncateForDiscord($0, limit: DiscordLimits.selectOptionText)
                }
                return option
            }
            if let maxValues = select.maxValues { select.maxValues = min(maxValues, max(select.options.count, 1)) }
            return .stringSelect(select)
        case .textInput, .unknown:
            return self
        }
    }
}

extension MessagePayload {
    /// A copy that Discord accepts: content cut to 2000, at most 10 embeds each clamped, the 6000 total kept by
    /// shortening descriptions and then dropping trailing fields, at most 5 action rows, each row clamped.
    /// - Returns: The clamped payload.
    public func clampedToLimits() -> MessagePayload {
        var copy = self
        copy.content = content.map { truncateForDiscord($0, limit: DiscordLimits.messageContent) }
        if let embeds {
            var clamped = embeds.prefix(DiscordLimits.embedsPerMessage).map { $0.clampedToLimits() }
            Self.enforceTotal(&clamped)
            copy.embeds = clamped
        }
        copy.components = components.map { rows in
            rows.prefix(DiscordLimits.actionRows).map { $0.clampedToLimits() }
        }
        return copy
    }

    /// Shortens the last embeds' descriptions, then drops their trailing fields, until the total fits.
    private static func enforceTotal(_ embeds: inout [Embed]) {
        var excess = embeds.reduce(0) { $0 + $1.totalLength } - DiscordLimits.embedTotal
        var index = embeds.count - 1
        while excess > 0 && index >= 0 {
            if let description = embeds[index].description, !description.isEmpty {
                let length = discordLength(description)
                let keep = max(length - excess, 0)
                let cut = keep == 0 ? "" : truncateForDiscord(description, limit: keep)
                embeds[index].description = cut.isEmpty ? nil : cut
                excess -= length - discordLength(cut)
            }
            while excess > 0, var fields = embeds[index].fields, let last = fields.popLast() {
                excess -= discordLength(last.name) + discordLength(last.value)
                embeds[index].fields = fields
            }
            if excess > 0, let title = embeds[index].title {
                let length = discordLength(title)
                let keep = max(length - excess, 0)
                let cut = keep == 0 ? "" : truncateForDiscord(title, limit: keep)
                embeds[index].title = cut.isEmpty ? nil : cut
                excess -= length - discordLength(cut)
            }
            index -= 1
        }
    }
}
