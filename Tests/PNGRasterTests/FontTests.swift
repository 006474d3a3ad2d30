import PNGRaster
import Testing

@Suite struct FontTests {
    private static let dejaVu = Font.defaultRegularPaths.lazy.compactMap { try? Font.load(path: $0) }.first

    private func inkBounds(_ canvas: Canvas) -> (minX: Int, maxX: Int, minY: Int, maxY: Int, ink: Double)? {
        var result: (Int, Int, Int, Int, Double)?
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let alpha = canvas.pixel(x: x, y: y).a
                guard alpha > 0 else { continue }
                let current = result ?? (x, x, y, y, 0)
                result = (
                    min(current.0, x), max(current.1, x), min(current.2, y), max(current.3, y),
                    current.4 + Double(alpha) / 255
                )
            }
        }
        return result.map { ($0.0, $0.1, $0.2, $0.3, $0.4) }
    }

    @Test(.enabled(if: dejaVu != nil, "DejaVu Sans is not installed"))
    func trueTypeGlyphsRenderWithExpectedMetrics() throws {
        let font = try #require(Self.dejaVu)
        #expect(!font.isBuiltin)
        var canvas = Canvas(width: 80, height: 40)
        canvas.draw("H", at: Point(x: 10, y: 30), font: font, size: 20, color: .white)
        let bounds = try #require(inkBounds(canvas))
        // DejaVu's "H" is 1493 of 2048 units tall: about 14.6 px at 20 px.
        #expect(abs(Double(bounds.maxY - bounds.minY + 1) - font.capHeight(size: 20)) <= 1.5)
        #expect(bounds.maxY == 29)
        #expect(bounds.ink > 40)
        // "0" and "1" share the tabular advance of 1303 units in DejaVu Sans.
        #expect(abs(font.width(of: "0123456789", size: 20) - 10 * 1303 * 20 / 2048) < 0.01)
    }

    @Test(.enabled(if: dejaVu != nil, "DejaVu Sans is not installed"))
    func alignmentAndRotationPlaceText() throws {
        let font = try #require(Self.dejaVu)
        var right = Canvas(width: 120, height: 30)
        right.draw(
            "100%",
            at: Point(x: 100, y: 15),
            font: font,
            size: 14,
            color: .white,
            alignment: .right,
            baseline: .middle
        )
        let bounds = try #require(inkBounds(right))
        #expect(bounds.maxX <= 100 && bounds.maxX >= 97)
        #expect(abs(Double(bounds.minY + bounds.maxY) / 2 - 15) <= 1.5)

        var rotated = Canvas(width: 30, height: 120)
        rotated.draw(
            "Memory",
            at: Point(x: 15, y: 60),
            font: font,
            size: 14,
            color: .white,
            alignment: .center,
            baseline: .middle,
            rotation: .counterClockwise
        )
        let vertical = try #require(inkBounds(rotated))
        #expect(vertical.maxY - vertical.minY > 3 * (vertical.maxX - vertical.minX))
        #expect(abs(Double(vertical.minY + vertical.maxY) / 2 - 60) <= 2)
    }

    @Test func builtinFontRendersAscii() throws {
        let font = Font.builtin()
        #expect(font.isBuiltin)
        var canvas = Canvas(width: 200, height: 30)
        canvas.draw("CPU 12.5%", at: Point(x: 5, y: 20), font: font, size: 10, color: .white)
        let bounds = try #require(inkBounds(canvas))
        #expect(bounds.maxY == 19)
        #expect(bounds.minY == 13)
        #expect(font.width(of: "CPU 12.5%", size: 10) == 54)
        #expect(bounds.ink > 40)
    }

    @Test func missingCharactersDrawABox() throws {
        for font in [Font.builtin(), Self.dejaVu].compactMap({ $0 }) {
            var canvas = Canvas(width: 40, height: 30)
            canvas.draw("\u{10FFFD}", at: Point(x: 5, y: 20), font: font, size: 16, color: .white)
            let bounds = try #require(inkBounds(canvas))
            #expect(bounds.maxX - bounds.minX >= 5)
            #expect(bounds.maxY - bounds.minY >= 8)
        }
    }

    @Test func missingFontFileFallsBackToBuiltin() {
        #expect(throws: PNGRasterError.fontUnreadable(path: "/nonexistent/font.ttf")) {
            try Font.load(path: "/nonexistent/font.ttf")
        }
        #expect(Font.firstAvailable(["/nonexistent/font.ttf"]).isBuiltin)
        #expect(throws: PNGRasterError.self) { try Font(trueTypeData: [0, 1, 0, 0, 0, 0]) }
    }

    @Test func repeatedTextIsIdentical() {
        let font = Self.dejaVu ?? Font.builtin()
        var first = Canvas(width: 100, height: 20)
        var second = Canvas(width: 100, height: 20)
        first.draw("12:34:56", at: Point(x: 3, y: 15), font: font, size: 12, color: .white)
        first.draw("12:34:56", at: Point(x: 3, y: 15), font: font, size: 12, color: .white)
        second.draw("12:34:56", at: Point(x: 3, y: 15), font: font, size: 12, color: .white)
        second.draw("12:34:56", at: Point(x: 3, y: 15), font: font, size: 12, color: .white)
        #expect(first.pixels == second.pixels)
    }
}
