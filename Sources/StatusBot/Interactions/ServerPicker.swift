import DiscordModels
import GameQuery
import PanelCore

/// Builds the `/server_status` reply: a summary line and a string select of the servers, 25 per page with
/// Previous/Next buttons, so every server can be reached. Pure: the handler fetches, this formats.
/// See https://discord.com/developers/docs/components/reference#string-select
public struct ServerPicker: Sendable, Hashable {
    /// One server with the state to show (`nil` when the panel did not say).
    public struct Entry: Sendable, Hashable {
        /// The server.
        public var server: GameServer
        /// Its state, or `nil` when unknown.
        public var state: ServerState?
        /// Who is online, when the game server answered a player query.
        public var players: PlayerCount?

        /// Creates an entry.
        public init(server: GameServer, state: ServerState?, players: PlayerCount? = nil) {
            self.server = server
            self.state = state
            self.players = players
        }
    }

    /// Counts for the summary line.
    public struct Summary: Sendable, Hashable {
        /// All servers.
        public var total: Int
        /// Running.
        public var running: Int
        /// Offline (stopped).
        public var offline: Int
        /// Everything else: starting, stopping, suspended, installing, unreachable.
        public var other: Int
        /// Not checked yet: the monitor does not watch them and their page was not shown yet.
        public var unknown: Int = 0
    }

    /// The `custom_id`s of the picker's components; each carries the page it was shown on.
    public enum ComponentID: Sendable, Hashable {
        /// The select on `page`.
        case select(page: Int)
        /// Previous, pressed on `page`.
        case previous(page: Int)
        /// Next, pressed on `page`.
        case next(page: Int)

        private static let prefix = "ptero-pick"

        /// The highest page a `custom_id` may carry (25 servers per page: far more than any panel lists). A
        /// crafted `custom_id` is anyone's text, so the number is bounded before any arithmetic on it.
        public static let maxPage = 9_999

        /// The `custom_id` string.
        public var customID: String {
            switch self {
            case .select(let page): "\(Self.prefix):select:\(page)"
            case .previous(let page): "\(Self.prefix):prev:\(page)"
            case .next(let page): "\(Self.prefix):next:\(page)"
            }
        }

        /// Parses a `custom_id`; `nil` for anything else, including a page that is not plain digits or is above
        /// ``maxPage`` (so `page + 1` can never overflow).
        /// - Parameter customID: The component's `custom_id`.
        public init?(customID: String) {
            let parts = customID.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == Self.prefix, (1...4).contains(parts[2].count),
                parts[2].allSatisfy({ $0.isASCII && $0.isNumber }), let page = Int(parts[2]), page <= Self.maxPage
            else { return nil }
            switch parts[1] {
            case "select": self = .select(page: page)
            case "prev": self = .previous(page: page)
            case "next": self = .next(page: page)
            default: return nil
            }
        }
    }

    /// Options per select (Discord's limit).
    public static let pageSize = DiscordLimits.selectOptions

    /// The servers, sorted by name (case-insensitively), then by identifier.
    public let entries: [Entry]

    /// Creates a picker.
    /// - Parameter entries: The servers in any order.
    public init(entries: [Entry]) {
        // Grouped by panel (the default panel's bare identifiers first), then by name.
        self.entries = entries.sorted { lhs, rhs in
            let leftPanel = lhs.server.id.panel ?? ""
            let rightPanel = rhs.server.id.panel ?? ""
            if leftPanel != rightPanel { return leftPanel < rightPanel }
            let left = lhs.server.name.lowercased()
            let right = rhs.server.name.lowercased()
            return left != right ? left < right : lhs.server.id.rawValue < rhs.server.id.rawValue
        }
    }

    /// Number of pages (at least 1).
    public var pageCount: Int { max(1, (entries.count + Self.pageSize - 1) / Self.pageSize) }

    /// `page` limited to the existing pages.
    /// - Parameter page: A page index from 0, possibly out of range.
    /// - Returns: The nearest existing page.
    public func clampedPage(_ page: Int) -> Int { min(max(page, 0), pageCount - 1) }

    /// The entries shown on `page` (clamped).
    /// - Parameter page: A page index from 0.
    /// - Returns: Up to ``pageSize`` entries.
    public func entries(onPage page: Int) -> ArraySlice<Entry> {
        guard !entries.isEmpty else { return [] }
        let page = clampedPage(page)
        return entries[(page * Self.pageSize)..<min(entries.count, (page + 1) * Self.pageSize)]
    }

