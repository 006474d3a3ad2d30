import PNGRaster
import Testing

@Suite struct RasterizerTests {
    private func coverageSum(_ canvas: Canvas) -> Double {
        // White on transparent black: alpha is coverage.
        var sum = 0.0
        let pixels = canvas.pixels  // a copy per access: take it once
        for index in stride(from: 3, to: pixels.count, by: 4) {
            sum += Double(pixels[index]) / 255
        }
        return sum
    }

    @Test func halfCoveredPixelIsHalfBlended() {
        var canvas = Canvas(width: 4, height: 1, background: .black)
        canvas.fill(
            Path(polygon: [
                Point(x: 1.5, y: 0), Point(x: 4, y: 0), Point(x: 4, y: 1), Point(x: 1.5, y: 1),
            ]),
            color: .white
        )
        #expect(canvas.pixel(x: 0, y: 0) == .black)
        let half = canvas.pixel(x: 1, y: 0)
        #expect(half.r >= 126 && half.r <= 129)
        #expect(canvas.pixel(x: 2, y: 0) == .white)
    }

    @Test func diagonalEdgeCoversHalfOfEachPixel() {
        var canvas = Canvas(width: 3, height: 3)
        canvas.fill(Path(polygon: [Point(x: 0, y: 0), Point(x: 3, y: 3), Point(x: 0, y: 3)]), color: .white)
        for i in 0..<3 {
            let alpha = canvas.pixel(x: i, y: i).a
            #expect(alpha >= 126 && alpha <= 129)
        }
        #expect(canvas.pixel(x: 0, y: 2).a == 255)
        #expect(canvas.pixel(x: 2, y: 0).a == 0)
    }

    @Test func coverageLevelsRoundEdgesToFewSteps() {
        var exact = Canvas(width: 64, height: 64)
        exact.fillCircle(center: Point(x: 31.7, y: 32.2), radius: 20.5, color: .white)
        var stepped = Canvas(width: 64, height: 64)
        stepped.coverageLevels = 4
        stepped.fillCircle(center: Point(x: 31.7, y: 32.2), radius: 20.5, color: .white)
        var alphas = Set<UInt8>()
        let steppedPixels = stepped.pixels
        let exactPixels = exact.pixels
        for index in stride(from: 3, to: steppedPixels.count, by: 4) { alphas.insert(steppedPixels[index]) }
        #expect(alphas.isSubset(of: [0, 64, 128, 191, 255]))
        #expect(alphas.count >= 4)
        // Rounding each pixel keeps the area: within 1% of the exact fill.
        #expect(abs(coverageSum(stepped) - coverageSum(exact)) / coverageSum(exact) < 0.01)
        for index in stride(from: 3, to: steppedPixels.count, by: 4) {
            #expect(abs(Int(steppedPixels[index]) - Int(exactPixels[index])) <= 32)
        }
    }

    @Test func axisAlignedStrokesMatchTheGeneralOutline() {
        let cases: [([Point], StrokeStyle)] = [
            ([Point(x: 2, y: 5.5), Point(x: 37, y: 5.5)], StrokeStyle(width: 1, cap: .butt, dash: [4, 3])),
            ([Point(x: 9.5, y: 30), Point(x: 9.5, y: 1)], StrokeStyle(width: 1, cap: .butt, dash: [4, 3])),
            ([Point(x: 0.3, y: 12.25), Point(x: 39.7, y: 12.25)], StrokeStyle(width: 1.5, cap: .butt, dash: [7, 4])),
            ([Point(x: 20.2, y: 3), Point(x: 20.2, y: 27.6)], StrokeStyle(width: 2.5, cap: .butt)),
            // Drawn right to left, and an odd-length pattern (dashes and gaps swap roles each round).
            ([Point(x: 38, y: 20.5), Point(x: 1.5, y: 20.5)], StrokeStyle(width: 1, cap: .butt, dash: [4, 3])),
            ([Point(x: 30.5, y: 2), Point(x: 30.5, y: 31)], StrokeStyle(width: 1, cap: .butt, dash: [3, 2, 1])),
            // Whole-pixel and fractional dashes in one line (blended directly and filled as one path).
            ([Point(x: 2, y: 26.5), Point(x: 39, y: 26.5)], StrokeStyle(width: 1, cap: .butt, dash: [4, 2.5])),
        ]
        for (points, style) in cases {
            for levels in [0, 16] {
                var fast = Canvas(width: 40, height: 32, background: RGBA(hex: 0x2B2D31))
                fast.coverageLevels = levels
                fast.stroke(points, style: style, color: RGBA(hex: 0xED4245).withOpacity(0.85))
                var general = Canvas(width: 40, height: 32, background: RGBA(hex: 0x2B2D31))
                general.coverageLevels = levels
                general.fill(Path.stroke(points, style: style), color: RGBA(hex: 0xED4245).withOpacity(0.85))
                #expect(fast.pixels == general.pixels, "\(points) \(style.width) levels \(levels)")
            }
        }
    }

