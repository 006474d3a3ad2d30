/// Blends one colour over runs of a canvas's pixels, indexed or RGBA, with exactly the arithmetic of
/// ``Canvas/blend(_:index:color:alpha:)``.
///
/// It remembers the last two destinations and their results at the current alpha, so that uniform areas (a
/// translucent fill over a flat background, or over grid lines, which alternate between two colours) cost a
/// compare and a store per pixel, and sixteen indices or four words per step while the destination repeats.
struct SpanBlender {
    let color: RGBA
    let opaqueWord: UInt32
    /// The canvas's pixels: indices while `palette` is set, RGBA words after.
    private let pixels: UnsafeMutableRawPointer
    private let pixelCount: Int
    /// The canvas's palette while it is indexed (nil for RGBA words); the canvas lends it for the blender's life.
    var palette: ColorPalette?
    /// The canvas's earlier blend results, lent the same way.
    var memo = BlendMemo()
    /// Destinations and results are indices while indexed, words after.
    private var lastDestination: UInt32 = 0
    private var lastAlpha = -1
    private var lastResult: UInt32 = 0
    private var otherDestination: UInt32 = 0
    private var otherResult: UInt32 = 0
    /// The index of the opaque colour once looked up.
    private var opaqueIndex: UInt8?

    init(color: RGBA, pixels: UnsafeMutableRawPointer, pixelCount: Int) {
        self.color = color
        var opaque = color
        opaque.a = 255
        opaqueWord = Self.word(opaque)
        self.pixels = pixels
        self.pixelCount = pixelCount
    }

    /// The word whose in-memory bytes are `color`'s r, g, b, a.
    static func word(_ color: RGBA) -> UInt32 {
        UInt32(littleEndian: UInt32(color.r) | UInt32(color.g) << 8 | UInt32(color.b) << 16 | UInt32(color.a) << 24)
    }

    /// The colour whose in-memory bytes are `word`.
    static func color(ofWord word: UInt32) -> RGBA {
        let value = UInt32(littleEndian: word)
        return RGBA(
            r: UInt8(truncatingIfNeeded: value),
            g: UInt8(truncatingIfNeeded: value >> 8),
            b: UInt8(truncatingIfNeeded: value >> 16),
            a: UInt8(truncatingIfNeeded: value >> 24)
        )
    }

    /// Source-over of `color` at `alpha` onto one pixel word, with the arithmetic of ``Canvas/blend``.
    static func blended(_ destination: UInt32, color: RGBA, alpha: Int) -> UInt32 {
        var bytes = destination
        return withUnsafeMutableBytes(of: &bytes) { raw in
            Canvas.blend(raw.bindMemory(to: UInt8.self), index: 0, color: color, alpha: alpha)
            return raw.load(as: UInt32.self)
        }
    }

    /// Blends at `alpha` (1...255) into pixels `start..<end` (pixel indices, not bytes).
    @inline(__always)
    mutating func blend(from start: Int, to end: Int, alpha: Int) {
        guard end > start else { return }
        var position = start
        if palette != nil {
            position = blendIndices(from: start, to: end, alpha: alpha)
            guard position < end else { return }
            // A 257th colour: continue with words, which hold any colour.
            convertToWords()
        }
        blendWords(from: position, to: end, alpha: alpha)
    }

    /// Blends at `alpha` (1...255) into the one pixel at `index`: the same as `blend(from: index, to: index + 1,
    /// alpha: alpha)` without the set-up for a run, for text, where alpha changes from pixel to pixel.
    @inline(__always)
    mutating func blendPixel(at index: Int, alpha: Int) {
        if palette != nil, alpha < 255 {
            if let result = blendedIndex(pixels.load(fromByteOffset: index, as: UInt8.self), alpha: alpha) {
                pixels.storeBytes(of: result, toByteOffset: index, as: UInt8.self)
                return
            }
        }
        blend(from: index, to: index &+ 1, alpha: alpha)
    }

