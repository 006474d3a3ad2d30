import CZlib

/// Errors from the PNGRaster target.
public enum PNGRasterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// zlib reported an error code while compressing.
    case compressionFailed(code: Int32)
    /// A font file could not be read.
    case fontUnreadable(path: String)
    /// A font file was read but is not a usable TrueType font (missing or malformed table).
    case fontInvalid(reason: String)

    /// A short, secret-free explanation.
    public var description: String {
        switch self {
        case .compressionFailed(let code): "zlib deflate failed with code \(code)"
        case .fontUnreadable(let path): "cannot read font file at \(path)"
        case .fontInvalid(let reason): "invalid TrueType font: \(reason)"
        }
    }
}

/// Encodes a ``Canvas`` as an 8-bit, non-interlaced PNG with deterministic bytes.
///
/// Each row gets the Sub or Up filter (whichever predicts more pixels exactly), then the filtered image is
/// zlib-compressed. Chunk CRCs use our own ``CRC32``; the zlib stream's Adler-32 comes from zlib.
public struct PNGEncoder: Sendable {
    /// Colour layout of the encoded image.
    public enum ColorType: Sendable, Hashable {
        /// Three bytes per pixel; alpha is dropped (use for opaque images).
        case rgb
        /// Four bytes per pixel.
        case rgba
    }

    /// Colour layout to write.
    public var colorType: ColorType
    /// zlib level 0...9.
    public var compressionLevel: Int32

    /// Creates an encoder.
    /// - Parameters:
    ///   - colorType: `.rgb` for opaque images (smaller), `.rgba` to keep transparency.
    ///   - compressionLevel: zlib level; 3 keeps encoding fast, and graphs gain little from higher levels.
    public init(colorType: ColorType = .rgb, compressionLevel: Int32 = 3) {
        self.colorType = colorType
        self.compressionLevel = compressionLevel
    }

    /// The PNG file bytes for `canvas`.
    /// - Throws: ``PNGRasterError/compressionFailed(code:)`` if zlib fails (only on memory exhaustion).
    public func encode(_ canvas: Canvas) throws(PNGRasterError) -> [UInt8] {
        let channels = colorType == .rgb ? 3 : 4
        let filtered = Self.filter(canvas, channels: channels)
        let compressed = try Self.deflate(filtered, level: compressionLevel)
        var output: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        output.reserveCapacity(compressed.count + 64)
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(canvas.width))
        header.appendBigEndian(UInt32(canvas.height))
        header.append(8)  // bit depth
        header.append(colorType == .rgb ? 2 : 6)
        header.append(contentsOf: [0, 0, 0])  // deflate, adaptive filtering, no interlace
        Self.appendChunk("IHDR", header, to: &output)
        Self.appendChunk("IDAT", compressed, to: &output)
        Self.appendChunk("IEND", [], to: &output)
        return output
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to output: inout [UInt8]) {
        output.appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        output.append(contentsOf: typeBytes)
        output.append(contentsOf: data)
        output.appendBigEndian(CRC32.update(CRC32.checksum(typeBytes), data))
    }

    /// Packs and filters every row: one filter byte followed by the row's residuals.
    ///
    /// Per row, picks Up when at least as many pixels equal the pixel above as equal the pixel to the left, else
    /// Sub. Comparing whole pixels as 32-bit words keeps this cheap, and since the output starts zeroed, only
    /// pixels that differ from their predictor are written.
    static func filter(_ canvas: Canvas, channels: Int) -> [UInt8] {
        let rowBytes = canvas.width * channels
        let height = canvas.height
        let width = canvas.width
        // Pixels read as 32-bit words; for RGB output the alpha byte is masked off on any byte order.
        let mask = channels == 3 ? UInt32(littleEndian: 0x00FF_FFFF) : 0xFFFF_FFFF
        var output = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        canvas.pixels.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                guard let bytes = raw.baseAddress, let target = out.baseAddress else { return }
                @inline(__always) func word(_ index: Int) -> UInt32 {
                    raw.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
                }
                for y in 0..<height {
                    let rowStart = y * width
                    var sameAsLeft = 0
                    var sameAsAbove = 0
                    if y > 0 {
                        var left = word(rowStart) & mask ^ 1
                        for x in 0..<width {
                            let value = word(rowStart + x) & mask
                            if value == left { sameAsLeft += 1 }
                            if value == word(rowStart - width + x) & mask { sameAsAbove += 1 }
                            left = value
                        }
                    }
                    let useUp = y > 0 && sameAsAbove >= sameAsLeft
                    let line = target + y * (rowBytes + 1)
                    line[0] = useUp ? 2 : 1
                    let offset = useUp ? width : 1
                    for x in 0..<width {
                        let value = word(rowStart + x) & mask
                        let hasPredictor = useUp || x > 0
                        if hasPredictor, value == word(rowStart + x - offset) & mask { continue }
                        let pixel = bytes + (rowStart + x) * 4
                        let predictor = bytes + (rowStart + x - offset) * 4
                        for channel in 0..<channels {
                            line[1 + x * channels + channel] =
                                hasPredictor
                                ? pixel.load(fromByteOffset: channel, as: UInt8.self)
                                    &- predictor.load(fromByteOffset: channel, as: UInt8.self)
                                : pixel.load(fromByteOffset: channel, as: UInt8.self)
                        }
                    }
                }
            }
        }
        return output
    }

    /// zlib-wrapped deflate of `input` in one call.
    static func deflate(_ input: [UInt8], level: Int32) throws(PNGRasterError) -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream,
            level,
            Z_DEFLATED,
            15,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else { throw .compressionFailed(code: status) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .compressionFailed(code: status) }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}
