import DiscordModels

/// Why the **Nodes** board needs an edit; `nil` from ``between(shown:current:)`` means leave it alone. Pure.
///
/// Only what a reader sees counts: the title, the description, the colour, the footer text and the fields. The
/// embed's timestamp (the listing time) is left out, so a listing that finds the same values does not edit the
/// message every cycle; the timestamp shown is then that of the listing that last changed a value. Outage times use
/// Discord's relative timestamp markup, which keeps counting without an edit.
public enum NodesBoardChange: Sendable, Equatable, CustomStringConvertible {
    /// Nothing was shown since the bot started.
    case firstShow
    /// The side-bar colour changed (a node went down, got a warning, or recovered).
    case colorChanged(from: Int?, to: Int?)
    /// The title, description or footer changed (the summary, or a listing that failed or works again).
    case summaryChanged
    /// Node fields were added, removed or changed; their names as shown now (or as shown before, when removed).
    case nodesChanged([String])

    /// The reason to edit, comparing what is shown with what would be shown now.
    /// - Parameters:
    ///   - shown: The embed last sent (from ``NodesBoardBuilder/embed(for:)``), `nil` before the first one.
    ///   - current: The embed built now.
    /// - Returns: The first difference found (colour, then summary, then fields), or `nil` when a reader would
    ///   see no difference.
    public static func between(shown: Embed?, current: Embed) -> NodesBoardChange? {
        guard let shown else { return .firstShow }
        if shown.color != current.color { return .colorChanged(from: shown.color, to: current.color) }
        if shown.title != current.title || shown.description != current.description
            || shown.footer?.text != current.footer?.text
        {
            return .summaryChanged
        }
        let before = shown.fields ?? []
        let now = current.fields ?? []
        guard before != now else { return nil }
        let added = now.filter { !before.contains($0) }.map(\.name)
        let removed = before.filter { field in !now.contains(field) && !added.contains(field.name) }.map(\.name)
        // Equal sets in another order (a node renamed back, the panel's order changed) still move fields on screen.
        return .nodesChanged(added + removed)
    }

    /// A short stable name for logs and counters: `first`, `color`, `summary`, `nodes`.
    public var kind: String {
        switch self {
        case .firstShow: "first"
        case .colorChanged: "color"
        case .summaryChanged: "summary"
        case .nodesChanged: "nodes"
        }
    }

    /// The reason in words, for debug logs.
    public var description: String {
        switch self {
        case .firstShow: "first show"
        case .colorChanged(let from, let to):
            "colour \(from.map { String($0, radix: 16) } ?? "none") → \(to.map { String($0, radix: 16) } ?? "none")"
        case .summaryChanged: "summary changed"
        case .nodesChanged(let names): "nodes changed: \(names.joined(separator: ", "))"
        }
    }
}