    /// The picker with the states `state(id)` names filled in where it names one.
    /// - Parameter state: A state per server, `nil` to keep the entry's.
    /// - Returns: The updated picker.
    public func updatingStates(_ state: (ServerID) -> ServerState?) -> ServerPicker {
        ServerPicker(
            entries: entries.map {
                Entry(server: $0.server, state: state($0.server.id) ?? $0.state, players: $0.players)
            }
        )
    }

    /// The same list with player counts where `players` knows them.
    /// - Parameter players: The count of a server, or nil.
    /// - Returns: The updated picker.
    public func updatingPlayers(_ players: [ServerID: PlayerCount]) -> ServerPicker {
        ServerPicker(
            entries: entries.map {
                Entry(server: $0.server, state: $0.state, players: players[$0.server.id] ?? $0.players)
            }
        )
    }

    /// Whether `id` is one of the listed servers.
    /// - Parameter id: A server identifier.
    /// - Returns: `true` when listed.
    public func contains(_ id: ServerID) -> Bool { entries.contains { $0.server.id == id } }

    /// The counts for the summary line.
    public var summary: Summary {
        var summary = Summary(total: entries.count, running: 0, offline: 0, other: 0)
        for entry in entries {
            switch entry.state {
            case .running: summary.running += 1
            case .offline: summary.offline += 1
            case nil, .unknown: summary.unknown += 1
            default: summary.other += 1
            }
        }
        return summary
    }

    /// `**60 servers** · 🟢 40 running · 🔴 15 offline · ⚪ 5 other`, then `· ❔ 35 not checked yet` when some
    /// states are unknown (servers without a status message are polled one page at a time).
    public var summaryLine: String {
        let s = summary
        let servers = s.total == 1 ? "1 server" : "\(s.total) servers"
        let line = "**\(servers)** · 🟢 \(s.running) running · 🔴 \(s.offline) offline · ⚪ \(s.other) other"
        return s.unknown > 0 ? line + " · ❔ \(s.unknown) not checked yet" : line
    }

    /// The reply for one page: summary, the page's select and, with more than one page, Previous/Next.
    /// - Parameter page: The page index from 0 (clamped).
    /// - Returns: The message (the handler marks it ephemeral).
    public func message(page: Int) -> MessagePayload {
        guard !entries.isEmpty else {
            return MessagePayload(
                content: "The panel lists no servers for the bot's key.",
                components: [],
                allowedMentions: AllowedMentions.none
            )
        }
        let page = clampedPage(page)
        let options = entries(onPage: page).map(Self.option)
        var content = summaryLine
        if pageCount > 1 { content += "\nPage \(page + 1) of \(pageCount)." }
        content += "\nChoose a server to post its live status message in this channel."
        var rows: [Component] = [
            .actionRow(
                ActionRow([
                    .stringSelect(
                        StringSelect(
                            customID: ComponentID.select(page: page).customID,
                            options: options,
                            placeholder: "Choose a server",
                            minValues: 1,
                            maxValues: 1
                        )
                    )
                ])
            )
        ]
        if pageCount > 1 {
            rows.append(
                .actionRow(
                    ActionRow([
                        .button(
                            Button(
                                style: .secondary,
                                label: "Previous",
                                customID: ComponentID.previous(page: page).customID,
                                disabled: page == 0
                            )
                        ),
                        .button(
                            Button(
                                style: .secondary,
                                label: "Next",
                                customID: ComponentID.next(page: page).customID,
                                disabled: page == pageCount - 1
                            )
                        ),
                    ])
                )
            )
        }
        return MessagePayload(content: content, components: rows, allowedMentions: AllowedMentions.none)
    }

    private static func option(_ entry: Entry) -> SelectOption {
        let limit = DiscordLimits.selectOptionText
        let stateText = entry.state.map { $0.description.capitalizedFirst } ?? "State unknown"
        var detail = entry.server.panelName.map { "\($0) · \(stateText)" } ?? stateText
        if entry.state == .running, let players = entry.players {
            detail += " · \(players.online)/\(players.max) players"
        }
        if let text = entry.server.description?.split(whereSeparator: \.isNewline).first, !text.isEmpty {
            detail += " · " + text
        }
        let name = entry.server.name.isEmpty ? entry.server.id.rawValue : entry.server.name
        return SelectOption(
            label: truncateForDiscord(name, limit: limit),
            value: entry.server.id.rawValue,
            description: truncateForDiscord(detail, limit: limit),
            emoji: ComponentEmoji(name: entry.state.map(StatusEmbedBuilder.emoji(for:)) ?? "❔")
        )
    }
}
