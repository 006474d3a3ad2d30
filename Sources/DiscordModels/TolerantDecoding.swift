/// An enum over a Discord integer or string constant that never fails to decode: values this code does not know
/// become an `.unknown(raw)` case and encode back unchanged.
///
/// Conforming types implement `init(rawValue:)` (non-failable) and `rawValue`; `Codable` comes from this protocol.
public protocol TolerantEnum: Codable, Hashable, Sendable {
    /// The wire type (`Int` or `String`).
    associatedtype RawValue: Codable, Hashable, Sendable
    /// Maps a wire value to a case, or to `.unknown(rawValue)`.
    init(rawValue: RawValue)
    /// The wire value.
    var rawValue: RawValue { get }
}

extension TolerantEnum {
    /// Decodes the raw value; unknown values map to the `.unknown` case.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(RawValue.self))
    }

    /// Encodes the raw value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Decodes one element of an array and yields `nil` instead of failing, so one odd element (e.g. an embed type
/// added tomorrow with a shape we cannot read) does not lose the whole message.
struct Lossy<Value: Decodable>: Decodable {
    let value: Value?

    init(from decoder: any Decoder) throws {
        do {
            value = try Value(from: decoder)
        } catch {
            value = nil
        }
    }
}

extension KeyedDecodingContainer {
    /// Decode-or-nil for optional fields: a missing key, `null` or a value of an unexpected shape all give `nil`,
    /// so a field Discord changes does not fail the enclosing object.
    func decodeOrNil<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            return nil
        }
    }

    /// Decodes an optional array, dropping elements that fail to decode; `nil` when missing or not an array.
    func decodeLossyArray<T: Decodable>(_ type: T.Type, forKey key: Key) -> [T]? {
        guard let elements = decodeOrNil([Lossy<T>].self, forKey: key) else { return nil }
        return elements.compactMap(\.value)
    }
}
