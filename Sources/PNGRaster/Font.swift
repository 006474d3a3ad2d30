import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A typeface for ``Canvas/draw(_:at:font:size:color:alignment:baseline:rotation:)``: a TrueType font or our
/// built-in 5×7 bitmap font, with a cache of rendered glyph coverage per (glyph, size, sub-pixel offset).
///
/// Thread-safe: the only mutable state is the glyph cache behind a `Mutex`.
public final class Font: Sendable {
    private enum Source: Sendable {
        case trueType(TrueTypeFace)
        case bitmap
    }

    private let source: Source
    private let cache = Mutex<[GlyphKey: GlyphMask]>([:])

    /// Where DejaVu Sans (package fonts-dejavu-core) usually lives on Linux, regular weight.
    public static let defaultRegularPaths = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/local/share/fonts/DejaVuSans.ttf",
        "/Library/Fonts/DejaVuSans.ttf",
    ]

    /// Where DejaVu Sans Bold usually lives on Linux.
    public static let defaultBoldPaths = defaultRegularPaths.map { String($0.dropLast(4)) + "-Bold.ttf" }

    private init(source: Source) {
        self.source = source
    }

    /// Parses a TrueType font from its file bytes.
    /// - Throws: ``PNGRasterError/fontInvalid(reason:)`` when a required table is missing or malformed.
    public convenience init(trueTypeData: [UInt8]) throws(PNGRasterError) {
        self.init(source: .trueType(try TrueTypeFace(data: trueTypeData)))
    }

    /// Loads a TrueType font file.
    /// - Parameter path: File system path of a `.ttf` file.
    /// - Throws: ``PNGRasterError/fontUnreadable(path:)`` or ``PNGRasterError/fontInvalid(reason:)``.
    public static func load(path: String) throws(PNGRasterError) -> Font {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .fontUnreadable(path: path)
        }
        return try Font(trueTypeData: [UInt8](data))
    }

    /// Our built-in ASCII bitmap font; always available.
    public static func builtin() -> Font {
        Font(source: .bitmap)
    }

    /// The first loadable font among `paths`, or the built-in font when none loads (check ``isBuiltin`` to
    /// warn about it).
    /// - Parameter paths: Candidate files in order of preference.
    public static func firstAvailable(_ paths: [String]) -> Font {
        for path in paths {
            if let font = try? load(path: path) { return font }
        }
        return builtin()
    }

    /// True for the built-in bitmap fallback.
    public var isBuiltin: Bool {
        if case .bitmap = source { return true }
        return false
    }

    // MARK: - Metrics

    private var unitsPerEm: Double {
        switch source {
        case .trueType(let face): face.unitsPerEm
        case .bitmap: BitmapFont.unitsPerEm
        }
    }

    /// Distance from the baseline up to the top of tall letters, in pixels at `size`.
    public func ascent(size: Double) -> Double {
        switch source {
        case .trueType(let face): face.ascender * size / face.unitsPerEm
        case .bitmap: BitmapFont.ascender * size / BitmapFont.unitsPerEm
        }
    }

    /// Distance from the baseline down to the bottom of descenders (positive), in pixels at `size`.
    public func descent(size: Double) -> Double {
        switch source {
        case .trueType(let face): -face.descender * size / face.unitsPerEm
        case .bitmap: -BitmapFont.descender * size / BitmapFont.unitsPerEm
        }
    }

    /// Height of capital letters in pixels at `size`.
    public func capHeight(size: Double) -> Double {
        switch source {
        case .trueType(let face): face.capHeight * size / face.unitsPerEm
        case .bitmap: BitmapFont.capHeight * size / BitmapFont.unitsPerEm
        }
    }

    /// The advance width of `text` in pixels at `size` (no kerning).
    public func width(of text: String, size: Double) -> Double {
        var total = 0.0
        for scalar in text.unicodeScalars {
            total += advance(of: glyph(for: scalar))
        }
        return total * size / unitsPerEm
    }

    // MARK: - Glyphs

    /// A glyph of this font, or the box drawn for characters it lacks.
    enum Glyph: Hashable {
        case index(UInt16)
        case ascii(Unicode.Scalar)
        case space
        case box
    }

    func glyph(for scalar: Unicode.Scalar) -> Glyph {
        switch source {
        case .trueType(let face):
            if let index = face.glyphIndex(for: scalar) { return .index(index) }
            return scalar.properties.isWhitespace ? .space : .box
        case .bitmap:
            if scalar == " " { return .space }
            if BitmapFont.pixels(for: scalar) != nil { return .ascii(scalar) }
            return scalar.properties.isWhitespace ? .space : .box
        }
    }

    /// Advance in font units.
    private func advance(of glyph: Glyph) -> Double {
        switch (glyph, source) {
        case (.index(let index), .trueType(let face)): face.advance(index)
        case (.box, _), (.space, .trueType), (.ascii, .trueType), (.index, .bitmap):
            unitsPerEm * 0.6
        case (.space, .bitmap), (.ascii, .bitmap): BitmapFont.advance
        }
    }

    /// The glyph outline in pixels, with the pen at (`offsetX`, 0) on the baseline.
    private func path(for glyph: Glyph, size: Double, offsetX: Double) -> Path {
        let scale = size / unitsPerEm
        var path = Path()
        switch (glyph, source) {
        case (.index(let index), .trueType(let face)):
            for contour in face.outline(index) {
                path.addQuadraticContour(
                    contour.map { (Point(x: offsetX + $0.x * scale, y: -$0.y * scale), $0.onCurve) }
                )
            }
        case (.ascii(let scalar), .bitmap):
            for pixel in BitmapFont.pixels(for: scalar) ?? [] {
                path.addRect(
                    Rect(
                        x: offsetX + Double(pixel.column) * scale,
                        y: (Double(pixel.row) - BitmapFont.capHeight) * scale,
                        width: scale,
                        height: scale
                    )
                )
            }
        case (.box, _):
            // An outlined box the height of capitals, so missing characters are visible but never crash.
            let height = capHeight(size: size)
            let width = unitsPerEm * 0.5 * scale
            let line = max(1, size / 14)
            let left = offsetX + unitsPerEm * 0.05 * scale
            path.addRect(Rect(x: left, y: -height, width: width, height: line))
            path.addRect(Rect(x: left, y: -line, width: width, height: line))
            path.addRect(Rect(x: left, y: -height, width: line, height: height))
            path.addRect(Rect(x: left + width - line, y: -height, width: line, height: height))
        default:
            break
        }
        return path
    }

    /// Lays out `text` and returns each glyph's coverage mask with its integer top-left position, rendering
    /// and caching masks on first use.
    func layout(_ text: String, size: Double, originX: Double, baselineY: Int) -> [(mask: GlyphMask, x: Int, y: Int)] {
        let scale = size / unitsPerEm
        let sizeKey = Int32((size * 64).rounded())
        var pen = originX
        var placements: [(Glyph, GlyphKey, Int)] = []
        for scalar in text.unicodeScalars {
            let glyph = glyph(for: scalar)
            // Whole-pixel pen positions: every copy of a glyph has identical pixels, which keeps the glyph cache
            // small and lets the PNG compressor match repeated digits.
            let whole = pen.rounded()
            if glyph != .space {
                placements.append((glyph, GlyphKey(glyph: glyph, size: sizeKey, subpixel: 0), Int(whole)))
            }
            pen += advance(of: glyph) * scale
        }
        return cache.withLock { cache in
            placements.map { glyph, key, x in
                let mask: GlyphMask
                if let cached = cache[key] {
                    mask = cached
                } else {
                    mask = GlyphMask(path: path(for: glyph, size: size, offsetX: Double(key.subpixel) / 4))
                    cache[key] = mask
                }
                return (mask, x + mask.left, baselineY + mask.top)
            }
        }
    }
}

