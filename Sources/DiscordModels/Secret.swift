/// A secret string (bot token, interaction token, API key) that never prints itself.
///
/// `description`, `debugDescription` and the reflection mirror are redacted, so string interpolation, `print`,
/// `dump` and log metadata show `Secret(****)`. Read the value only where it goes on the wire, via
/// ``exposedValue``. It encodes and decodes as a plain JSON string (interaction tokens arrive that way).
public struct Secret: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself. Only use this to build a request; never log or interpolate it.
    public let exposedValue: String

    /// Wraps a secret value.
    /// - Parameter value: The token or key.
    public init(_ value: String) {
        self.exposedValue = value
    }

    /// `true` when the wrapped string is empty.
    public var isEmpty: Bool { exposedValue.isEmpty }

    /// Redacted form: `Secret(****)`, or `Secret(****abcd)` with the last four characters for secrets of at least
    /// 16 characters (enough left hidden that the hint cannot help guess it).
    public var description: String {
        if exposedValue.count >= 16 {
            return "Secret(****\(exposedValue.suffix(4)))"
        }
        return "Secret(****)"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` and reflection-based loggers see no value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Decodes a plain JSON string.
    public init(from decoder: any Decoder) throws {
        self.exposedValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the plain JSON string (only request bodies need this).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(exposedValue)
    }
}