    @Test func polygonAreaMatchesGeometry() {
        var canvas = Canvas(width: 100, height: 100)
        let polygon = [
            Point(x: 10.3, y: 5.7), Point(x: 90.2, y: 20.1), Point(x: 70.6, y: 94.4), Point(x: 20.9, y: 60.5),
        ]
        canvas.fill(Path(polygon: polygon), color: .white)
        var area = 0.0
        for index in 0..<polygon.count {
            let (p, q) = (polygon[index], polygon[(index + 1) % polygon.count])
            area += p.x * q.y - q.x * p.y
        }
        area = abs(area) / 2
        #expect(abs(coverageSum(canvas) - area) / area < 0.01)
    }

    @Test func circleAreaMatchesPiRSquared() {
        var canvas = Canvas(width: 64, height: 64)
        canvas.fillCircle(center: Point(x: 31.7, y: 32.2), radius: 20.5, color: .white)
        let expected = Double.pi * 20.5 * 20.5
        #expect(abs(coverageSum(canvas) - expected) / expected < 0.01)
    }

    @Test func nonZeroWindingFillsOverlapsOnce() {
        var canvas = Canvas(width: 20, height: 10)
        var path = Path()
        path.addRect(Rect(x: 0, y: 0, width: 12, height: 10))
        path.addRect(Rect(x: 8, y: 0, width: 12, height: 10))
        canvas.fill(path, color: .white)
        #expect(abs(coverageSum(canvas) - 200) < 0.5)
        #expect(canvas.pixel(x: 10, y: 5).a == 255)
    }

