#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Discord ID, typed by what it identifies so a channel ID cannot be passed where a guild ID is expected.
///
/// Discord sends snowflakes as decimal strings (they exceed JSON's safe integer range); this type decodes from that
/// string form and, tolerantly, from a JSON number, and always encodes as a string.
/// See https://discord.com/developers/docs/reference#snowflakes
public struct Snowflake<Tag>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The decimal string Discord uses on the wire.
    public let rawValue: String

    /// Creates a snowflake from its decimal string form (not validated, so unusual IDs from Discord still work).
    /// - Parameter rawValue: The decimal string, e.g. `"1234567890123456789"`.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a snowflake from its numeric value.
    /// - Parameter value: The 64-bit ID.
    public init(_ value: UInt64) {
        self.rawValue = String(value)
    }

    /// Re-tags another snowflake, e.g. to use a `ChannelID` as an `AnySnowflake`.
    /// - Parameter other: The snowflake to convert.
    public init<OtherTag>(_ other: Snowflake<OtherTag>) {
        self.rawValue = other.rawValue
    }

    /// The numeric value, or `nil` when the raw string is not a valid unsigned 64-bit number.
    public var numericValue: UInt64? { UInt64(rawValue) }

    /// Milliseconds since the Unix epoch at which the object was created, derived from the snowflake's top bits.
    public var timestampMilliseconds: UInt64? {
        numericValue.map { ($0 >> 22) + Self.discordEpochMilliseconds }
    }

    /// Discord's epoch, the first second of 2015, in Unix milliseconds.
    public static var discordEpochMilliseconds: UInt64 { 1_420_070_400_000 }

    /// The raw decimal string.
    public var description: String { rawValue }

    /// Orders numerically (older first), falling back to string order for malformed IDs.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if let l = lhs.numericValue, let r = rhs.numericValue { return l < r }
        return lhs.rawValue < rhs.rawValue
    }

    /// Decodes a decimal string or, tolerantly, a JSON integer.
    /// - Throws: `DecodingError` when the value is neither a string nor an unsigned integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self.rawValue = string
        } else {
            self.rawValue = String(try container.decode(UInt64.self))
        }
    }

    /// Encodes the decimal string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension Snowflake: ExpressibleByStringLiteral {
    /// Allows `let id: ChannelID = "123"` in tests and configuration code.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

/// Tag for a snowflake whose kind is not known or does not matter.
public enum AnyTag {}
/// Tag for channel IDs.
public enum ChannelTag {}
/// Tag for guild (server) IDs.
public enum GuildTag {}
/// Tag for message IDs.
public enum MessageTag {}
/// Tag for user IDs.
public enum UserTag {}
/// Tag for role IDs.
public enum RoleTag {}
/// Tag for application IDs.
public enum ApplicationTag {}
/// Tag for interaction IDs.
public enum InteractionTag {}
/// Tag for application command IDs.
public enum ApplicationCommandTag {}
/// Tag for attachment IDs.
public enum AttachmentTag {}
/// Tag for emoji IDs.
public enum EmojiTag {}
/// Tag for webhook IDs.
public enum WebhookTag {}

/// A snowflake of unspecified kind.
public typealias AnySnowflake = Snowflake<AnyTag>
/// A channel ID.
public typealias ChannelID = Snowflake<ChannelTag>
/// A guild ID.
public typealias GuildID = Snowflake<GuildTag>
/// A message ID.
public typealias MessageID = Snowflake<MessageTag>
/// A user ID.
public typealias UserID = Snowflake<UserTag>
/// A role ID.
public typealias RoleID = Snowflake<RoleTag>
/// An application ID.
public typealias ApplicationID = Snowflake<ApplicationTag>
/// An interaction ID.
public typealias InteractionID = Snowflake<InteractionTag>
/// An application command ID.
public typealias ApplicationCommandID = Snowflake<ApplicationCommandTag>
/// An attachment ID.
public typealias AttachmentID = Snowflake<AttachmentTag>
/// An emoji ID.
public typealias EmojiID = Snowflake<EmojiTag>
/// A webhook ID.
public typealias WebhookID = Snowflake<WebhookTag>
