import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HTML helpers for the preview page: escaping, the subset of Discord markdown a status embed uses, and dates.
///
/// Everything user-controlled (server names, descriptions, field values, labels) goes through ``escape(_:)``
/// before any markup is added, so a server called `<script>` shows as text.
enum PreviewMarkup {
    /// Display names for mentions; an unknown ID shows as itself.
    struct Names {
        var roles: [RoleID: String] = [:]
        var channels: [ChannelID: String] = [:]
    }

    /// Escapes `& < > " '` for use in HTML text and quoted attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Renders the Discord markdown found in embeds: code blocks, inline code, `**bold**`, `__underline__`,
    /// `*italic*`, `~~strike~~`, masked links to `http(s)`, `<t:unix:style>` timestamps (as a UTC date: the page
    /// is static, so even `R` cannot stay relative) and `<@&role>`, `<@user>` and `<#channel>` mentions (as pills
    /// with the name when `names` has it). Line breaks are kept by the page's CSS (`white-space: pre-wrap`). The
    /// text is escaped first; only our own tags are added.
    static func markdown(_ text: String, names: Names = Names()) -> String {
        var html = ""
        let fenced = text.split(separator: "```", omittingEmptySubsequences: false).map(String.init)
        for (index, segment) in fenced.enumerated() {
            // Odd segments are inside a fence (an unclosed fence is shown as text, as Discord does).
            if index % 2 == 1, index < fenced.count - 1 {
                html += "<pre><code>\(escape(dropLanguageLine(segment)))</code></pre>"
            } else {
                if index % 2 == 1 { html += "```" }
                html += inline(segment, names: names)
            }
        }
        return html
    }

    private static func inline(_ text: String, names: Names) -> String {
        var html = ""
        let pieces = text.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        for (index, piece) in pieces.enumerated() {
            if index % 2 == 1, index < pieces.count - 1, !piece.isEmpty {
                html += "<code>\(escape(piece))</code>"
            } else {
                if index % 2 == 1 { html += "`" }
                html += emphasis(escape(piece), names: names)
            }
        }
        return html
    }

    /// Applies emphasis, links, timestamps and mentions to already escaped text.
    private static func emphasis(_ escaped: String, names: Names) -> String {
        var html = escaped
        html = html.replacing(#/\[([^\]\n]+)\]\((https?://[^)\s]+)\)/#) { match in
            "<a href=\"\(match.output.2)\" rel=\"noopener\">\(match.output.1)</a>"
        }
        html = html.replacing(#/\*\*(.+?)\*\*/#) { "<strong>\($0.output.1)</strong>" }
        html = html.replacing(#/__(.+?)__/#) { "<u>\($0.output.1)</u>" }
        html = html.replacing(#/~~(.+?)~~/#) { "<s>\($0.output.1)</s>" }
        html = html.replacing(#/\*([^*\s][^*]*?)\*/#) { "<em>\($0.output.1)</em>" }
        html = html.replacing(#/&lt;t:(-?\d{1,12})(?::([tTdDfFR]))?&gt;/#) { match in
            guard let seconds = Double(match.output.1) else { return String(match.output.0) }
            let date = Date(timeIntervalSince1970: seconds)
            return "<time class=\"mention\" datetime=\"\(iso(date))\">\(utc(date))</time>"
        }
        html = html.replacing(#/&lt;@&amp;(\d{1,20})&gt;/#) { match in
            let id = String(match.output.1)
            let name = names.roles[RoleID(id)].map(escape) ?? id
            return "<span class=\"mention role\" title=\"role \(id)\">@\(name)</span>"
        }
        html = html.replacing(#/&lt;@!?(\d{1,20})&gt;/#) { match in
            "<span class=\"mention user\" title=\"user \(match.output.1)\">@\(match.output.1)</span>"
        }
        html = html.replacing(#/&lt;#(\d{1,20})&gt;/#) { match in
            let id = String(match.output.1)
            let name = names.channels[ChannelID(id)].map(escape) ?? id
            return "<span class=\"mention channel\" title=\"channel \(id)\">#\(name)</span>"
        }
        return html
    }

    private static func dropLanguageLine(_ code: String) -> String {
        // ```swift\ncode``` → code; a fence without a newline keeps its text.
        guard let newline = code.firstIndex(of: "\n") else { return code }
        let first = code[..<newline]
        return first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" })
            ? String(code[code.index(after: newline)...]) : code
    }

    // MARK: - Dates

    /// `2026-12-01T20:50:45Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `2026-12-01 20:50:45 UTC`: unambiguous for whoever opens the page (a script shows local time in browsers).
    static func utc(_ date: Date) -> String {
        let iso = iso(date)
        return iso.replacing("T", with: " ").replacing("Z", with: "") + " UTC"
    }

    /// Parses an embed's ISO-8601 timestamp, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `#rrggbb` for an embed colour.
    static func hexColor(_ value: Int) -> String {
        let clamped = UInt32(truncatingIfNeeded: max(0, min(value, 0xFF_FFFF)))
        let hex = String(clamped, radix: 16)
        return "#" + String(repeating: "0", count: 6 - hex.count) + hex
    }
}
