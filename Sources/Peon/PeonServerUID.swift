/// A PEON server uid, `GAME_UID.SERVERNAME` (e.g. `valheim.server01`, reference §3), checked before it goes
/// into a URL path.
///
/// PEON puts the uid into a container name (`peon.warcamp.<uid>`) and into shell commands (`docker compose -p`),
/// and Flask routes it as one path segment. Only letters, digits, `-`, `_` and `.` are accepted, never `.` or `..`
/// alone, so a uid can neither leave its path segment nor need percent-encoding.
public struct PeonServerUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The uid text.
    public let rawValue: String

    /// Checks and wraps a uid.
    /// - Parameter rawValue: The uid text.
    /// - Throws: ``PeonError/invalidServerUID(_:reason:)`` when it is not a safe uid.
    public init(validating rawValue: String) throws(PeonError) {
        if let reason = Self.problem(with: rawValue) {
            throw PeonError.invalidServerUID(PeonError.printable(rawValue), reason: reason)
        }
        self.rawValue = rawValue
    }

    /// The uid of a server object's `game_uid` and `servername`.
    /// - Parameters:
    ///   - gameUID: The game, e.g. `valheim`.
    ///   - serverName: The warcamp name, e.g. `server01`.
    /// - Throws: ``PeonError/invalidServerUID(_:reason:)`` when the joined text is not a safe uid.
    public init(gameUID: String, serverName: String) throws(PeonError) {
        try self.init(validating: "\(gameUID).\(serverName)")
    }

    /// Why `text` cannot be a uid, or `nil` when it can.
    /// - Parameter text: A candidate uid.
    /// - Returns: A short reason.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if text == "." || text == ".." { return "it is a dot path segment" }
        let allowed = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                true
            default: false
            }
        }
        return allowed ? nil : "only letters, digits, '-', '_' and '.' are allowed"
    }

    /// True when the uid names a warcamp (`GAME_UID.SERVERNAME`): PEON answers a PUT without one with 400
    /// (reference §3), so power requests need it.
    public var hasWarcampName: Bool { rawValue.contains(".") }

    /// The uid text.
    public var description: String { rawValue }

    /// Orders by uid text.
    public static func < (lhs: PeonServerUID, rhs: PeonServerUID) -> Bool { lhs.rawValue < rhs.rawValue }
}
