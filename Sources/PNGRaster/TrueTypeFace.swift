/// The parts of a TrueType font needed to draw text: metrics, character map and quadratic outlines.
///
/// Reads `head`, `maxp`, `hhea`, `hmtx`, `loca`, `glyf` and a format 4 `cmap` subtable. Every read is bounds
/// checked, so a damaged file yields empty glyphs or a thrown error, never a crash.
/// Spec: https://learn.microsoft.com/en-us/typography/opentype/spec/otff
struct TrueTypeFace: Sendable {
    private let data: [UInt8]
    let unitsPerEm: Double
    let ascender: Double
    let descender: Double
    let lineGap: Double
    let glyphCount: Int
    private let longLocaOffsets: Bool
    private let locaOffset: Int
    private let glyfOffset: Int
    private let hmtxOffset: Int
    private let horizontalMetricCount: Int
    private let cmapSegments: [CmapSegment]
    private let cmapOffset: Int
    /// Height of capital letters in font units (from the glyph "H"), for vertical centring.
    private(set) var capHeight: Double = 0

    private struct CmapSegment: Sendable {
        var start: UInt32
        var end: UInt32
        var delta: Int
        var rangeOffset: Int
        /// Byte position of this segment's idRangeOffset entry (the base of the glyph index arithmetic).
        var rangeOffsetPosition: Int
    }

    /// A contour point in font units.
    struct OutlinePoint: Sendable {
        var x: Double
        var y: Double
        var onCurve: Bool
    }

    init(data: [UInt8]) throws(PNGRasterError) {
        self.data = data
        guard data.count >= 12 else { throw .fontInvalid(reason: "file too short") }
        let tableCount = Int(Self.u16(data, 4) ?? 0)
        var tables: [String: (offset: Int, length: Int)] = [:]
        for index in 0..<tableCount {
            let record = 12 + index * 16
            guard record + 16 <= data.count else { throw .fontInvalid(reason: "table directory truncated") }
            let tag = String(decoding: data[record..<(record + 4)], as: UTF8.self)
            let offset = Int(Self.u32(data, record + 8) ?? 0)
            let length = Int(Self.u32(data, record + 12) ?? 0)
            guard offset + length <= data.count else { throw .fontInvalid(reason: "table \(tag) out of bounds") }
            tables[tag] = (offset, length)
        }
        for tag in ["head", "maxp", "hhea", "hmtx", "loca", "glyf", "cmap"] where tables[tag] == nil {
            throw .fontInvalid(reason: "missing table \(tag)")
        }
        let head = tables["head"]!.offset
        let hhea = tables["hhea"]!.offset
        guard let units = Self.u16(data, head + 18), units > 0,
            let locaFormat = Self.i16(data, head + 50),
            let glyphs = Self.u16(data, tables["maxp"]!.offset + 4),
            let ascender = Self.i16(data, hhea + 4),
            let descender = Self.i16(data, hhea + 6),
            let lineGap = Self.i16(data, hhea + 8),
            let metrics = Self.u16(data, hhea + 34)
        else { throw .fontInvalid(reason: "header fields truncated") }
        unitsPerEm = Double(units)
        self.ascender = Double(ascender)
        self.descender = Double(descender)
        self.lineGap = Double(lineGap)
        glyphCount = Int(glyphs)
        longLocaOffsets = locaFormat == 1
        locaOffset = tables["loca"]!.offset
        glyfOffset = tables["glyf"]!.offset
        hmtxOffset = tables["hmtx"]!.offset
        horizontalMetricCount = max(1, Int(metrics))
        (cmapOffset, cmapSegments) = try Self.parseCmap(data, at: tables["cmap"]!.offset)
        if let glyph = glyphIndex(for: "H"), let bounds = glyphBounds(glyph) {
            capHeight = bounds.yMax
        } else {
            capHeight = self.ascender * 0.7
        }
    }

    // MARK: - Character map

