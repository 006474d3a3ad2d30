/// Reads a complete datagram or packet front to back; every read checks the length first and throws
/// ``GameQueryError/truncated(_:)`` instead of trapping.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var index: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - index }

    mutating func readByte(_ what: String) throws(GameQueryError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated("missing \(what)") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(GameQueryError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated("missing \(what)") }
        defer { index += count }
        return bytes[index..<index + count]
    }

    /// An unsigned integer of `size` bytes, most significant first.
    mutating func readBigEndian(size: Int, _ what: String) throws(GameQueryError) -> UInt64 {
        try readBytes(size, what).reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// An unsigned integer of `size` bytes, least significant first.
    mutating func readLittleEndian(size: Int, _ what: String) throws(GameQueryError) -> UInt64 {
        try readBytes(size, what).reversed().reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// A NUL-terminated string; invalid UTF-8 is repaired rather than rejected (names are display text).
    mutating func readCString(_ what: String) throws(GameQueryError) -> String {
        guard let end = bytes[index...].firstIndex(of: 0) else { throw .truncated("unterminated \(what)") }
        defer { index = end + 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    /// A Minecraft VarInt (see ``VarInt``).
    mutating func readVarInt(_ what: String) throws(GameQueryError) -> Int32 {
        guard let (value, length) = try VarInt.decode(bytes[index...]) else {
            throw .truncated("missing \(what)")
        }
        index += length
        return value
    }
}
