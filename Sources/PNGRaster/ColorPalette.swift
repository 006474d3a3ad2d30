/// Up to 256 distinct colours, each with its one-byte index, in the order they were added.
///
/// Colours are pixel words: the `UInt32` whose bytes in memory are red, green, blue, alpha (see
/// ``SpanBlender/word(_:)``). Lookup is a small open-addressing hash table of 1024 slots, so the load factor stays
/// at or below one quarter.
struct ColorPalette: Sendable {
    static let capacity = 256

    /// The colours by index.
    private(set) var words: [UInt32] = []
    private var keys = [UInt32](repeating: 0, count: 1024)
    /// Index + 1 per slot; 0 marks an empty slot.
    private var slots = [UInt16](repeating: 0, count: 1024)

    init() {
        words.reserveCapacity(Self.capacity)
    }

    /// The index of `word`, added if new; nil when it is new and the palette already holds 256 colours.
    mutating func index(of word: UInt32) -> UInt8? {
        var slot = Int((UInt32(littleEndian: word) &* 0x9E37_79B1) >> 22)
        while true {
            let stored = slots[slot]
            if stored == 0 {
                guard words.count < Self.capacity else { return nil }
                words.append(word)
                slots[slot] = UInt16(words.count)
                keys[slot] = word
                return UInt8(words.count - 1)
            }
            if keys[slot] == word { return UInt8(stored - 1) }
            slot = (slot + 1) & 1023
        }
    }

    /// The colours as values with red in the low byte, as PNG's PLTE and tRNS chunks list them.
    var colorValues: [UInt32] { words.map { UInt32(littleEndian: $0) } }
}