    /// Indexed pixels: blends `start..<end` and returns `end`, or stops where the result is a colour the full
    /// palette cannot hold and returns that position (the pixels before it are done).
    private mutating func blendIndices(from start: Int, to end: Int, alpha: Int) -> Int {
        if alpha >= 255 {
            guard let index = opaqueIndex ?? palette?.index(of: opaqueWord) else { return start }
            opaqueIndex = index
            (pixels + start).initializeMemory(as: UInt8.self, repeating: index, count: end &- start)
            return end
        }
        if alpha != lastAlpha {
            let destination = pixels.load(fromByteOffset: start, as: UInt8.self)
            guard let result = blendedIndex(destination, alpha: alpha) else { return start }
            lastAlpha = alpha
            (lastDestination, lastResult) = (UInt32(destination), UInt32(result))
            (otherDestination, otherResult) = (lastDestination, lastResult)
        }
        var index = start
        while index < end {
            // Sixteen pixels in one step while they all match the last destination (a fill over a flat
            // background): a tight loop of its own, so the splatted bytes stay in registers. Two 64-bit words,
            // because byte lanes in SIMD types compile to slow generic code.
            let destinations = UInt64(lastDestination) &* 0x0101_0101_0101_0101
            let results = UInt64(lastResult) &* 0x0101_0101_0101_0101
            while index &+ 16 <= end,
                (pixels.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ destinations)
                    | (pixels.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self) ^ destinations) == 0
            {
                pixels.storeBytes(of: results, toByteOffset: index, as: UInt64.self)
                pixels.storeBytes(of: results, toByteOffset: index &+ 8, as: UInt64.self)
                index &+= 16
            }
            guard index < end else { break }
            let destination = UInt32(pixels.load(fromByteOffset: index, as: UInt8.self))
            if destination != lastDestination {
                let result: UInt32
                if destination == otherDestination {
                    result = otherResult
                } else {
                    guard let blended = blendedIndex(UInt8(destination), alpha: alpha) else { return index }
                    result = UInt32(blended)
                }
                (otherDestination, otherResult) = (lastDestination, lastResult)
                (lastDestination, lastResult) = (destination, result)
            }
            pixels.storeBytes(of: UInt8(truncatingIfNeeded: lastResult), toByteOffset: index, as: UInt8.self)
            index &+= 1
        }
        return end
    }

    /// The index of `color` at `alpha` (below 255) over the colour at `destination`; nil when the palette is
    /// full.
    private mutating func blendedIndex(_ destination: UInt8, alpha: Int) -> UInt8? {
        let key = BlendMemo.key(color: opaqueWord, alpha: alpha, destination: destination)
        if let result = memo.result(for: key) { return result }
        // The word is read before the palette grows: holding its array meanwhile would make the growth copy it.
        guard let word = palette?.words[Int(destination)],
            let result = palette?.index(of: Self.blended(word, color: color, alpha: alpha))
        else { return nil }
        memo.store(result, for: key)
        return result
    }

    /// Turns the canvas's indices into RGBA words in place, last pixel first: pixel i's word goes to bytes
    /// 4i..<4i+4, which only overlap indices already converted.
    private mutating func convertToWords() {
        guard let palette else { return }
        palette.words.withUnsafeBufferPointer { words in
            for index in stride(from: pixelCount - 1, through: 0, by: -1) {
                let word = words[Int(pixels.load(fromByteOffset: index, as: UInt8.self))]
                pixels.storeBytes(of: word, toByteOffset: index &* 4, as: UInt32.self)
            }
        }
        self.palette = nil
        lastAlpha = -1
    }

    /// RGBA pixels: blends `start..<end`.
    private mutating func blendWords(from start: Int, to end: Int, alpha: Int) {
        if alpha >= 255 {
            for index in start..<end {
                pixels.storeBytes(of: opaqueWord, toByteOffset: index &* 4, as: UInt32.self)
            }
            return
        }
        if alpha != lastAlpha {
            lastAlpha = alpha
            lastDestination = pixels.loadUnaligned(fromByteOffset: start &* 4, as: UInt32.self)
            lastResult = Self.blended(lastDestination, color: color, alpha: alpha)
            otherDestination = lastDestination
            otherResult = lastResult
        }
        var index = start
        while index < end {
            // Four pixels in one step while they all match the last destination: a tight loop of its own, so the
            // splatted words stay in registers.
            let destinations = SIMD4(repeating: lastDestination)
            let results = SIMD4(repeating: lastResult)
            while index &+ 4 <= end,
                !any(pixels.loadUnaligned(fromByteOffset: index &* 4, as: SIMD4<UInt32>.self) .!= destinations)
            {
                pixels.storeBytes(of: results, toByteOffset: index &* 4, as: SIMD4<UInt32>.self)
                index &+= 4
            }
            guard index < end else { break }
            let destination = pixels.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
            if destination != lastDestination {
                let result =
                    destination == otherDestination
                    ? otherResult : Self.blended(destination, color: color, alpha: alpha)
                (otherDestination, otherResult) = (lastDestination, lastResult)
                (lastDestination, lastResult) = (destination, result)
            }
            pixels.storeBytes(of: lastResult, toByteOffset: index &* 4, as: UInt32.self)
            index &+= 1
        }
    }
}

/// Palette indices of earlier blends, by colour, alpha and destination index, so that a blend seen before (text is
/// drawn a glyph at a time, over the same few colours) costs a lookup instead of a blend and a palette search.
/// Direct mapped: a new result replaces whatever shared its slot. Valid as long as the palette only grows.
struct BlendMemo: Sendable {
    private static let slotBits = 12
    /// Keys by slot; 0 marks an empty slot (every key has its top bit set).
    private var keys: [UInt64] = []
    private var results: [UInt8] = []

    /// The key of `color` (a word whose alpha is ignored: `alpha` stands for it) over palette entry `destination`.
    static func key(color: UInt32, alpha: Int, destination: UInt8) -> UInt64 {
        1 << 63 | UInt64(color) << 16 | UInt64(alpha & 0xFF) << 8 | UInt64(destination)
    }

    private static func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    func result(for key: UInt64) -> UInt8? {
        guard !keys.isEmpty else { return nil }
        let slot = Self.slot(key)
        return keys[slot] == key ? results[slot] : nil
    }

    mutating func store(_ result: UInt8, for key: UInt64) {
        if keys.isEmpty {
            keys = [UInt64](repeating: 0, count: 1 << Self.slotBits)
            results = [UInt8](repeating: 0, count: 1 << Self.slotBits)
        }
        let slot = Self.slot(key)
        keys[slot] = key
        results[slot] = result
    }
}
