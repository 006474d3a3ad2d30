import GameQuery
import Testing

/// VarInt byte fixtures from `game-queries.md` §1 (7 bits per byte, low group first, 0x80 = more, ≤ 5 bytes).
@Suite struct VarIntTests {
    static let fixtures: [(value: Int32, bytes: [UInt8])] = [
        (0, [0x00]),
        (1, [0x01]),
        (127, [0x7F]),
        (128, [0x80, 0x01]),
        (255, [0xFF, 0x01]),
        (25_565, [0xDD, 0xC7, 0x01]),
        (2_097_151, [0xFF, 0xFF, 0x7F]),
        (Int32.max, [0xFF, 0xFF, 0xFF, 0xFF, 0x07]),
        (-1, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        (Int32.min, [0x80, 0x80, 0x80, 0x80, 0x08]),
    ]

    @Test func encodesAndDecodesFixtures() throws {
        for (value, bytes) in Self.fixtures {
            #expect(VarInt.encode(value) == bytes, "\(value)")
            let decoded = try #require(try VarInt.decode(bytes + [0x2A]))
            #expect(decoded.value == value)
            #expect(decoded.length == bytes.count)
        }
    }

    @Test func fiveBytesIsTheMaximum() {
        #expect(VarInt.encode(-1).count == VarInt.maxBytes)
        #expect(VarInt.encode(Int32.min).count == VarInt.maxBytes)
    }

    @Test func asksForMoreWhenCutShort() throws {
        #expect(try VarInt.decode([UInt8]()) == nil)
        #expect(try VarInt.decode([0x80]) == nil)
        #expect(try VarInt.decode([0xFF, 0xFF, 0xFF, 0xFF]) == nil)
    }

    @Test func rejectsOverlongEncodings() {
        // A sixth byte.
        #expect(throws: GameQueryError.malformed("VarInt longer than 5 bytes")) {
            try VarInt.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        }
        // A fifth byte with bits beyond 32.
        #expect(throws: GameQueryError.malformed("VarInt longer than 5 bytes")) {
            try VarInt.decode([0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        }
    }
}
