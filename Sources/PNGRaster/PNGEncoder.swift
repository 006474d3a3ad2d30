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
/// colour (PLTE, plus tRNS when some colour is translucent): one byte per pixel, compressed by our own
/// ``RowDeflater``, which codes only what changed from the row above. A canvas that is still indexed gives its
/// own indices (the demo graph encodes in ~0.5 ms, ~2.4 ms with zlib). Richer images fall back to RGB
/// (RGBA when some pixel is not opaque), compressed by zlib. Chunk CRCs come from zlib.
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
    /// zlib level 0...9 for RGB and RGBA output (palette output has its own encoder).
    public var compressionLevel: Int32

    /// Creates an encoder.
    /// - Parameters:
    ///   - colorType: `.palette` (lossless, smallest and fastest for graphs), `.rgb` for opaque images, `.rgba`
    ///     to keep transparency.
    ///   - compressionLevel: zlib level for RGB/RGBA output; 3 keeps encoding fast.
    public init(colorType: ColorType = .palette, compressionLevel: Int32 = 3) {
        self.colorType = colorType
        self.compressionLevel = compressionLevel
    }

    /// The PNG file bytes for `canvas`.
    /// - Throws: ``PNGRasterError/compressionFailed(code:)`` if zlib fails (only on memory exhaustion).
    public func encode(_ canvas: Canvas) throws(PNGRasterError) -> [UInt8] {
        var palette: [UInt32]?
        var compressed: [UInt8] = []
        var channels = colorType == .rgba ? 4 : 3
        if colorType == .palette {
            if let image = Self.indexedData(canvas) {
                palette = image.colors
                compressed = image.compressed
            } else {
                channels = Self.isOpaque(canvas) ? 3 : 4
            }
        }
        if palette == nil {
            let filtered = Self.filter(canvas, channels: channels)
            let deflater = try Deflater(level: compressionLevel, strategy: Z_DEFAULT_STRATEGY)
            var failure: PNGRasterError?
            filtered.withUnsafeBufferPointer { bytes in
                do throws(PNGRasterError) { try deflater.append(bytes) } catch { failure = error }
            }
            if let failure { throw failure }
            compressed = try deflater.finish()
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
            entries.reserveCapacity(palette.count * 3)
            var alphas: [UInt8] = []
            for color in palette {
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

    /// True when every pixel has alpha 255.
    static func isOpaque(_ canvas: Canvas) -> Bool {
        canvas.withRGBABytes { pixels in
            var index = 3
            while index < pixels.count {
                if pixels[index] != 255 { return false }
                index += 4
            }
            return true
        }
    }

    /// Maps the RGBA pixel words of a canvas that is not indexed to palette indices, in order of first
    /// appearance.
    struct PaletteBuilder {
        private(set) var palette = ColorPalette()
        private var lastColor: UInt32 = 0
        private var lastIndex: UInt8 = 0
        private var hasLast = false

        /// Writes the indices of `count` pixels starting at `pixels` to `line`; false once a 257th colour
        /// appears (the line is then incomplete).
        mutating func indexPixels(_ pixels: UnsafeRawPointer, count: Int, into line: UnsafeMutablePointer<UInt8>)
            -> Bool
        {
            @inline(__always) func rawWord(_ index: Int) -> UInt32 {
                pixels.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
            }
            var x = 0
            while x < count {
                let color = rawWord(x)
                var end = x &+ 1
                // Four pixels per step while the run lasts, then one at a time.
                let pair = UInt64(truncatingIfNeeded: color) &* 0x1_0000_0001
                while end &+ 4 <= count {
                    // In little-endian order the lowest nonzero half of a difference is the first unequal pixel.
                    let first = (pixels.loadUnaligned(fromByteOffset: end &* 4, as: UInt64.self) ^ pair).littleEndian
                    let second =
                        (pixels.loadUnaligned(fromByteOffset: end &* 4 &+ 8, as: UInt64.self) ^ pair).littleEndian
                    if first | second == 0 {
                        end &+= 4
                        continue
                    }
                    end &+= first != 0 ? first.trailingZeroBitCount &>> 5 : 2 &+ second.trailingZeroBitCount &>> 5
                    break
                }
                if end &+ 4 > count {
                    while end < count, rawWord(end) == color { end &+= 1 }
                }
                // Look each run's colour up once; the previous run's colour is the most likely.
                if !hasLast || color != lastColor {
                    guard let index = palette.index(of: color) else { return false }
                    lastIndex = index
                    lastColor = color
                    hasLast = true
                }
                if end &- x <= 8 {
                    // Most runs are short (antialiased edges, text): a loop beats a call to memset.
                    for index in x..<end { line[index] = lastIndex }
                } else {
                    (line + x).update(repeating: lastIndex, count: end &- x)
                }
                x = end
            }
            return true
        }
    }

    /// The palette and the zlib stream of the indexed scanlines, or nil when the canvas has more than 256
    /// colours.
    ///
    /// Rows are unfiltered: for indices, differences between neighbours are no smaller than the indices, while
    /// unfiltered rows keep the long runs that ``RowDeflater`` codes cheaply. Only the pixels that differ from
    /// the row above are looked at again; the deflater copies the rest from the row above. An indexed canvas
    /// gives its own indices, renumbered; the RGBA words of any other canvas are indexed here. Either way the
    /// palette is in order of first appearance, so both give the same bytes.
    static func indexedData(_ canvas: Canvas) -> (colors: [UInt32], compressed: [UInt8])? {
        let width = canvas.width
        let height = canvas.height
        let indexed = canvas.withIndexedPixels { indices, palette in
            // The canvas's palette also holds colours that were drawn over later; entries are renumbered in
            // order of first appearance, which drops those and gives the same bytes as indexing RGBA words.
            var renumbered = [UInt16](repeating: 0, count: ColorPalette.capacity)  // new index + 1; 0 for none yet
            var colors: [UInt32] = []
            let allColors = palette.colorValues
            let compressed = renumbered.withUnsafeMutableBufferPointer { renumbered in
                deflateRows(width: width, height: height) { y, line, changes in
                    let row = indices + y * width
                    if y > 0 {
                        changedStretches(of: UInt8.self, row, above: row - width, width: width, into: &changes)
                    }
                    for change in changes {
                        for x in change {
                            let old = Int(row.load(fromByteOffset: x, as: UInt8.self))
                            if renumbered[old] == 0 {
                                colors.append(allColors[old])
                                renumbered[old] = UInt16(colors.count)
                            }
                            line[x] = UInt8(truncatingIfNeeded: renumbered[old] &- 1)
                        }
                    }
                    return true
                }
            }
            return compressed.map { (colors, $0) }
        }
        if let indexed { return indexed }
        var builder = PaletteBuilder()
        let compressed = canvas.withRGBABytes { raw -> [UInt8]? in
            guard let base = raw.baseAddress else { return nil }
            return deflateRows(width: width, height: height) { y, line, changes in
                let pixels = base + y * width * 4
                if y > 0 {
                    changedStretches(of: UInt32.self, pixels, above: pixels - width * 4, width: width, into: &changes)
                }
                for change in changes {
                    let first = pixels + change.lowerBound * 4
                    guard builder.indexPixels(first, count: change.count, into: line + change.lowerBound) else {
                        return false
                    }
                }
                return true
            }
        }
        return compressed.map { (builder.palette.colorValues, $0) }
    }

    /// Compresses `height` rows of `width` palette indices, unfiltered. `indexRow(y, line, &changes)` sets
    /// `changes` to the stretches of row `y` that differ from row `y − 1` (it starts as the whole row, for the
    /// first) and writes their indices into `line`, which keeps the rest from the row before; it returns false
    /// to give up (nil).
    private static func deflateRows(
        width: Int,
        height: Int,
        _ indexRow: (_ y: Int, _ line: UnsafeMutablePointer<UInt8>, _ changes: inout [Range<Int>]) -> Bool
    ) -> [UInt8]? {
        var line = [UInt8](repeating: 0, count: width + 1)  // line[0] is the filter byte: None
        var pixelChanges: [Range<Int>] = [0..<width]
        var byteChanges: [Range<Int>] = []
        var deflater = RowDeflater(rowBytes: width + 1)
        for y in 0..<height {
            let indexed = line.withUnsafeMutableBufferPointer { line -> Bool in
                guard let start = line.baseAddress else { return false }
                return indexRow(y, start + 1, &pixelChanges)
            }
            guard indexed else { return nil }
            byteChanges.removeAll(keepingCapacity: true)
            if y == 0 { byteChanges.append(0..<1) }  // the filter byte
            for change in pixelChanges { byteChanges.append((change.lowerBound + 1)..<(change.upperBound + 1)) }
            line.withUnsafeBufferPointer { deflater.append(row: $0, changed: byteChanges) }
        }
        return deflater.finish()
    }

    /// Fills `changes` with the stretches of `width` pixels where `pixels` differs from `above`, each pixel a
    /// `Pixel` (an RGBA word or a palette index). Stretches less than eight equal pixels apart are joined: the
    /// deflater would code such gaps with the changes anyway.
    static func changedStretches<Pixel: ComparablePixel>(
        of _: Pixel.Type,
        _ pixels: UnsafeRawPointer,
        above: UnsafeRawPointer,
        width: Int,
        into changes: inout [Range<Int>]
    ) {
        changes.removeAll(keepingCapacity: true)
        let size = MemoryLayout<Pixel>.size
        // Many rows repeat the row above entirely; libc's memcmp says so fastest.
        if memcmp(pixels, above, width * size) == 0 { return }
        let window = 8  // pixels per difference word, and the gap that ends a stretch
        let shift = Pixel.differenceShift
        /// Pixel x + i's difference in bits i << shift ..< (i + 1) << shift (i < 8; pixels past the row count as
        /// equal).
        @inline(__always) func differences(_ x: Int) -> UInt64 {
            guard x &+ window <= width else {
                var bits: UInt64 = 0
                for index in 0..<max(0, width &- x)
                where pixels.loadUnaligned(fromByteOffset: (x &+ index) &* size, as: Pixel.self)
                    != above.loadUnaligned(fromByteOffset: (x &+ index) &* size, as: Pixel.self)
                {
                    bits |= 1 << UInt64(index << shift)
                }
                return bits
            }
            return Pixel.differences(pixels + x &* size, above + x &* size)
        }
        var x = 0
        while x < width {
            if x &+ Pixel.blockLength <= width, Pixel.sameBlock(pixels + x &* size, above + x &* size) {
                x &+= Pixel.blockLength
                continue
            }
            let first = differences(x)
            guard first != 0 else {
                x &+= window
                continue
            }
            let start = x &+ first.trailingZeroBitCount &>> shift
            var end = start &+ 1
            // Extend past the last differing pixel in each window of eight that follows; a window with none
            // is a gap of eight equal pixels, which ends the stretch.
            while end < width {
                let following = differences(end)
                guard following != 0 else { break }
                end &+= (UInt64.bitWidth &- following.leadingZeroBitCount &+ (1 &<< shift) &- 1) &>> shift
            }
            changes.append(start..<end)
            x = end
        }
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
        canvas.withRGBABytes { raw in
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

}

/// A zlib deflate stream fed in pieces. The `z_stream` lives at a fixed address, as zlib requires.
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 16_384)

    /// Starts a stream with a 32 KiB window and memory level 8 (smaller blocks adapt their codes better).
    init(level: Int32, strategy: Int32) throws(PNGRasterError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream,
            level,
            Z_DEFLATED,
            15,
            8,
            strategy,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else {
            stream.deallocate()
            throw .compressionFailed(code: status)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `bytes` (output is buffered until ``finish()``).
    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(PNGRasterError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = UInt32(bytes.count)
        while stream.pointee.avail_in > 0 {
            try run(flush: Z_NO_FLUSH)
        }
    }

    /// Ends the stream and returns all compressed bytes.
    func finish() throws(PNGRasterError) -> [UInt8] {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while try run(flush: Z_FINISH) != Z_STREAM_END {}
        return output
    }

    @discardableResult
    private func run(flush: Int32) throws(PNGRasterError) -> Int32 {
        let capacity = chunk.count
        let stream = stream
        let (status, produced) = chunk.withUnsafeMutableBufferPointer { target in
            stream.pointee.next_out = target.baseAddress
            stream.pointee.avail_out = UInt32(capacity)
            let status = deflate(stream, flush)
            return (status, capacity - Int(stream.pointee.avail_out))
        }
        guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced == 0) else {
            throw .compressionFailed(code: status)
        }
        output.append(contentsOf: chunk[0..<produced])
        return status
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

/// A pixel kind that ``PNGEncoder/changedStretches(of:_:above:width:into:)`` compares in groups: RGBA words or
/// palette indices.
protocol ComparablePixel: FixedWidthInteger {
    /// Bits per pixel, as a shift, in ``differences(_:_:)``.
    static var differenceShift: Int { get }
    /// Where the first eight pixels of `pixels` and `above` differ: pixel i in bits
    /// `i << differenceShift ..< (i + 1) << differenceShift`, nonzero where it differs.
    static func differences(_ pixels: UnsafeRawPointer, _ above: UnsafeRawPointer) -> UInt64
    /// Pixels in the blocks that ``sameBlock(_:_:)`` compares: 64 bytes, a multiple of eight pixels.
    static var blockLength: Int { get }
    /// True when the first ``blockLength`` pixels of `pixels` and of `above` are equal.
    static func sameBlock(_ pixels: UnsafeRawPointer, _ above: UnsafeRawPointer) -> Bool
}

extension ComparablePixel {
    static var blockLength: Int { 64 / MemoryLayout<Self>.size }

    // Sixteen 32-bit lanes, whatever the pixel: `any(a .!= b)` compiles to packed compares and a movemask even
    // on baseline x86-64 (SSE2).
    @inline(__always)
    static func sameBlock(_ pixels: UnsafeRawPointer, _ above: UnsafeRawPointer) -> Bool {
        !any(pixels.loadUnaligned(as: SIMD16<UInt32>.self) .!= above.loadUnaligned(as: SIMD16<UInt32>.self))
    }
}

extension UInt32: ComparablePixel {
    static var differenceShift: Int { 0 }

    // One bit per pixel: eight lanes, a packed compare each, weighted and summed.
    @inline(__always)
    static func differences(_ pixels: UnsafeRawPointer, _ above: UnsafeRawPointer) -> UInt64 {
        let differs = unsafeBitCast(
            pixels.loadUnaligned(as: SIMD8<UInt32>.self) .!= above.loadUnaligned(as: SIMD8<UInt32>.self),
            to: SIMD8<UInt32>.self
        )
        return UInt64((differs & SIMD8(1, 2, 4, 8, 16, 32, 64, 128)).wrappedSum())
    }
}

extension UInt8: ComparablePixel {
    static var differenceShift: Int { 3 }

    // One byte per pixel: the XOR of eight indices read as a little-endian word. Its trailing and leading zero
    // counts find the first and last differing pixel in two instructions.
    @inline(__always)
    static func differences(_ pixels: UnsafeRawPointer, _ above: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: pixels.loadUnaligned(as: UInt64.self))
            ^ UInt64(littleEndian: above.loadUnaligned(as: UInt64.self))
    }
}