    @Test func clipRectangleLimitsDrawing() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.clip = Rect(x: 5, y: 5, width: 10, height: 10)
        canvas.fillCircle(center: Point(x: 10, y: 10), radius: 30, color: .white)
        #expect(abs(coverageSum(canvas) - 100) < 0.5)
        #expect(canvas.pixel(x: 4, y: 10).a == 0)
        #expect(canvas.pixel(x: 5, y: 5).a == 255)
    }

    @Test func alphaBlendsOverBackground() {
        var canvas = Canvas(width: 1, height: 1, background: RGBA(r: 0, g: 0, b: 200))
        canvas.fill(Rect(x: 0, y: 0, width: 1, height: 1), color: RGBA(r: 200, g: 0, b: 0).withOpacity(0.5))
        let pixel = canvas.pixel(x: 0, y: 0)
        #expect(pixel.a == 255)
        #expect(abs(Int(pixel.r) - 100) <= 1)
        #expect(abs(Int(pixel.b) - 100) <= 1)
    }

    @Test func translucentSpansBlendLikeSinglePixels() {
        // Stripes of 1 to 9 pixels in four colours (one of them translucent), so spans mix runs that take the
        // four-pixel step with pixels that break it, at every offset.
        let colours = [
            RGBA(hex: 0x2B2D31), RGBA(hex: 0x3F4147), RGBA(hex: 0x5865F2).withOpacity(0.4), RGBA(hex: 0xDBDEE1),
        ]
        var striped = Canvas(width: 97, height: 2, background: colours[0])
        var x = 0
        var stripe = 0
        while x < 97 {
            let width = 1 + stripe % 9
            striped.fill(Rect(x: Double(x), y: 0, width: Double(width), height: 2), color: colours[stripe % 4])
            x += width
            stripe += 1
        }
        let fill = RGBA(hex: 0x57F287).withOpacity(0.22)
        var spans = striped
        spans.fill(Rect(x: 0, y: 0, width: 97, height: 2), color: fill)
        var single = striped
        for y in 0..<2 {
            for x in 0..<97 { single.fill(Rect(x: Double(x), y: Double(y), width: 1, height: 1), color: fill) }
        }
        #expect(spans.pixels == single.pixels)
        #expect(spans.pixels != striped.pixels)
    }

    @Test func canvasWithRectanglesEqualsFillingThemInOrder() {
        let background = RGBA(hex: 0x313338)
        let panel = RGBA(hex: 0x2B2D31)
        let cases: [[(rect: Rect, color: RGBA)]] = [
            // Two panels in one pass, one of them past the right and bottom edges.
            [(Rect(x: 5, y: 3, width: 20, height: 6), panel), (Rect(x: 30, y: 8, width: 40, height: 40), .white)],
            // Side by side on the same rows, listed right to left.
            [(Rect(x: 20, y: 2, width: 5, height: 5), panel), (Rect(x: 2, y: 4, width: 5, height: 5), .white)],
            // Overlapping, translucent and unaligned rectangles fall back to filling in order.
            [(Rect(x: 5, y: 3, width: 20, height: 6), panel), (Rect(x: 10, y: 5, width: 20, height: 6), .white)],
            [(Rect(x: 5, y: 3, width: 20, height: 6), panel.withOpacity(0.5))],
            [(Rect(x: 5.5, y: 3, width: 20, height: 6), panel)],
            [(Rect(x: -.infinity, y: 3, width: 20, height: 6), panel)],
            [],
        ]
        for rectangles in cases {
            var expected = Canvas(width: 37, height: 23, background: background)
            for (rect, color) in rectangles { expected.fill(rect, color: color) }
            let canvas = Canvas(width: 37, height: 23, background: background, rectangles: rectangles)
            #expect(canvas.pixels == expected.pixels, "\(rectangles.map(\.rect))")
        }
    }

    @Test func strokeWidthGivesExpectedArea() {
        var canvas = Canvas(width: 60, height: 20)
        canvas.stroke([Point(x: 5, y: 10), Point(x: 55, y: 10)], style: StrokeStyle(width: 4), color: .white)
        #expect(abs(coverageSum(canvas) - 200) < 1)
    }

    @Test func miterJoinFillsTheCorner() {
        var miter = Canvas(width: 40, height: 40)
        var bevel = Canvas(width: 40, height: 40)
        let corner = [Point(x: 5, y: 30), Point(x: 30, y: 30), Point(x: 30, y: 5)]
        miter.stroke(corner, style: StrokeStyle(width: 6, join: .miter), color: .white)
        bevel.stroke(corner, style: StrokeStyle(width: 6, join: .bevel), color: .white)
        // The miter adds the outer 3×3 corner square; a bevel adds only half of it.
        #expect(miter.pixel(x: 32, y: 32).a == 255)
        #expect(abs(coverageSum(miter) - coverageSum(bevel) - 4.5) < 0.5)
    }

    @Test func dashedLineCoversOnlyDashes() {
        var canvas = Canvas(width: 100, height: 4)
        canvas.stroke(
            [Point(x: 0, y: 2), Point(x: 100, y: 2)],
            style: StrokeStyle(width: 2, dash: [5, 5]),
            color: .white
        )
        #expect(abs(coverageSum(canvas) - 100) < 1)
        #expect(canvas.pixel(x: 2, y: 1).a == 255)
        #expect(canvas.pixel(x: 7, y: 1).a == 0)
    }
}
