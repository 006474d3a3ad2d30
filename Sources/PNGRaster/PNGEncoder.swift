import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
/// With ``ColorType/palette`` (the default), an image of at most 256 distinct colours is written as indexed
/// colour (PLTE, plus tRNS when some colour is translucent): one byte per pixel, which makes deflate about
/// three times faster and the file smaller. Richer images fall back to RGB (RGBA when some pixel is not opaque).
/// Chunk CRCs and the zlib stream come from zlib.
public struct PNGEncoder: Sendable {
    /// Colour layout of the encoded image.
    public enum ColorType: Sendable, Hashable {
        /// Three bytes per pixel; alpha is dropped (use for opaque images).
        case rgb
        /// Four bytes per pixel.
        case rgba
        /// Indexed colour when the image has at most 256 distinct RGBA colours, else `.rgb` (or `.rgba` when
        /// some pixel is not opaque). Lossless either way.
        case palette
    }

    /// Colour layout to write.
    public var colorType: ColorType
    /// zlib level 0...9.
    public var compressionLevel: Int32

    /// Creates an encoder.
    /// - Parameters:
    ///   - colorType: `.palette` (lossless, smallest and fastest for graphs), `.rgb` for opaque images, `.rgba`
    ///     to keep transparency.
    ///   - compressionLevel: zlib level; 3 keeps encoding fast, and graphs gain little from higher levels.
    public init(colorType: ColorType = .palette, compressionLevel: Int32 = 3) {
        self.colorType = colorType
        self.compressionLevel = compressionLevel
    }

