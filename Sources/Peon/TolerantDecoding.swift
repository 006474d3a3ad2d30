import ClientSupport

extension KeyedDecodingContainer {
    /// A non-negative counter (Docker's `uint64`), or `nil` when missing, negative or not an integer.
    func counter(forKey key: Key) -> Int? {
        decodeOrNil(Int.self, forKey: key).flatMap { $0 >= 0 ? $0 : nil }
    }
}
