/// An RGBA8 image in memory with antialiased drawing operations.
///
/// Pixels are row by row, top row first, with straight alpha. All drawing is clipped to ``clip`` (when set) and
/// to the canvas bounds, and is deterministic: the same calls give the same bytes.
///
/// While no more than 256 colours have been drawn, pixels are stored as one-byte indices into a palette, a
/// quarter of the memory to write, read and blend, and ``PNGEncoder`` writes them as they are. The 257th colour
/// turns the canvas into RGBA words in place; the pixels are the same either way.
public struct Canvas: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Drawing is limited to this rectangle when set (in addition to the canvas bounds).
    public var clip: Rect?
    /// Antialiasing steps for filled shapes: 0 (the default) keeps 255 steps; a small count such as 16 rounds
    /// each pixel's coverage to that many steps, which looks the same at graph scale but keeps the number of
    /// distinct colours low, so the canvas stays indexed and ``PNGEncoder`` can write a compact palette image.
    public var coverageLevels: Int = 0
    /// Reused coverage accumulation buffer, so drawing does not allocate per shape.
    private var accumulator: [Float] = []
    /// Room for one RGBA word per pixel; an indexed canvas uses the first byte per pixel.
    private var buffer: PixelBuffer
    /// The colours of an indexed canvas; nil once pixels are RGBA words.
    private var palette: ColorPalette?
    /// Indices of earlier blends, for the next blenders.
    private var blendMemo = BlendMemo()

    /// Creates a canvas filled with `background`.
    /// - Parameters:
    ///   - width: Width in pixels (at least 1).
    ///   - height: Height in pixels (at least 1).
    ///   - background: Initial colour of every pixel.
    public init(width: Int, height: Int, background: RGBA = .clear) {
        self.init(width: width, height: height, background: background, rectangles: [])
    }

    /// Creates a canvas filled with `background`, then with each of `rectangles` in order: the same pixels as
    /// ``init(width:height:background:)`` followed by ``fill(_:color:)-(Rect,_)`` for each rectangle.
    ///
    /// When the rectangles are opaque, pixel-aligned and do not overlap (the panels of a figure), each pixel is
    /// written once, which saves a second pass over the panels.
    public init(width: Int, height: Int, background: RGBA, rectangles: [(rect: Rect, color: RGBA)]) {
        let canvasWidth = max(1, width)
        let canvasHeight = max(1, height)
        self.width = canvasWidth
        self.height = canvasHeight
        buffer = PixelBuffer(pixelCount: canvasWidth * canvasHeight)
        let spans = Self.rowSpans(rectangles, width: canvasWidth, height: canvasHeight)
        let direct = spans ?? []
        let backgroundWord = SpanBlender.word(background)
        var palette = ColorPalette()
        // Each colour's index; nil (RGBA words from the start) only for more than 255 panels.
        let backgroundIndex = palette.index(of: backgroundWord)
        let spanIndices = direct.compactMap { palette.index(of: $0.word) }
        let base = buffer.bytes
        if let backgroundIndex, spanIndices.count == direct.count {
            Self.forEachRowSegment(direct, width: canvasWidth, height: canvasHeight) { start, end, span in
                let index = span.map { spanIndices[$0] } ?? backgroundIndex
                (base + start).initializeMemory(as: UInt8.self, repeating: index, count: end - start)
            }
            self.palette = palette
        } else {
            Self.forEachRowSegment(direct, width: canvasWidth, height: canvasHeight) { start, end, span in
                let word = span.map { direct[$0].word } ?? backgroundWord
                for index in start..<end { base.storeBytes(of: word, toByteOffset: index &* 4, as: UInt32.self) }
            }
        }
        if spans == nil {
            for (rect, color) in rectangles { fill(rect, color: color) }
        }
    }

    /// Calls `body` with each stretch `start..<end` of pixel indices, row by row, and the index in `spans` of the
    /// span covering it (nil for the background between spans). `spans` must be sorted left to right.
    private static func forEachRowSegment(
        _ spans: [(x0: Int, x1: Int, y0: Int, y1: Int, word: UInt32)],
        width: Int,
        height: Int,
        _ body: (_ start: Int, _ end: Int, _ span: Int?) -> Void
    ) {
        for y in 0..<height {
            let rowStart = y * width
            var x = 0
            for (index, span) in spans.enumerated() where y >= span.y0 && y < span.y1 {
                if span.x0 > x { body(rowStart + x, rowStart + span.x0, nil) }
                body(rowStart + span.x0, rowStart + span.x1, index)
                x = span.x1
            }
            if width > x { body(rowStart + x, rowStart + width, nil) }
        }
    }

    /// The rectangles as pixel spans sorted left to right, clipped to the canvas; nil unless every rectangle
    /// is opaque and pixel-aligned and no two overlap (then the initializer can write them with the background).
    private static func rowSpans(
        _ rectangles: [(rect: Rect, color: RGBA)],
        width: Int,
        height: Int
    ) -> [(x0: Int, x1: Int, y0: Int, y1: Int, word: UInt32)]? {
        var spans: [(x0: Int, x1: Int, y0: Int, y1: Int, word: UInt32)] = []
        for (rect, color) in rectangles {
            guard color.a == 255, isPixelAligned(rect) else { return nil }
            let x0 = max(0, Int(rect.x))
            let y0 = max(0, Int(rect.y))
            let x1 = min(width, Int(rect.maxX))
            let y1 = min(height, Int(rect.maxY))
            guard x1 > x0, y1 > y0 else { continue }
            let overlaps = spans.contains { $0.x0 < x1 && x0 < $0.x1 && $0.y0 < y1 && y0 < $0.y1 }
            guard !overlaps else { return nil }
            spans.append((x0, x1, y0, y1, SpanBlender.word(color)))
        }
        return spans.sorted { $0.x0 < $1.x0 }
    }

    /// True when every edge of `rect` lies on a whole pixel (within a range that converts to `Int`), so it fills
    /// whole pixels without antialiasing.
    static func isPixelAligned(_ rect: Rect) -> Bool {
        // Through `Int` rather than `rounded()`, which is a libm call on baseline x86-64 (a graph checks
        // thousands of dashes).
        func whole(_ value: Double) -> Bool { value.magnitude < 1e9 && value == Double(Int(value)) }
        return whole(rect.x) && whole(rect.y) && whole(rect.width) && whole(rect.height)
    }

    /// `width * height * 4` bytes, RGBA, row-major, top row first: a copy made on each access.
    public var pixels: [UInt8] {
        let count = width * height
        let source = UnsafeRawPointer(buffer.bytes)
        return [UInt8](unsafeUninitializedCapacity: count * 4) { target, initialized in
            guard let base = target.baseAddress else { return }
            if let palette {
                for index in 0..<count {
                    let word = palette.words[Int(source.load(fromByteOffset: index, as: UInt8.self))]
                    UnsafeMutableRawPointer(base).storeBytes(of: word, toByteOffset: index &* 4, as: UInt32.self)
                }
            } else {
                UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: count * 4)
            }
            initialized = count * 4
        }
    }

    /// The colour of one pixel (`.clear` outside the canvas).
    public func pixel(x: Int, y: Int) -> RGBA {
        guard x >= 0, y >= 0, x < width, y < height else { return .clear }
        let index = y * width + x
        let source = UnsafeRawPointer(buffer.bytes)
        let word =
            if let palette {
                palette.words[Int(source.load(fromByteOffset: index, as: UInt8.self))]
            } else {
                source.load(fromByteOffset: index * 4, as: UInt32.self)
            }
        return SpanBlender.color(ofWord: word)
    }

    /// Runs `body` with the pixels as RGBA bytes (``pixels``' layout): the canvas's own memory when it holds
    /// words, an expanded copy when it is indexed.
    func withRGBABytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        guard palette == nil else { return pixels.withUnsafeBytes(body) }
        return withExtendedLifetime(buffer) {
            body(UnsafeRawBufferPointer(start: buffer.bytes, count: width * height * 4))
        }
    }

    /// Runs `body` with the palette indices (one byte per pixel, row by row) and the palette, when the canvas is
    /// indexed; nil when its pixels are RGBA words.
    func withIndexedPixels<Result>(_ body: (UnsafeRawPointer, ColorPalette) -> Result) -> Result? {
        guard let palette else { return nil }
        return body(UnsafeRawPointer(buffer.bytes), palette)
    }

    /// Runs `body` with a blender of `color` over this canvas's pixels (copied first if shared with another
    /// canvas). Every pixel write goes through here.
    mutating func withSpanBlender(color: RGBA, _ body: (inout SpanBlender) -> Void) {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = buffer.copy(byteCount: palette == nil ? width * height * 4 : width * height)
        }
        var blender = SpanBlender(color: color, pixels: buffer.bytes, pixelCount: width * height)
        // The blender holds the palette and the memo while it adds to them. Swapped, not copied: a copy would
        // retain and release each of their arrays, and a graph makes hundreds of blenders.
        swap(&palette, &blender.palette)
        swap(&blendMemo, &blender.memo)
        body(&blender)
        swap(&palette, &blender.palette)
        swap(&blendMemo, &blender.memo)
    }

    /// The integer pixel bounds drawing may touch: canvas ∩ clip, as half-open ranges.
    var drawableBounds: (x0: Int, y0: Int, x1: Int, y1: Int) {
        var x0 = 0
        var y0 = 0
        var x1 = width
        var y1 = height
        if let clip {
            x0 = max(x0, Int(clip.x.rounded(.down)))
            y0 = max(y0, Int(clip.y.rounded(.down)))
            x1 = min(x1, Int(clip.maxX.rounded(.up)))
            y1 = min(y1, Int(clip.maxY.rounded(.up)))
        }
        return (x0, y0, max(x0, x1), max(y0, y1))
    }

    // MARK: - Filling

    /// Fills `path` with `color` using the non-zero winding rule and exact-area antialiasing.
    public mutating func fill(_ path: Path, color: RGBA) {
        guard color.a > 0 else { return }
        let contours = path.allContours
        guard !contours.isEmpty else { return }
        var minX = Double.infinity
        var minY = Double.infinity
        var maxX = -Double.infinity
        var maxY = -Double.infinity
        for contour in contours {
            for point in contour {
                guard point.x.isFinite, point.y.isFinite else { return }
                minX = min(minX, point.x)
                minY = min(minY, point.y)
                maxX = max(maxX, point.x)
                maxY = max(maxY, point.y)
            }
        }
        let bounds = drawableBounds
        let x0 = max(bounds.x0, Int(minX.rounded(.down)))
        let y0 = max(bounds.y0, Int(minY.rounded(.down)))
        let x1 = min(bounds.x1, Int(maxX.rounded(.up)))
        let y1 = min(bounds.y1, Int(maxY.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return }
        // Clip rectangles are whole pixels; sub-pixel clip edges are rounded outwards.
        let boxWidth = x1 - x0
        let boxHeight = y1 - y0
        let stride = boxWidth + 2
        let needed = stride * boxHeight
        // Moved out of self for the fill (and back after), so that blending can mutate self meanwhile.
        var accumulator = self.accumulator
        self.accumulator = []
        defer { self.accumulator = accumulator }
        if accumulator.count < needed {
            accumulator = [Float](repeating: 0, count: needed)
        }
        let canvasWidth = width
        accumulator.withUnsafeMutableBufferPointer { accumulation in
            let raster = CoverageAccumulator(
                buffer: accumulation,
                width: boxWidth,
                height: boxHeight,
                stride: stride,
                originX: Double(x0),
                originY: Double(y0)
            )
            for contour in contours {
                var previous = contour[contour.count - 1]
                for point in contour {
                    raster.addLine(from: previous, to: point)
                    previous = point
                }
            }
            let colorAlpha = Float(color.a)
            let levels = min(max(coverageLevels, 0), 255)
            let steps = Float(levels)
            // The alpha of each coverage step, so that no span pays for a division.
            let stepAlphas = (0...levels).map { step in (step * Int(color.a) + levels / 2) / max(levels, 1) }
            withSpanBlender(color: color) { blender in
                raster.resolveSpans { row, start, end, coverage in
                    let alpha =
                        levels > 0 ? stepAlphas[Int(coverage * steps + 0.5)] : Int(coverage * colorAlpha + 0.5)
                    guard alpha > 0 else { return }
                    let rowStart = (y0 + row) * canvasWidth + x0
                    blender.blend(from: rowStart + start, to: rowStart + end, alpha: alpha)
                }
            }
        }
    }

    /// Fills a rectangle; pixel-aligned rectangles take a fast path without the rasterizer.
    public mutating func fill(_ rect: Rect, color: RGBA) {
        guard Self.isPixelAligned(rect) else {
            var path = Path()
            path.addRect(rect)
            fill(path, color: color)
            return
        }
        guard color.a > 0 else { return }
        let area = blendArea
        withSpanBlender(color: color) { blender in Self.blendAligned(rect, in: area, with: &blender) }
    }

    /// What blending whole pixels needs from the canvas, read before a blender takes it over.
    struct BlendArea {
        let bounds: (x0: Int, y0: Int, x1: Int, y1: Int)
        let width: Int
    }

    var blendArea: BlendArea { BlendArea(bounds: drawableBounds, width: width) }

    /// Blends the blender's colour at full alpha over the whole pixels of `rect` (pixel-aligned) within `area`.
    static func blendAligned(_ rect: Rect, in area: BlendArea, with blender: inout SpanBlender) {
        let x0 = max(area.bounds.x0, Int(rect.x))
        let y0 = max(area.bounds.y0, Int(rect.y))
        let x1 = min(area.bounds.x1, Int(rect.maxX))
        let y1 = min(area.bounds.y1, Int(rect.maxY))
        guard x1 > x0, y1 > y0 else { return }
        for y in y0..<y1 {
            blender.blend(from: y * area.width + x0, to: y * area.width + x1, alpha: Int(blender.color.a))
        }
    }

    /// Fills a circle (e.g. a data point marker).
    public mutating func fillCircle(center: Point, radius: Double, color: RGBA) {
        var path = Path()
        path.addCircle(center: center, radius: radius)
        fill(path, color: color)
    }

    /// Strokes a polyline with `style` (solid or dashed, any width, round/miter/bevel joins).
    public mutating func stroke(_ points: [Point], style: StrokeStyle, color: RGBA) {
        // A horizontal or vertical segment with butt caps is a row of rectangles (one per dash): fill them
        // directly, which takes the whole-pixel fast path for grid lines on pixel centres.
        if points.count == 2, style.cap == .butt, style.width > 0, style.width.isFinite,
            points[0].x.isFinite, points[0].y.isFinite, points[1].x.isFinite, points[1].y.isFinite,
            points[0].x == points[1].x || points[0].y == points[1].y
        {
            let halfWidth = style.width / 2
            let pattern = style.dash.filter { $0 > 0 && $0.isFinite }
            let horizontal = points[0].y == points[1].y
            let from = horizontal ? points[0].x : points[0].y
            let to = horizontal ? points[1].x : points[1].y
            let direction: Double = to >= from ? 1 : -1
            let length = abs(to - from)
            // One rectangle per dash, `start...end` measured from the first point along the segment.
            var dashes: [Rect] = []
            func addDash(_ start: Double, _ end: Double) {
                let low = min(from + direction * start, from + direction * end)
                let extent = end - start
                guard extent > 1e-9 else { return }
                dashes.append(
                    horizontal
                        ? Rect(x: low, y: points[0].y - halfWidth, width: extent, height: style.width)
                        : Rect(x: points[0].x - halfWidth, y: low, width: style.width, height: extent)
                )
            }
            if pattern.count >= 2 {
                // Dashes and gaps alternate through the pattern (an odd-length pattern swaps roles each round).
                var travelled = 0.0
                var step = 0
                while length - travelled > 1e-9 {
                    let next = min(length, travelled + pattern[step % pattern.count])
                    if step % 2 == 0 { addDash(travelled, next) }
                    travelled = next
                    step += 1
                }
            } else {
                addDash(0, length)
            }
            fillDashes(dashes, color: color)
            return
        }
        fill(Path.stroke(points, style: style), color: color)
    }

    /// Fills the dashes of one line, which do not overlap: whole-pixel dashes with one blender, the others as one
    /// path, the way the general stroke fills all of a line's dashes. A graph has over a thousand dashes, so
    /// their set-up counts.
    private mutating func fillDashes(_ dashes: [Rect], color: RGBA) {
        guard color.a > 0 else { return }
        var partial = Path()
        let area = blendArea
        withSpanBlender(color: color) { blender in
            for dash in dashes {
                if Self.isPixelAligned(dash) {
                    Self.blendAligned(dash, in: area, with: &blender)
                } else {
                    partial.addRect(dash)
                }
            }
        }
        if !partial.isEmpty { fill(partial, color: color) }
    }

    /// Blends the blender's colour through a coverage mask (one byte per pixel, 255 = full) whose top-left pixel
    /// lands at (`x`, `y`) within `area`. Used for cached glyph bitmaps.
    static func blendMask(
        _ mask: [UInt8],
        maskWidth: Int,
        maskHeight: Int,
        x: Int,
        y: Int,
        in area: BlendArea,
        with blender: inout SpanBlender
    ) {
        let startX = max(area.bounds.x0, x)
        let startY = max(area.bounds.y0, y)
        let endX = min(area.bounds.x1, x + maskWidth)
        let endY = min(area.bounds.y1, y + maskHeight)
        guard endX > startX, endY > startY else { return }
        let colorAlpha = Int(blender.color.a)
        mask.withUnsafeBufferPointer { source in
            for row in startY..<endY {
                let maskRow = (row - y) * maskWidth - x
                for column in startX..<endX {
                    let coverage = Int(source[maskRow + column])
                    if coverage == 0 { continue }
                    blender.blendPixel(at: row * area.width + column, alpha: (coverage * colorAlpha + 127) / 255)
                }
            }
        }
    }

    /// Source-over blending of `color` at `alpha` (0...255) into the pixel at byte `index`.
    @inline(__always)
    static func blend(_ target: UnsafeMutableBufferPointer<UInt8>, index: Int, color: RGBA, alpha: Int) {
        let destinationAlpha = Int(target[index + 3])
        if alpha >= 255 {
            target[index] = color.r
            target[index + 1] = color.g
            target[index + 2] = color.b
            target[index + 3] = 255
        } else if destinationAlpha == 255 {
            let inverse = 255 - alpha
            target[index] = UInt8((Int(color.r) * alpha + Int(target[index]) * inverse + 127) / 255)
            target[index + 1] = UInt8((Int(color.g) * alpha + Int(target[index + 1]) * inverse + 127) / 255)
            target[index + 2] = UInt8((Int(color.b) * alpha + Int(target[index + 2]) * inverse + 127) / 255)
        } else {
            // General straight-alpha "over": out = src·a + dst·da·(1-a), divided by the resulting alpha.
            let weightedDestination = destinationAlpha * (255 - alpha)
            let outAlpha255 = alpha * 255 + weightedDestination
            guard outAlpha255 > 0 else { return }
            func mix(_ source: UInt8, _ destination: UInt8) -> UInt8 {
                UInt8(
                    (Int(source) * alpha * 255 + Int(destination) * weightedDestination + outAlpha255 / 2) / outAlpha255
                )
            }
            target[index] = mix(color.r, target[index])
            target[index + 1] = mix(color.g, target[index + 1])
            target[index + 2] = mix(color.b, target[index + 2])
            target[index + 3] = UInt8((outAlpha255 + 127) / 255)
        }
    }
}