    private static func parseCmap(_ data: [UInt8], at table: Int) throws(PNGRasterError) -> (Int, [CmapSegment]) {
        guard let count = u16(data, table + 2) else { throw .fontInvalid(reason: "cmap truncated") }
        var chosen: Int?
        for index in 0..<Int(count) {
            let record = table + 4 + index * 8
            guard let platform = u16(data, record), let encoding = u16(data, record + 2),
                let offset = u32(data, record + 4), u16(data, table + Int(offset)) == 4
            else { continue }
            // Windows Unicode BMP (3,1) or any Unicode platform (0,x) subtable in format 4.
            if (platform == 3 && encoding == 1) || platform == 0 {
                chosen = table + Int(offset)
                if platform == 3 { break }
            }
        }
        guard let subtable = chosen, let doubledCount = u16(data, subtable + 6) else {
            throw .fontInvalid(reason: "no format 4 Unicode cmap")
        }
        let segmentCount = Int(doubledCount) / 2
        let endCodes = subtable + 14
        let startCodes = endCodes + segmentCount * 2 + 2
        let deltas = startCodes + segmentCount * 2
        let rangeOffsets = deltas + segmentCount * 2
        var segments: [CmapSegment] = []
        for index in 0..<segmentCount {
            guard let end = u16(data, endCodes + index * 2), let start = u16(data, startCodes + index * 2),
                let delta = i16(data, deltas + index * 2), let range = u16(data, rangeOffsets + index * 2)
            else { throw .fontInvalid(reason: "cmap segments truncated") }
            segments.append(
                CmapSegment(
                    start: UInt32(start),
                    end: UInt32(end),
                    delta: Int(delta),
                    rangeOffset: Int(range),
                    rangeOffsetPosition: rangeOffsets + index * 2
                )
            )
        }
        return (subtable, segments)
    }