    /// The PNG file bytes for `canvas`.
    /// - Throws: ``PNGRasterError/compressionFailed(code:)`` if zlib fails (only on memory exhaustion).
    public func encode(_ canvas: Canvas) throws(PNGRasterError) -> [UInt8] {
        var palette: IndexedImage?
        var channels = colorType == .rgba ? 4 : 3
        if colorType == .palette {
            switch Self.indexed(canvas) {
            case .indexed(let image): palette = image
            case .tooManyColors(let opaque): channels = opaque ? 3 : 4
            }
        }
        let compressed: [UInt8]
        if let palette {
            compressed = try Self.deflate(palette.filteredRows, level: compressionLevel, strategy: Z_RLE)
        } else {
            let filtered = Self.filter(canvas, channels: channels)
            compressed = try Self.deflate(filtered, level: compressionLevel, strategy: Z_DEFAULT_STRATEGY)
        }
        var output: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        output.reserveCapacity(compressed.count + 1024 + 64)
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(canvas.width))
        header.appendBigEndian(UInt32(canvas.height))
        header.append(8)  // bit depth
        header.append(palette != nil ? 3 : channels == 3 ? 2 : 6)
        header.append(contentsOf: [0, 0, 0])  // deflate, adaptive filtering, no interlace
        Self.appendChunk("IHDR", header, to: &output)
        if let palette {
            var entries: [UInt8] = []
            entries.reserveCapacity(palette.colors.count * 3)
            var alphas: [UInt8] = []
            for color in palette.colors {
                entries.append(UInt8(truncatingIfNeeded: color))
                entries.append(UInt8(truncatingIfNeeded: color >> 8))
                entries.append(UInt8(truncatingIfNeeded: color >> 16))
                alphas.append(UInt8(truncatingIfNeeded: color >> 24))
            }
            Self.appendChunk("PLTE", entries, to: &output)
            // tRNS lists alphas up to the last translucent entry; later entries are opaque.
            if let last = alphas.lastIndex(where: { $0 != 255 }) {
                Self.appendChunk("tRNS", Array(alphas[...last]), to: &output)
            }
        }
        Self.appendChunk("IDAT", compressed, to: &output)
        Self.appendChunk("IEND", [], to: &output)
        return output
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to output: inout [UInt8]) {
        output.appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        output.append(contentsOf: typeBytes)
        output.append(contentsOf: data)
        var crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        output.appendBigEndian(UInt32(truncatingIfNeeded: crc))
    }

    /// A palette image: colours in order of first appearance (as little-endian RGBA words, red in the low
    /// byte) and the filtered scanlines of indices, ready to deflate.
    struct IndexedImage {
        var colors: [UInt32]
        var filteredRows: [UInt8]
    }

    enum IndexingResult {
        case indexed(IndexedImage)
        /// More than 256 colours; `opaque` tells whether every pixel seen so far had alpha 255 (all pixels are
        /// then checked, so it is exact).
        case tooManyColors(opaque: Bool)
    }

    /// Maps every pixel to a palette index with a small open-addressing hash table and writes the scanlines.
    ///
    /// Each row is written with the Up filter when it equals the row above (a run of zeros) and unfiltered
    /// otherwise: for indices, differences between neighbours are not smaller than the indices themselves,
    /// while the unfiltered bytes keep long runs that deflate takes as run lengths.
    static func indexed(_ canvas: Canvas) -> IndexingResult {
        let width = canvas.width
        let height = canvas.height
        let rowBytes = width + 1
        var output = [UInt8](repeating: 0, count: rowBytes * height)
        var colors: [UInt32] = []
        colors.reserveCapacity(256)
        // 1024 slots keep the load factor at or below one quarter; a slot holds index + 1 (0 is empty).
        let slotCount = 1024
        var keys = [UInt32](repeating: 0, count: slotCount)
        var slots = [UInt16](repeating: 0, count: slotCount)
        var overflow = false
        canvas.pixels.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                keys.withUnsafeMutableBufferPointer { keys in
                    slots.withUnsafeMutableBufferPointer { slots in
                        guard let target = out.baseAddress, let base = raw.baseAddress else { return }
                        var lastColor: UInt32 = 0
                        var lastIndex: UInt8 = 0
                        var hasLast = false
                        for y in 0..<height {
                            let line = target + y * rowBytes + 1
                            let rowStart = y * width
                            // A row equal to the one above stays all zeros under the Up filter.
                            if y > 0,
                                memcmp(base + rowStart * 4, base + (rowStart - width) * 4, width * 4) == 0
                            {
                                line[-1] = 2
                                continue
                            }
                            for x in 0..<width {
                                let color = UInt32(
                                    littleEndian: raw.loadUnaligned(
                                        fromByteOffset: (rowStart &+ x) &* 4,
                                        as: UInt32.self
                                    )
                                )
                                if hasLast, color == lastColor {
                                    line[x] = lastIndex
                                    continue
                                }
                                var slot = Int((color &* 0x9E37_79B1) >> 22)
                                while true {
                                    let stored = slots[slot]
                                    if stored == 0 {
                                        if colors.count == 256 {
                                            overflow = true
                                            return
                                        }
                                        colors.append(color)
                                        slots[slot] = UInt16(colors.count)
                                        keys[slot] = color
                                        lastIndex = UInt8(colors.count - 1)
                                        break
                                    }
                                    if keys[slot] == color {
                                        lastIndex = UInt8(stored - 1)
                                        break
                                    }
                                    slot = (slot + 1) & (slotCount - 1)
                                }
                                lastColor = color
                                hasLast = true
                                line[x] = lastIndex
                            }
                        }
                    }
                }
            }
        }
        guard !overflow else {
            var opaque = true
            canvas.pixels.withUnsafeBufferPointer { pixels in
                var index = 3
                while index < pixels.count {
                    if pixels[index] != 255 {
                        opaque = false
                        return
                    }
                    index += 4
                }
            }
            return .tooManyColors(opaque: opaque)
        }
        return .indexed(IndexedImage(colors: colors, filteredRows: output))
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
    static func deflate(_ input: [UInt8], level: Int32, strategy: Int32) throws(PNGRasterError) -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream,
            level,
            Z_DEFLATED,
            15,
            9,
            strategy,
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
