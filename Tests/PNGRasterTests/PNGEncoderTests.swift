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
        for index in stride(from: 0, to: canvas.pixels.count, by: 4) {
            expected.append(contentsOf: canvas.pixels[index..<(index + 3)])
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

    @Test func crc32MatchesKnownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
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
