/// Minecraft's VarInt, the integer of the Java Edition framing.
///
/// Reference (`game-queries.md` §1, after wiki.vg Server_List_Ping): 7 bits per byte, least significant group
/// first; bit 0x80 means "more follows"; at most 5 bytes. Negative values use the two's complement of 32 bits,
/// so −1 takes all five bytes (`FF FF FF FF 0F`).
public enum VarInt {
    /// The longest encoding of a 32-bit value.
    public static let maxBytes = 5

    /// Encodes `value`.
    /// - Parameter value: Any 32-bit value.
    /// - Returns: One to five bytes.
    public static func encode(_ value: Int32) -> [UInt8] {
        var rest = UInt32(bitPattern: value)
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while rest != 0
        return bytes
    }

    /// Decodes the VarInt at the start of `bytes`.
    /// - Parameter bytes: Received bytes, possibly more than the VarInt.
    /// - Returns: The value and how many bytes it took, or nil when `bytes` ends before the VarInt does.
    /// - Throws: ``GameQueryError/malformed(_:)`` for a sixth byte or bits beyond 32 (an overlong VarInt).
    public static func decode(_ bytes: some Collection<UInt8>) throws(GameQueryError) -> (value: Int32, length: Int)? {
        var result: UInt32 = 0
        var length = 0
        for byte in bytes {
            if length == maxBytes - 1, byte & 0xF0 != 0 {
                // The fifth byte carries bits 28...31 only; anything above would not fit 32 bits.
                throw .malformed("VarInt longer than 5 bytes")
            }
            result |= UInt32(byte & 0x7F) << (7 * UInt32(length))
            length += 1
            if byte & 0x80 == 0 {
                return (Int32(bitPattern: result), length)
            }
        }
        return nil
    }
}
