import CZlib
import PNGRaster

/// A minimal PNG reader for checking our encoder: validates the signature and every chunk CRC, reads IHDR,
/// inflates the IDAT stream with zlib and undoes the five row filters. Palette images keep their indices in
/// `pixels` and their colours in `palette`; ``rgbaPixels`` expands either kind to RGBA.
struct DecodedPNG {
    var width: Int
    var height: Int
    var bitDepth: UInt8
    var colorType: UInt8
    var channels: Int
    var chunkTypes: [String]
    var filterTypes: [UInt8]
    /// Unfiltered pixel bytes, `channels` per pixel (palette indices for colour type 3).
    var pixels: [UInt8]
    /// PLTE entries as RGBA, alpha taken from tRNS (255 past its end); empty without PLTE.
    var palette: [RGBA]
    /// The raw tRNS body, if present.
    var transparency: [UInt8]?

    enum Failure: Error, Equatable {
        case signature
        case truncated
        case crc(chunk: String)
        case header
        case inflate(code: Int32)
        case filter(UInt8)
        case palette
    }

    init(_ bytes: [UInt8]) throws {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Failure.signature }
        func u32(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
        }
        var offset = 8
        var header: [UInt8] = []
        var idat: [UInt8] = []
        var plte: [UInt8] = []
        var trns: [UInt8]?
        chunkTypes = []
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Failure.truncated }
            let length = u32(offset)
            guard offset + 12 + length <= bytes.count else { throw Failure.truncated }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = UInt32(u32(offset + 8 + length))
            // Check with zlib's CRC so the test does not trust our own implementation.
            let computed = bytes[(offset + 4)..<(offset + 8 + length)].withContiguousStorageIfAvailable {
                UInt32(crc32(0, $0.baseAddress, UInt32($0.count)))
            }
            guard computed == stored else { throw Failure.crc(chunk: type) }
            chunkTypes.append(type)
            if type == "IHDR" { header = body }
            if type == "IDAT" { idat.append(contentsOf: body) }
            if type == "PLTE" { plte = body }
            if type == "tRNS" { trns = body }
            offset += 12 + length
        }
        guard header.count == 13 else { throw Failure.header }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        bitDepth = header[8]
        colorType = header[9]
        guard bitDepth == 8, [2, 3, 6].contains(colorType), header[10] == 0, header[11] == 0, header[12] == 0
        else { throw Failure.header }
        channels = colorType == 2 ? 3 : colorType == 3 ? 1 : 4
        transparency = trns
        palette = []
        if colorType == 3 {
            guard !plte.isEmpty, plte.count % 3 == 0, plte.count <= 768, (trns?.count ?? 0) <= plte.count / 3
            else { throw Failure.palette }
            for entry in 0..<(plte.count / 3) {
                let alpha = trns.map { entry < $0.count ? $0[entry] : 255 } ?? 255
                palette.append(
                    RGBA(r: plte[entry * 3], g: plte[entry * 3 + 1], b: plte[entry * 3 + 2], a: alpha)
                )
            }
        }
        let rowBytes = width * channels
        let raw = try Self.inflate(idat, expected: (rowBytes + 1) * height)
        var pixels = [UInt8](repeating: 0, count: rowBytes * height)
        filterTypes = []
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            filterTypes.append(filter)
            for x in 0..<rowBytes {
                let value = raw[y * (rowBytes + 1) + 1 + x]
                let a = x >= channels ? Int(pixels[y * rowBytes + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * rowBytes + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * rowBytes + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure.filter(filter)
                }
                pixels[y * rowBytes + x] = value &+ UInt8(predictor & 0xFF)
            }
        }
        let entries = palette.count
        if colorType == 3, pixels.contains(where: { Int($0) >= entries }) { throw Failure.palette }
        self.pixels = pixels
    }

    /// The image as RGBA bytes, four per pixel (opaque alpha for RGB).
    var rgbaPixels: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(width * height * 4)
        switch colorType {
        case 3:
            for index in pixels {
                let color = palette[Int(index)]
                result.append(contentsOf: [color.r, color.g, color.b, color.a])
            }
        case 2:
            for start in stride(from: 0, to: pixels.count, by: 3) {
                result.append(contentsOf: pixels[start..<(start + 3)])
                result.append(255)
            }
        default:
            result = pixels
        }
        return result
    }

    static func inflate(_ input: [UInt8], expected: Int) throws -> [UInt8] {
        var stream = z_stream()
        var status = inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure.inflate(code: status) }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: expected + 16)
        var input = input
        status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else { throw Failure.inflate(code: status) }
        return Array(output[0..<expected])
    }
}
