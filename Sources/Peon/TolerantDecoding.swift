/// Decodes one element of an array and yields `nil` instead of failing, so one odd server object does not lose
/// the whole list.
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
    /// Decode-or-nil: a missing key, `null` or a value of another shape all give `nil`, so a field PEON or Docker
    /// changes does not fail the enclosing object.
    func decodeOrNil<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            return nil
        }
    }

    /// A non-negative counter (Docker's `uint64`), or `nil` when missing, negative or not an integer.
    func counter(forKey key: Key) -> Int? {
        decodeOrNil(Int.self, forKey: key).flatMap { $0 >= 0 ? $0 : nil }
    }
}
