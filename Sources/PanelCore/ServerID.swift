/// A panel server's short identifier: the first 8 characters of its UUID (`identifier` in the Client API).
///
/// Routes under `/api/client/servers/{server}` accept it. Keep state keyed by ``PanelServer/uuid`` when the same
/// server may appear under both forms. See `app/Http/Middleware/Api/Client/SubstituteClientBindings.php`.
public struct ServerID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The identifier text, e.g. `95918694`.
    public let rawValue: String

    /// Wraps an identifier.
    /// - Parameter rawValue: The 8-character identifier (a full UUID is accepted by the panel too).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
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
