import Testing

@testable import PNGRaster

/// A canvas keeps palette indices while it has drawn at most 256 colours and RGBA words after; both must give the
/// same pixels and the same PNG bytes, and the switch may come in the middle of any drawing operation.
@Suite struct IndexedCanvasTests {
    private static let background = RGBA(hex: 0x313338)
    private static let font = Font.firstAvailable(Font.defaultRegularPaths)

    /// The first pixel (x, y) where the canvases differ: a short failure message instead of two pixel arrays.
    private func firstDifference(_ a: Canvas, _ b: Canvas) -> (x: Int, y: Int)? {
        let (first, second) = (a.pixels, b.pixels)
        guard let index = first.indices.first(where: { first[$0] != second[$0] }) else { return nil }
        return ((index / 4) % a.width, index / 4 / a.width)
    }

    private func isIndexed(_ canvas: Canvas) -> Bool {
        canvas.withIndexedPixels { _, _ in true } ?? false
    }

    /// Draws 300 colours over the top rows, then the background over them again: the pixels are as before, but
    /// the canvas now stores RGBA words.
    private func churned(_ canvas: Canvas) -> Canvas {
        var canvas = canvas
        for index in 0..<300 {
            let color = RGBA(r: UInt8(index & 0xFF), g: UInt8(index >> 8), b: 99)
            canvas.fill(Rect(x: Double(index % 20), y: Double(index / 20), width: 1, height: 1), color: color)
        }
        canvas.fill(Rect(x: 0, y: 0, width: 20, height: 15), color: Self.background)
        return canvas
    }

    /// Stripes, translucent fills over them, antialiased shapes at both coverage settings, dashes and text.
    private func drawScene(on canvas: inout Canvas, levels: Int) {
        canvas.coverageLevels = levels
        for stripe in 0..<12 {
            let color = [RGBA(hex: 0x2B2D31), RGBA(hex: 0x3F4147), RGBA(hex: 0x5865F2)][stripe % 3]
            canvas.fill(Rect(x: Double(3 + stripe * 7), y: 20, width: 3, height: 50), color: color)
        }
        canvas.fill(Rect(x: 0, y: 30, width: 90, height: 30), color: RGBA(hex: 0x57F287).withOpacity(0.3))
        canvas.fillCircle(center: Point(x: 40.3, y: 41.7), radius: 17.2, color: RGBA(hex: 0xED4245).withOpacity(0.6))
        canvas.stroke(
            [Point(x: 2, y: 75.5), Point(x: 30, y: 52), Point(x: 60, y: 66.3), Point(x: 88, y: 24)],
            style: StrokeStyle(width: 2.5),
            color: RGBA(hex: 0xFEE75C)
        )
        canvas.stroke(
            [Point(x: 0, y: 80.5), Point(x: 90, y: 80.5)],
            style: StrokeStyle(width: 1, dash: [4, 2.5]),
            color: RGBA(hex: 0xDBDEE1).withOpacity(0.8)
        )
        canvas.draw("Memory 3.45 GiB", at: Point(x: 4, y: 96), font: Self.font, size: 11, color: .white)
        canvas.draw(
            "CPU %",
            at: Point(x: 94, y: 60),
            font: Self.font,
            size: 10,
            color: .white,
            rotation: .counterClockwise
        )
    }

    @Test(arguments: [0, 16])
    func indexedAndRGBACanvasesDrawTheSamePixels(levels: Int) throws {
        let blank = Canvas(width: 100, height: 100, background: Self.background)
        var indexed = blank
        var words = churned(blank)
        #expect(!isIndexed(words))
        #expect(firstDifference(words, blank) == nil)
        drawScene(on: &indexed, levels: levels)
        drawScene(on: &words, levels: levels)
        #expect(firstDifference(indexed, words) == nil)
        for (x, y) in [(0, 0), (40, 41), (99, 99), (5, 95)] {
            #expect(indexed.pixel(x: x, y: y) == words.pixel(x: x, y: y))
        }
        if levels > 0 {
            // Few colours: the canvas stays indexed, and its PNG is byte for byte the one from RGBA words.
            #expect(isIndexed(indexed))
            #expect(try PNGEncoder().encode(indexed) == (try PNGEncoder().encode(words)))
        }
        let decoded = try DecodedPNG(try PNGEncoder().encode(indexed))
        #expect(decoded.rgbaPixels == indexed.pixels)
    }

    @Test func the257thColourInTheMiddleOfASpanTurnsTheCanvasIntoWords() {
        // 200 colours in a row, then one translucent span over all of them: each blend is a new colour, and the
        // palette fills up partway along the span.
        var indexed = Canvas(width: 220, height: 20, background: Self.background)
        for x in 0..<200 {
            let color = RGBA(r: UInt8(x), g: 40, b: UInt8(255 - x))
            indexed.fill(Rect(x: Double(x), y: 16, width: 1, height: 2), color: color)
        }
        var words = churned(indexed)
        #expect(isIndexed(indexed))
        let veil = RGBA(hex: 0xFFFFFF).withOpacity(0.5)
        indexed.fill(Rect(x: 0, y: 16, width: 220, height: 1), color: veil)
        words.fill(Rect(x: 0, y: 16, width: 220, height: 1), color: veil)
        #expect(!isIndexed(indexed))
        #expect(firstDifference(indexed, words) == nil)
        // Every pixel of the span was blended once, before and after the switch.
        for x in [0, 55, 56, 57, 199, 219] {
            var expected = [UInt8](repeating: 0, count: 4)
            let under = x < 200 ? RGBA(r: UInt8(x), g: 40, b: UInt8(255 - x)) : Self.background
            expected = [under.r, under.g, under.b, under.a]
            expected.withUnsafeMutableBufferPointer { Canvas.blend($0, index: 0, color: veil, alpha: Int(veil.a)) }
            #expect(indexed.pixel(x: x, y: 16) == RGBA(r: expected[0], g: expected[1], b: expected[2], a: expected[3]))
            #expect(indexed.pixel(x: x, y: 17) == (x < 200 ? under : Self.background))
        }
    }

    @Test func copiesDoNotShareDrawing() {
        let original = Canvas(width: 30, height: 20, background: Self.background)
        var indexed = original
        indexed.fill(Rect(x: 2, y: 2, width: 5, height: 5), color: .white)
        #expect(original.pixel(x: 3, y: 3) == Self.background)
        #expect(indexed.pixel(x: 3, y: 3) == .white)
        let words = churned(original)
        var drawn = words
        drawn.fill(Rect(x: 2, y: 2, width: 5, height: 5), color: .white)
        #expect(words.pixel(x: 3, y: 3) == Self.background)
        #expect(drawn.pixel(x: 3, y: 3) == .white)
        #expect(firstDifference(original, words) == nil)
    }
}
