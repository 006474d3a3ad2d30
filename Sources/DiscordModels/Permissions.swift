/// A permission bitfield, sent by Discord as a decimal string.
/// See https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
public struct Permissions: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The raw bits.
    public var rawValue: UInt64

    /// Creates a bitfield from raw bits.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Create instant invites.
    public static let createInstantInvite = Permissions(rawValue: 1 << 0)
    /// Kick members.
    public static let kickMembers = Permissions(rawValue: 1 << 1)
    /// Ban members.
    public static let banMembers = Permissions(rawValue: 1 << 2)
    /// All permissions, bypassing channel overwrites.
    public static let administrator = Permissions(rawValue: 1 << 3)
    /// Manage channels.
    public static let manageChannels = Permissions(rawValue: 1 << 4)
    /// Manage the guild (the usual gate for bot admin commands).
    public static let manageGuild = Permissions(rawValue: 1 << 5)
    /// View channels.
    public static let viewChannel = Permissions(rawValue: 1 << 10)
    /// Send messages.
    public static let sendMessages = Permissions(rawValue: 1 << 11)
    /// Manage (delete, pin) other members' messages.
    public static let manageMessages = Permissions(rawValue: 1 << 13)
    /// Embed links (needed for embeds to show).
    public static let embedLinks = Permissions(rawValue: 1 << 14)
    /// Attach files (needed for graph images).
    public static let attachFiles = Permissions(rawValue: 1 << 15)
    /// Read message history.
    public static let readMessageHistory = Permissions(rawValue: 1 << 16)
    /// Manage roles.
    public static let manageRoles = Permissions(rawValue: 1 << 28)
    /// Use application commands.
    public static let useApplicationCommands = Permissions(rawValue: 1 << 31)

    /// The decimal string form used on the wire.
    public var description: String { String(rawValue) }

    /// Decodes the decimal string (or, tolerantly, a number).
    /// - Throws: `DecodingError` when the value is not a decimal number.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let string = try? c.decode(String.self) {
            guard let bits = UInt64(string) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "permissions is not a decimal string")
            }
            rawValue = bits
        } else {
            rawValue = try c.decode(UInt64.self)
        }
    }

    /// Encodes the decimal string form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(String(rawValue))
    }
}