    /// The glyph for a character, or nil when the font lacks it (glyph 0 is .notdef).
    func glyphIndex(for scalar: Unicode.Scalar) -> UInt16? {
        let code = scalar.value
        guard code <= 0xFFFF else { return nil }
        var low = 0
        var high = cmapSegments.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if cmapSegments[mid].end < code {
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        guard low < cmapSegments.count else { return nil }
        let segment = cmapSegments[low]
        guard segment.start <= code else { return nil }
        var glyph: Int
        if segment.rangeOffset == 0 {
            glyph = (Int(code) + segment.delta) & 0xFFFF
        } else {
            let position = segment.rangeOffsetPosition + segment.rangeOffset + Int(code - segment.start) * 2
            guard let raw = Self.u16(data, position), raw != 0 else { return nil }
            glyph = (Int(raw) + segment.delta) & 0xFFFF
        }
        guard glyph != 0, glyph < glyphCount else { return nil }
        return UInt16(glyph)
    }

    // MARK: - Metrics and outlines

    /// Horizontal advance of a glyph in font units.
    func advance(_ glyph: UInt16) -> Double {
        let index = min(Int(glyph), horizontalMetricCount - 1)
        return Double(Self.u16(data, hmtxOffset + index * 4) ?? 0)
    }

    private func glyphRange(_ glyph: UInt16) -> Range<Int>? {
        let index = Int(glyph)
        guard index < glyphCount else { return nil }
        let start: Int
        let end: Int
        if longLocaOffsets {
            guard let a = Self.u32(data, locaOffset + index * 4), let b = Self.u32(data, locaOffset + index * 4 + 4)
            else { return nil }
            (start, end) = (Int(a), Int(b))
        } else {
            guard let a = Self.u16(data, locaOffset + index * 2), let b = Self.u16(data, locaOffset + index * 2 + 2)
            else { return nil }
            (start, end) = (Int(a) * 2, Int(b) * 2)
        }
        guard end > start, glyfOffset + end <= data.count else { return nil }
        return (glyfOffset + start)..<(glyfOffset + end)
    }

    private func glyphBounds(_ glyph: UInt16) -> (yMin: Double, yMax: Double)? {
        guard let range = glyphRange(glyph), let yMin = Self.i16(data, range.lowerBound + 4),
            let yMax = Self.i16(data, range.lowerBound + 8)
        else { return nil }
        return (Double(yMin), Double(yMax))
    }

    /// The glyph's contours in font units (y up), with composite glyphs resolved.
    func outline(_ glyph: UInt16, depth: Int = 0) -> [[OutlinePoint]] {
        guard depth < 8, let range = glyphRange(glyph), let contourCount = Self.i16(data, range.lowerBound) else {
            return []
        }
        if contourCount >= 0 {
            return simpleOutline(at: range.lowerBound, contourCount: Int(contourCount), limit: range.upperBound)
        }
        return compositeOutline(at: range.lowerBound + 10, limit: range.upperBound, depth: depth)
    }

    private func simpleOutline(at start: Int, contourCount: Int, limit: Int) -> [[OutlinePoint]] {
        var endPoints: [Int] = []
        for index in 0..<contourCount {
            guard let end = Self.u16(data, start + 10 + index * 2) else { return [] }
            endPoints.append(Int(end))
        }
        guard let lastPoint = endPoints.last, let instructionLength = Self.u16(data, start + 10 + contourCount * 2)
        else { return [] }
        let pointCount = lastPoint + 1
        var cursor = start + 12 + contourCount * 2 + Int(instructionLength)
        var flags: [UInt8] = []
        flags.reserveCapacity(pointCount)
        while flags.count < pointCount {
            guard cursor < limit else { return [] }
            let flag = data[cursor]
            cursor += 1
            flags.append(flag)
            if flag & 0x08 != 0 {
                guard cursor < limit else { return [] }
                let repeats = Int(data[cursor])
                cursor += 1
                for _ in 0..<repeats where flags.count < pointCount { flags.append(flag) }
            }
        }
        func coordinates(shortBit: UInt8, sameBit: UInt8) -> [Double]? {
            var values: [Double] = []
            values.reserveCapacity(pointCount)
            var value = 0
            for flag in flags {
                if flag & shortBit != 0 {
                    guard cursor < limit else { return nil }
                    let delta = Int(data[cursor])
                    cursor += 1
                    value += flag & sameBit != 0 ? delta : -delta
                } else if flag & sameBit == 0 {
                    guard let delta = Self.i16(data, cursor) else { return nil }
                    cursor += 2
                    value += Int(delta)
                }
                values.append(Double(value))
            }
            return values
        }
        guard let xs = coordinates(shortBit: 0x02, sameBit: 0x10), let ys = coordinates(shortBit: 0x04, sameBit: 0x20)
        else { return [] }
        var contours: [[OutlinePoint]] = []
        var first = 0
        for end in endPoints {
            guard end >= first, end < pointCount else { return contours }
            contours.append((first...end).map { OutlinePoint(x: xs[$0], y: ys[$0], onCurve: flags[$0] & 0x01 != 0) })
            first = end + 1
        }
        return contours
    }

    private func compositeOutline(at start: Int, limit: Int, depth: Int) -> [[OutlinePoint]] {
        var contours: [[OutlinePoint]] = []
        var cursor = start
        while true {
            guard let flags = Self.u16(data, cursor), let component = Self.u16(data, cursor + 2) else { break }
            cursor += 4
            var dx = 0.0
            var dy = 0.0
            if flags & 0x0001 != 0 {
                guard let a = Self.i16(data, cursor), let b = Self.i16(data, cursor + 2) else { break }
                (dx, dy) = (Double(a), Double(b))
                cursor += 4
            } else {
                guard cursor + 2 <= limit else { break }
                (dx, dy) = (Double(Int8(bitPattern: data[cursor])), Double(Int8(bitPattern: data[cursor + 1])))
                cursor += 2
            }
            // Point-matching placement (ARGS_ARE_XY_VALUES unset) is rare; treat its arguments as no offset.
            if flags & 0x0002 == 0 { (dx, dy) = (0, 0) }
            var (xx, xy, yx, yy) = (1.0, 0.0, 0.0, 1.0)
            func f2dot14(_ offset: Int) -> Double { Double(Self.i16(data, offset) ?? 0) / 16384 }
            if flags & 0x0008 != 0 {
                xx = f2dot14(cursor)
                yy = xx
                cursor += 2
            } else if flags & 0x0040 != 0 {
                xx = f2dot14(cursor)
                yy = f2dot14(cursor + 2)
                cursor += 4
            } else if flags & 0x0080 != 0 {
                (xx, xy, yx, yy) = (f2dot14(cursor), f2dot14(cursor + 2), f2dot14(cursor + 4), f2dot14(cursor + 6))
                cursor += 8
            }
            for contour in outline(component, depth: depth + 1) {
                contours.append(
                    contour.map {
                        OutlinePoint(x: xx * $0.x + yx * $0.y + dx, y: xy * $0.x + yy * $0.y + dy, onCurve: $0.onCurve)
                    }
                )
            }
            if flags & 0x0020 == 0 { break }
        }
        return contours
    }

    // MARK: - Byte access

    static func u16(_ data: [UInt8], _ offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= data.count else { return nil }
        return UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
    }

    static func i16(_ data: [UInt8], _ offset: Int) -> Int16? {
        u16(data, offset).map { Int16(bitPattern: $0) }
    }

    static func u32(_ data: [UInt8], _ offset: Int) -> UInt32? {
        guard let high = u16(data, offset), let low = u16(data, offset + 2) else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }
}
