import PanelCore

/// The action behind a status-embed button, encoded in its `custom_id` as `ptero:<action>:<server>`.
public enum StatusButtonID: Sendable, Hashable {
    /// Send a power signal.
    case power(PowerSignal, ServerID)
    /// Show the server's address.
    case showAddress(ServerID)

    private static let prefix = "ptero"

    /// The server the button is about.
    public var server: ServerID {
        switch self {
        case .power(_, let id), .showAddress(let id): id
        }
    }

    /// The `custom_id` string (at most 100 characters: server identifiers are 8 characters).
    public var customID: String {
        switch self {
        case .power(let signal, let id): "\(Self.prefix):\(signal.rawValue):\(id.rawValue)"
        case .showAddress(let id): "\(Self.prefix):address:\(id.rawValue)"
        }
    }

    /// Parses a `custom_id`; `nil` for anything this bot did not make, including a server part with characters no
    /// panel identifier has.
    public init?(customID: String) {
        let parts = customID.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.prefix, let server = Self.server(parts[2]) else { return nil }
        if parts[1] == "address" {
            self = .showAddress(server)
        } else if let signal = PowerSignal(rawValue: String(parts[1])), signal != .kill {
            self = .power(signal, server)
        } else {
            return nil
        }
    }

    /// The server part becomes a panel URL path segment later: only identifier characters (Pterodactyl's
    /// 8-character identifiers, UUIDs, PEON's `game.server`) and one `NAME:` panel prefix get through, never `/`,
    /// `%`, `?` or a `..` segment.
    private static func server(_ text: Substring) -> ServerID? {
        guard (1...97).contains(text.count), text.filter({ $0 == ":" }).count <= 1,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else { return nil }
        let id = ServerID(String(text))
        guard (1...64).contains(id.local.count), (1...32).contains(id.panel?.count ?? 1), !id.local.hasPrefix("."),
            !id.local.contains("..")
        else { return nil }
        return id
    }
}
