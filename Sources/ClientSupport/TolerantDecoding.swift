/// Decodes one element of an array and yields `nil` instead of failing, so one odd element of a panel's list
/// does not lose the whole list.
public struct Lossy<Value: Decodable>: Decodable {
    /// The element, or `nil` when it could not be read.
    public let value: Value?

    public init(from decoder: any Decoder) throws {
        do {
            value = try Value(from: decoder)
        } catch {
            value = nil
        }
    }
}

extension KeyedDecodingContainer {
    /// Decode-or-nil for optional fields (STYLE §3): a missing key, `null` or a value of another shape all give
    /// `nil`, so a field a panel changes does not fail the enclosing object.
    public func decodeOrNil<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            return nil
        }
    }
}

extension DecodingError {
    /// Where and what went wrong, without the decoder's own text (which may quote the answer, and so a secret).
    public var secretFreeSummary: String {
        let (context, kind): (DecodingError.Context?, String) =
            switch self {
            case .typeMismatch(_, let context): (context, "type mismatch")
            case .valueNotFound(_, let context): (context, "missing value")
            case .keyNotFound(let key, let context): (context, "missing key \(key.stringValue)")
            case .dataCorrupted(let context): (context, "not valid JSON")
            @unknown default: (nil, "undecodable")
            }
        let path = context?.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path.map { $0.isEmpty ? kind : "\(kind) at \($0)" } ?? kind
    }
}