/// Cache key: glyph, size in 1/64 px and horizontal sub-pixel offset in quarter pixels.
struct GlyphKey: Hashable {
    var glyph: Font.Glyph
    var size: Int32
    var subpixel: UInt8
}

/// A rendered glyph: 8-bit coverage with its offset from the pen position on the baseline.
struct GlyphMask: Sendable {
    static let quantized: [UInt8] = (0...8).map { UInt8(($0 * 255 + 4) / 8) }

    var width: Int
    var height: Int
    var left: Int
    var top: Int
    var coverage: [UInt8]

    init(path: Path) {
        let contours = path.allContours
        var minX = Double.infinity
        var minY = Double.infinity
        var maxX = -Double.infinity
        var maxY = -Double.infinity
        for point in contours.joined() {
            minX = min(minX, point.x)
            minY = min(minY, point.y)
            maxX = max(maxX, point.x)
            maxY = max(maxY, point.y)
        }
        guard minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite else {
            (width, height, left, top, coverage) = (0, 0, 0, 0, [])
            return
        }
        left = Int(minX.rounded(.down))
        top = Int(minY.rounded(.down))
        width = Int(maxX.rounded(.up)) - left
        height = Int(maxY.rounded(.up)) - top
        let stride = width + 2
        var buffer = [Float](repeating: 0, count: stride * height)
        var result = [UInt8](repeating: 0, count: width * height)
        let (boxWidth, boxHeight, originX, originY) = (width, height, Double(left), Double(top))
        buffer.withUnsafeMutableBufferPointer { buffer in
            let raster = CoverageAccumulator(
                buffer: buffer,
                width: boxWidth,
                height: boxHeight,
                stride: stride,
                originX: originX,
                originY: originY
            )
            for contour in contours {
                var previous = contour[contour.count - 1]
                for point in contour {
                    raster.addLine(from: previous, to: point)
                    previous = point
                }
            }
            // Eight coverage steps look the same as 256 at text sizes and make graphs about a third smaller.
            raster.resolve { row, column, coverage in
                result[row * boxWidth + column] = GlyphMask.quantized[Int((coverage * 8).rounded())]
            }
        }
        coverage = result
    }
}

extension Path {
    /// Adds a TrueType contour: on-curve points joined by lines, off-curve points as quadratic controls, with
    /// the implied on-curve midpoint between two consecutive off-curve points.
    mutating func addQuadraticContour(_ points: [(Point, Bool)]) {
        guard points.count >= 2 else { return }
        let count = points.count
        // Start at an on-curve point, or at the midpoint of the first two off-curve points.
        let startIndex = points.firstIndex { $0.1 } ?? -1
        let start: Point
        if startIndex >= 0 {
            start = points[startIndex].0
        } else {
            start = (points[0].0 + points[1].0) * 0.5
        }
        move(to: start)
        var control: Point?
        let first = max(startIndex, 0)
        for step in 1...count {
            let (point, onCurve) = points[(first + step) % count]
            if startIndex < 0, step == count {
                // Closing an all-off-curve contour: finish at the synthetic start.
                if let pending = control { quad(to: (pending + point) * 0.5, control: pending) }
                quad(to: start, control: point)
                control = nil
                break
            }
            if onCurve {
                if let pending = control {
                    quad(to: point, control: pending)
                    control = nil
                } else {
                    line(to: point)
                }
            } else {
                if let pending = control {
                    quad(to: (pending + point) * 0.5, control: pending)
                }
                control = point
            }
        }
        if let pending = control { quad(to: start, control: pending) }
        close()
    }
}
