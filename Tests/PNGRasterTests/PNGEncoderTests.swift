import PNGRaster
import Testing

@Suite struct PNGEncoderTests {
    private func sampleCanvas() -> Canvas {
        var canvas = Canvas(width: 37, height: 23, background: RGBA(hex: 0x313338))
        canvas.fill(Rect(x: 3, y: 4, width: 10, height: 6), color: RGBA(hex: 0x5865F2))
        canvas.fillCircle(center: Point(x: 25, y: 12), radius: 7.3, color: RGBA(hex: 0x57F287).withOpacity(0.6))
        canvas.stroke(
            [Point(x: 0, y: 22), Point(x: 36, y: 0)],
            style: StrokeStyle(width: 1.5),
            color: RGBA(hex: 0xDBDEE1)
        )
        return canvas
    }

    @Test func rgbOutputParsesAndRoundTripsPixels() throws {
        let canvas = sampleCanvas()
        let bytes = try PNGEncoder(colorType: .rgb).encode(canvas)
        let decoded = try DecodedPNG(bytes)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.width == 37)
        #expect(decoded.height == 23)
        #expect(decoded.bitDepth == 8)
        #expect(decoded.colorType == 2)
        var expected: [UInt8] = []
        let pixels = canvas.pixels  // a copy per access: take it once
        for index in stride(from: 0, to: pixels.count, by: 4) {
            expected.append(contentsOf: pixels[index..<(index + 3)])
        }
        #expect(decoded.pixels == expected)
        #expect(decoded.filterTypes.allSatisfy { $0 == 1 || $0 == 2 })
    }

    @Test func rgbaOutputKeepsAlpha() throws {
        var canvas = Canvas(width: 5, height: 4)
        canvas.fill(Rect(x: 1, y: 1, width: 3, height: 2), color: RGBA(r: 10, g: 20, b: 30, a: 128))
        let decoded = try DecodedPNG(try PNGEncoder(colorType: .rgba).encode(canvas))
        #expect(decoded.colorType == 6)
        #expect(decoded.pixels == canvas.pixels)
        #expect(decoded.pixels[(1 * 5 + 1) * 4 + 3] == 128)
        #expect(decoded.pixels[3] == 0)
    }

    @Test func encodingIsDeterministic() throws {
        let first = try PNGEncoder().encode(sampleCanvas())
        let second = try PNGEncoder().encode(sampleCanvas())
        #expect(first == second)
    }

    private func distinctColors(_ canvas: Canvas) -> Int {
        var colors = Set<[UInt8]>()
        let pixels = canvas.pixels  // a copy per access: take it once
        for index in stride(from: 0, to: pixels.count, by: 4) {
            colors.insert(Array(pixels[index..<(index + 4)]))
        }
        return colors.count
    }

    /// A canvas with exactly `count` distinct opaque colours, one per pixel along the top rows.
    private func canvas(withColors count: Int) -> Canvas {
        var canvas = Canvas(width: 40, height: 12, background: RGBA(r: 0, g: 0, b: 0))
        for index in 1..<count {
            let color = RGBA(r: UInt8(index & 0xFF), g: UInt8(index >> 8), b: 7)
            canvas.fill(Rect(x: Double(index % 40), y: Double(index / 40), width: 1, height: 1), color: color)
        }
        return canvas
    }

    @Test func paletteOutputDecodesToTheExactCanvas() throws {
        var canvas = sampleCanvas()
        canvas.fill(Rect(x: 0, y: 17, width: 37, height: 6), color: RGBA(hex: 0x2B2D31))
        let decoded = try DecodedPNG(try PNGEncoder(colorType: .palette).encode(canvas))
        #expect(decoded.colorType == 3)
        #expect(decoded.channels == 1)
        #expect(decoded.chunkTypes == ["IHDR", "PLTE", "IDAT", "IEND"])
        #expect(decoded.transparency == nil)
        #expect(decoded.palette.count == distinctColors(canvas))
        #expect(decoded.rgbaPixels == canvas.pixels)
        // The first pixel's colour is entry 0 (palette in order of first appearance).
        #expect(decoded.palette.first == RGBA(hex: 0x313338))
        // Index rows are unfiltered (a row equal to the row above is copied by the deflater instead).
        #expect(decoded.filterTypes.allSatisfy { $0 == 0 })
    }

    @Test func rowsThatChangeInPlacesDecodeExactly() throws {
        // Stripes and dots that shift from row to row: changes at both ends of rows, gaps of equal pixels just
        // under and over the joining distance, and rows equal to the row above.
        var canvas = Canvas(width: 61, height: 40, background: RGBA(hex: 0x313338))
        for y in 0..<40 where y % 7 != 3 {
            let shift = Double(y / 2)
            canvas.fill(Rect(x: shift, y: Double(y), width: 3, height: 1), color: RGBA(hex: 0x5865F2))
            canvas.fill(Rect(x: 10 + shift, y: Double(y), width: 1, height: 1), color: RGBA(hex: 0x57F287))
            canvas.fill(Rect(x: 18 + shift, y: Double(y), width: 1, height: 1), color: RGBA(hex: 0x57F287))
            canvas.fill(Rect(x: 60 - shift / 2, y: Double(y), width: 1, height: 1), color: RGBA(hex: 0xDBDEE1))
        }
        let decoded = try DecodedPNG(try PNGEncoder().encode(canvas))
        #expect(decoded.colorType == 3)
        #expect(decoded.rgbaPixels == canvas.pixels)
    }

    @Test func paletteKeepsTranslucencyInTRNS() throws {
        var canvas = Canvas(width: 9, height: 5)
        canvas.fill(Rect(x: 2, y: 1, width: 4, height: 3), color: RGBA(r: 200, g: 10, b: 20, a: 90))
        canvas.fill(Rect(x: 7, y: 2, width: 2, height: 3), color: RGBA(r: 1, g: 2, b: 3))
        let decoded = try DecodedPNG(try PNGEncoder(colorType: .palette).encode(canvas))
        #expect(decoded.colorType == 3)
        #expect(decoded.chunkTypes == ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"])
        #expect(decoded.palette.count == 3)
        // tRNS stops at the last translucent entry: clear (0) and the red (1); the opaque entry 2 is implied.
        #expect(decoded.transparency == [0, 90])
        #expect(decoded.rgbaPixels == canvas.pixels)
    }

    @Test func exactly256ColoursStillUseAPalette() throws {
        let canvas = canvas(withColors: 256)
        #expect(distinctColors(canvas) == 256)
        let decoded = try DecodedPNG(try PNGEncoder(colorType: .palette).encode(canvas))
        #expect(decoded.colorType == 3)
        #expect(decoded.palette.count == 256)
        #expect(decoded.rgbaPixels == canvas.pixels)
    }

    @Test func moreThan256ColoursFallBackToRGB() throws {
        let canvas = canvas(withColors: 257)
        #expect(distinctColors(canvas) == 257)
        let bytes = try PNGEncoder(colorType: .palette).encode(canvas)
        let decoded = try DecodedPNG(bytes)
        #expect(decoded.colorType == 2)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.rgbaPixels == canvas.pixels)
        #expect(bytes == (try PNGEncoder(colorType: .rgb).encode(canvas)))
    }

    @Test func moreThan256ColoursWithTransparencyFallBackToRGBA() throws {
        var canvas = Canvas(width: 20, height: 20)
        for index in 0..<300 {
            let color = RGBA(r: UInt8(index & 0xFF), g: UInt8(index >> 8), b: 9, a: index == 299 ? 40 : 255)
            canvas.fill(Rect(x: Double(index % 20), y: Double(index / 20), width: 1, height: 1), color: color)
        }
        let decoded = try DecodedPNG(try PNGEncoder(colorType: .palette).encode(canvas))
        #expect(decoded.colorType == 6)
        #expect(decoded.pixels == canvas.pixels)
    }

    @Test func paletteEncodingIsDeterministic() throws {
        var canvas = sampleCanvas()
        canvas.coverageLevels = 16
        let encoder = PNGEncoder(colorType: .palette, compressionLevel: 3)
        let first = try encoder.encode(canvas)
        #expect(first == (try encoder.encode(canvas)))
        #expect(first == (try PNGEncoder(colorType: .palette, compressionLevel: 3).encode(canvas)))
        #expect(try DecodedPNG(first).rgbaPixels == canvas.pixels)
    }

    @Test func adler32MatchesKnownVectors() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([]) == 1)
        // Long input crosses the 5552-byte reduction blocks.
        let long = [UInt8](repeating: 255, count: 100_000)
        var a: UInt64 = 1
        var b: UInt64 = 0
        for byte in long {
            a = (a + UInt64(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(Adler32.checksum(long) == UInt32(b << 16 | a))
    }
}
