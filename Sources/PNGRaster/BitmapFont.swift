/// Our own 5×7 pixel font for printable ASCII, used when no TrueType font can be loaded.
///
/// Each glyph is seven rows of five bits, one base-32 digit per row (top row first, bit 4 = leftmost pixel).
enum BitmapFont {
    /// Design units per em; capitals are 7 units tall and every glyph advances 6 units.
    static let unitsPerEm = 10.0
    static let advance = 6.0
    static let capHeight = 7.0
    static let ascender = 8.0
    static let descender = -2.0
    /// Lower-case letters whose tails drop below the baseline are drawn two rows lower.
    static let descending: Set<Character> = ["g", "p", "q", "y"]

    static let rows: [String] = [
        "0000000", "4444404", "aa00000", "aavavaa", "4fke5u4", "op248j3", "cik8lid", "4400000",
        "2488842", "8422248", "04lel40", "044v440", "0000c48", "000v000", "00000cc", "01248g0",
        "ehjlphe", "4c4444e", "eh1248v", "eh161he", "26aiv22", "vgu11he", "68guhhe", "v124888",
        "ehhehhe", "ehhf12c", "0cc0cc0", "0cc0c48", "248g842", "00v0v00", "8421248", "eh12404",
        "ehnlnge", "ehhvhhh", "uhhuhhu", "ehggghe", "sihhhis", "vgguggv", "vgguggg", "ehgnhhf",
        "hhhvhhh", "e44444e", "72222ic", "hikokih", "ggggggv", "hrllhhh", "hhpljhh", "ehhhhhe",
        "uhhuggg", "ehhhlid", "uhhukih", "fgge11u", "v444444", "hhhhhhe", "hhhhha4", "hhhllla",
        "hha4ahh", "hha4444", "v1248gv", "e88888e", "0g84210", "e22222e", "4ah0000", "000000v",
        "8400000", "00e1fhf", "ggmphhu", "00egghe", "11djhhf", "00ehvge", "698s888", "0fhhf1e",
        "ggmphhh", "40c444e", "20622ic", "ggikoki", "c44444e", "00qllhh", "00mphhh", "00ehhhe",
        "0uhhugg", "0fhhf11", "00mpggg", "00fge1u", "88s8896", "00hhhjd", "00hhha4", "00hhlla",
        "00ha4ah", "0hhhf1e", "00v248v", "3448443", "4444444", "o44244o", "008l200",
    ]

    /// The on-pixels of a printable ASCII character as (column, row) pairs, row 0 at cap height; nil otherwise.
    static func pixels(for scalar: Unicode.Scalar) -> [(column: Int, row: Int)]? {
        guard scalar.value >= 32, scalar.value < 127 else { return nil }
        let digits = Array(rows[Int(scalar.value) - 32].utf8)
        let shift = descending.contains(Character(scalar)) ? 2 : 0
        var result: [(Int, Int)] = []
        for (row, digit) in digits.enumerated() {
            let value =
                digit <= UInt8(ascii: "9") ? Int(digit - UInt8(ascii: "0")) : Int(digit - UInt8(ascii: "a")) + 10
            for column in 0..<5 where value & (0x10 >> column) != 0 {
                result.append((column, row + shift))
            }
        }
        return result
    }
}
