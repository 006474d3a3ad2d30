/// A server's identifier across every panel the bot serves.
///
/// On the default panel (`[Pterodactyl]`) it is the panel's own identifier, bare: the first 8 characters of the
/// UUID (`identifier` in the Client API, accepted by `/api/client/servers/{server}`; see
/// `app/Http/Middleware/Api/Client/SubstituteClientBindings.php`), so status messages stored before several panels
/// existed keep their meaning. On another panel it is `NAME:identifier` (`home:valheim.server01`): panel names
/// and the panels' identifiers never hold a `:`.
public struct ServerID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The identifier text, e.g. `95918694`.
    public let rawValue: String

    /// Wraps an identifier.
    /// - Parameter rawValue: The 8-character identifier (a full UUID is accepted by the panel too).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A server of a named panel.
    /// - Parameters:
    ///   - panel: The panel's name, or `nil` for the default panel.
    ///   - local: The panel's own identifier.
    public init(panel: String?, local: String) {
        self.rawValue = panel.map { "\($0)\(Self.separator)\(local)" } ?? local
    }

    private static let separator: Character = ":"

    /// The panel's name, or `nil` on the default panel.
    public var panel: String? {
        rawValue.firstIndex(of: Self.separator).map { String(rawValue[..<$0]) }
    }

    /// The identifier the panel itself uses.
    public var local: String {
        rawValue.firstIndex(of: Self.separator).map { String(rawValue[rawValue.index(after: $0)...]) } ?? rawValue
    }

    /// Decodes from a bare JSON string.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders by identifier text.
    public static func < (lhs: ServerID, rhs: ServerID) -> Bool { lhs.rawValue < rhs.rawValue }
}
