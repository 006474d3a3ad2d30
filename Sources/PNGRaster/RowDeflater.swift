#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a zlib stream (RFC 1950/1951) of PNG scanlines that change little from row to row and consist mostly of
/// runs, such as the palette indices of a graph, without zlib.
///
/// zlib looks at every byte; this encoder looks only at what changed. The caller says which stretches of a row
/// differ from the previous row; the rest is copied from it with matches at a distance of one row, and changed
/// stretches are coded run by run (a literal, then distance-1 matches). So the work grows with the changes, not
/// with the pixels. Tokens are coded with dynamic Huffman codes, one block per ``blockTokenLimit`` tokens, and
/// the Adler-32 trailer is kept up to date from the changed bytes alone. On the demo graph the output is about as
/// small as zlib's (23.2 KB against 22.7 KB at level 3), and the whole encode takes under half the time.
struct RowDeflater {
    /// Bytes per row, filter byte included; every row must have this length.
    let rowBytes: Int
    /// Tokens per Huffman block: small enough to bound memory, large enough that block headers cost little.
    static let blockTokenLimit = 32_768
    /// Unchanged stretches shorter than this are coded with the changes around them: a copy costs about as much
    /// as coding one short run, and it would split the runs on both sides.
    static let minimumCopyLength = 12

    /// Tokens as ``TokenSink`` packs them. Sized once for a block plus the most one row adds (one token per
    /// byte); the first `tokenCount` are used.
    private var tokens: [UInt32]
    private var tokenCount = 0
    /// The previous row (zeros before the first), for its sums and, in debug builds, to check the caller.
    private var previousRow: [UInt8]
    private var hasPreviousRow = false
    /// Σ byte and Σ (rowBytes − i) × byte[i] over the previous row: what one row adds to Adler-32.
    private var rowSum = 0
    private var rowWeightedSum = 0
    private var changes: [Range<Int>] = []
    private var checksum = Adler32()
    private var writer = DeflateBitWriter()

    /// Starts a stream of rows of `rowBytes` bytes.
    init(rowBytes: Int) {
        precondition(rowBytes > 0, "rows must not be empty")
        self.rowBytes = rowBytes
        previousRow = [UInt8](repeating: 0, count: rowBytes)
        // One slot more than a row can fill: a run's tail writes two slots and may keep one.
        tokens = [UInt32](repeating: 0, count: Self.blockTokenLimit + rowBytes + 1)
        writer.writeZlibHeader()
    }

    /// Appends one row (the filter byte first), finding the stretches that differ from the previous row itself.
    mutating func append(row: UnsafeBufferPointer<UInt8>) {
        precondition(row.count == rowBytes, "row length differs from rowBytes")
        var changes = self.changes
        changes.removeAll(keepingCapacity: true)
        var position = 0
        while position < rowBytes {
            guard row[position] != previousRow[position] else {
                position += 1
                continue
            }
            let start = position
            while position < rowBytes, row[position] != previousRow[position] { position += 1 }
            changes.append(start..<position)
        }
        append(row: row, changed: changes)
        self.changes = changes
    }

    /// Appends one row (the filter byte first) that equals the previous row outside `changed` (before the first
    /// row, all zeros). `changed` must be sorted and must not overlap.
    mutating func append(row: UnsafeBufferPointer<UInt8>, changed: [Range<Int>]) {
        precondition(row.count == rowBytes, "row length differs from rowBytes")
        guard let bytes = row.baseAddress else { return }
        // A match is at least 3 bytes long and reaches back at most 32,768 bytes.
        let canCopy = hasPreviousRow && rowBytes >= 3 && rowBytes <= 32_768
        let rowBytes = rowBytes
        var sum = rowSum
        var weightedSum = rowWeightedSum
        var position = 0
        // Both are moved out of self for the row (and back below, without a copy), so the optimizer sees plain
        // local arrays in the loops.
        var previousRow = self.previousRow
        self.previousRow = []
        var tokens = self.tokens
        self.tokens = []
        tokens.withUnsafeMutableBufferPointer { tokenBuffer in
            previousRow.withUnsafeMutableBufferPointer { previousBuffer in
                let previous = previousBuffer.baseAddress!
                var sink = TokenSink(tokens: tokenBuffer.baseAddress!, count: tokenCount)
                // The empty stretch at the end closes the row.
                for index in 0...changed.count {
                    let change = index < changed.count ? changed[index] : rowBytes..<rowBytes
                    precondition(change.lowerBound >= position, "changed stretches must be sorted and not overlap")
                    precondition(change.upperBound <= rowBytes, "changed stretches must lie within the row")
                    assert(memcmp(bytes + position, previous + position, change.lowerBound - position) == 0)
                    var codedStart = position
                    if canCopy, change.lowerBound - position >= Self.minimumCopyLength {
                        sink.appendCopy(length: change.lowerBound - position)
                        codedStart = change.lowerBound
                    }
                    sink.appendRuns(bytes, from: codedStart, to: change.upperBound, rowEnd: rowBytes)
                    // Integer sums of the byte deltas: a plain reduction the optimizer can vectorize.
                    for index in change {
                        let delta = Int(bytes[index]) &- Int(previous[index])
                        sum &+= delta
                        weightedSum &+= (rowBytes &- index) &* delta
                    }
                    (previous + change.lowerBound).update(from: bytes + change.lowerBound, count: change.count)
                    position = change.upperBound
                }
                tokenCount = sink.count
            }
        }
        self.previousRow = previousRow
        self.tokens = tokens
        rowSum = sum
        rowWeightedSum = weightedSum
        checksum.update(blockSum: sum, blockWeightedSum: weightedSum, count: rowBytes)
        hasPreviousRow = true
        if tokenCount >= Self.blockTokenLimit { writeBlock(isFinal: false) }
    }

    /// Ends the stream and returns the zlib bytes.
    mutating func finish() -> [UInt8] {
        writeBlock(isFinal: true)
        return writer.finish(trailer: checksum.value)
    }

    // MARK: Blocks

    /// Writes the buffered tokens as one dynamic-Huffman block (RFC 1951 §3.2.7) and starts a new block.
    ///
    /// Both passes over the tokens are table lookups without branches: literal and match tokens interleave
    /// unpredictably, and mispredicted branches cost more than the lookups.
    private mutating func writeBlock(isFinal: Bool) {
        let tokens = self.tokens[0..<tokenCount]
        let distances = TokenSink.distances(rowBytes: rowBytes)
        // How often each (distance index, value) pair occurs, in one table: counting distances on their own
        // would increment three counters over and over, each waiting for its previous store.
        let pairShift = UInt32(TokenSink.valueMask.nonzeroBitCount)
        var pairCounts = [UInt32](repeating: 0, count: distances.count << pairShift)
        pairCounts.withUnsafeMutableBufferPointer { pairs in
            for token in tokens {
                pairs[Int(token & TokenSink.valueMask | (token >> TokenSink.distanceShift) << pairShift)] &+= 1
            }
        }
        // Each literal or match length, and each distance (index 0 counts literals).
        var valueCounts = [UInt32](repeating: 0, count: TokenSink.valueCount)
        var distanceCounts = [UInt32](repeating: 0, count: distances.count)
        for distance in distances.indices {
            for value in 0..<TokenSink.valueCount {
                let count = pairCounts[distance << pairShift | value]
                valueCounts[value] += count
                distanceCounts[distance] += count
            }
        }
        var literalFrequencies = [UInt32](repeating: 0, count: 286)
        literalFrequencies[256] = 1  // end of block
        for value in 0..<TokenSink.valueCount where valueCounts[value] > 0 {
            literalFrequencies[value < 256 ? value : DeflateTables.lengthSymbol(value - 256)] += valueCounts[value]
        }
        var distanceFrequencies = [UInt32](repeating: 0, count: 30)
        // Rows wider than the 32 KiB window make no copies, so their row distance never counts.
        for (index, distance) in distances.enumerated() where index > 0 && distanceCounts[index] > 0 {
            distanceFrequencies[DeflateTables.distanceSymbol(distance)] += distanceCounts[index]
        }
        let literalCode = HuffmanCode(frequencies: literalFrequencies, limit: 15)
        let distanceCode = HuffmanCode(frequencies: distanceFrequencies, limit: 15)

        // Each token value and distance as one bit string: its symbol's code, then its extra bits.
        let valueBits = (0..<TokenSink.valueCount).map { value in
            switch value {
            case 0..<256: BitString(symbol: value, of: literalCode) { _ in (0, 0) }
            case 256..<259: BitString()  // lengths below 3 do not occur
            default:
                BitString(symbol: DeflateTables.lengthSymbol(value - 256), of: literalCode) {
                    (UInt32(value - 256 - DeflateTables.lengthBase[$0 - 257]), DeflateTables.lengthExtraBits[$0 - 257])
                }
            }
        }
        let distanceBits = distances.enumerated().map { index, distance in
            index == 0 || distanceCounts[index] == 0
                ? BitString()  // a literal has no distance; unused distances need no code
                : BitString(symbol: DeflateTables.distanceSymbol(distance), of: distanceCode) {
                    (UInt32(distance - DeflateTables.distanceBase[$0]), DeflateTables.distanceExtraBits[$0])
                }
        }
        let endOfBlock = BitString(symbol: 256, of: literalCode) { _ in (0, 0) }
        // At most 48 bits per token (length code and extra bits, distance code and extra bits), plus the header.
        let headerBits = 3 + 14 + 19 * 3 + (286 + 30) * (7 + 7)
        writer.withSink(reservingBits: headerBits + 48 * tokens.count + 15) { sink in
            sink.write(isFinal ? 1 : 0, bits: 1)
            sink.write(2, bits: 2)  // dynamic Huffman codes
            Self.writeCodeLengths(literal: literalCode.lengths, distance: distanceCode.lengths, to: &sink)
            tokens.withUnsafeBufferPointer { tokens in
                valueBits.withUnsafeBufferPointer { valueBits in
                    distanceBits.withUnsafeBufferPointer { distanceBits in
                        // A local copy keeps the bit buffer in registers (the captured sink lives in memory).
                        var local = sink
                        defer { sink = local }
                        for token in tokens {
                            local.write(
                                valueBits[Int(token & TokenSink.valueMask)],
                                distanceBits[Int(token >> TokenSink.distanceShift)]
                            )
                        }
                    }
                }
            }
            sink.write(endOfBlock)
        }
        tokenCount = 0
    }

    /// Writes HLIT, HDIST, HCLEN and both code-length tables, run-length coded with symbols 16–18.
    private static func writeCodeLengths(literal: [UInt8], distance: [UInt8], to sink: inout BitSink) {
        let literalCount = max(257, (literal.lastIndex { $0 > 0 } ?? 0) + 1)
        let distanceCount = max(1, (distance.lastIndex { $0 > 0 } ?? 0) + 1)
        let sequence = Array(literal[0..<literalCount]) + Array(distance[0..<distanceCount])

        // (symbol, extra bits value) pairs, and how often each symbol occurs.
        var symbols: [(symbol: Int, extra: UInt32)] = []
        var frequencies = [UInt32](repeating: 0, count: 19)
        func emit(_ symbol: Int, _ extra: UInt32 = 0) {
            symbols.append((symbol, extra))
            frequencies[symbol] += 1
        }
        var index = 0
        while index < sequence.count {
            let value = sequence[index]
            var run = 1
            while index + run < sequence.count, sequence[index + run] == value { run += 1 }
            index += run
            if value == 0 {
                while run >= 11 {
                    let count = min(run, 138)
                    emit(18, UInt32(count - 11))
                    run -= count
                }
                if run >= 3 {
                    emit(17, UInt32(run - 3))
                    run = 0
                }
            } else {
                emit(Int(value))
                run -= 1
                while run >= 3 {
                    let count = min(run, 6)
                    emit(16, UInt32(count - 3))
                    run -= count
                }
            }
            for _ in 0..<run { emit(Int(value)) }
        }

        let lengthCode = HuffmanCode(frequencies: frequencies, limit: 7)
        let order = DeflateTables.codeLengthOrder
        let orderCount = max(4, (order.lastIndex { lengthCode.lengths[$0] > 0 } ?? 0) + 1)
        sink.write(UInt64(literalCount - 257), bits: 5)
        sink.write(UInt64(distanceCount - 1), bits: 5)
        sink.write(UInt64(orderCount - 4), bits: 4)
        for symbol in order.prefix(orderCount) { sink.write(UInt64(lengthCode.lengths[symbol]), bits: 3) }
        for (symbol, extra) in symbols {
            sink.write(UInt64(lengthCode.codes[symbol]), bits: Int(lengthCode.lengths[symbol]))
            switch symbol {
            case 16: sink.write(UInt64(extra), bits: 2)
            case 17: sink.write(UInt64(extra), bits: 3)
            case 18: sink.write(UInt64(extra), bits: 7)
            default: break
            }
        }
    }
}

/// Appends tokens to storage the caller has sized (see ``RowDeflater``'s `tokens`).
///
/// A token packs a value, the literal byte (0–255) or 256 + a match length (3–258), with the index of its
/// distance in ``distances(rowBytes:)`` above ``distanceShift`` (0 for a literal). Matches reach back one byte
/// (runs) or one row (copies), so two distances cover every match.
struct TokenSink {
    let tokens: UnsafeMutablePointer<UInt32>
    var count: Int

    static let valueCount = 256 + 259
    static let valueMask: UInt32 = 0x3FF
    static let distanceShift: UInt32 = 16
    private static let runDistance: UInt32 = 1 << distanceShift
    private static let copyDistance: UInt32 = 2 << distanceShift

    /// The distance of each distance index: none (a literal), one byte, one row.
    static func distances(rowBytes: Int) -> [Int] { [0, 1, rowBytes] }

    @inline(__always)
    private mutating func append(_ token: UInt32) {
        tokens[count] = token
        count &+= 1
    }

    /// Copies `length` (≥ 3) bytes from the row above, one match per 258 bytes.
    mutating func appendCopy(length: Int) {
        var remaining = length
        while remaining > 0 {
            // Keep the last piece at 3 bytes or more.
            let piece = remaining > 258 ? (remaining - 258 < 3 ? remaining - 3 : 258) : remaining
            append(Self.copyDistance | UInt32(256 + piece))
            remaining -= piece
        }
    }

    /// Codes `bytes[start..<end]` run by run: each run is its byte, then distance-1 matches of up to 258 bytes.
    /// Bytes up to `rowEnd` may be read (not coded), so runs are measured eight bytes at a time.
    @inline(__always)
    mutating func appendRuns(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, rowEnd: Int) {
        let raw = UnsafeRawPointer(bytes)
        var position = start
        while position < end {
            let byte = bytes[position]
            let word = UInt64(byte) &* 0x0101_0101_0101_0101
            var runEnd = position &+ 1
            while true {
                guard runEnd &+ 8 <= rowEnd else {
                    while runEnd < end, bytes[runEnd] == byte { runEnd &+= 1 }
                    break
                }
                // The first byte that differs is the lowest nonzero byte of the XOR, in memory order.
                let difference = (raw.loadUnaligned(fromByteOffset: runEnd, as: UInt64.self) ^ word).littleEndian
                if difference == 0, runEnd &+ 8 < end {
                    runEnd &+= 8
                    continue
                }
                runEnd = min(end, runEnd &+ difference.trailingZeroBitCount &>> 3)
                break
            }
            let literal = UInt32(byte)
            append(literal)
            var remaining = runEnd &- position &- 1
            while remaining > 258 {
                append(Self.runDistance | UInt32(256 &+ 258))
                remaining &-= 258
            }
            // The rest is one match (3 to 258 bytes) or up to two literals. Both slots are written and the count
            // moves by what was meant: run lengths vary too much for a branch to be predicted.
            let isMatch = remaining >= 3
            tokens[count] = isMatch ? Self.runDistance | UInt32(256 &+ remaining) : literal
            tokens[count &+ 1] = literal
            count &+= isMatch ? 1 : remaining
            position = runEnd
        }
    }
}

/// A symbol's code followed by its extra bits, written in one go (at most 15 + 13 bits).
struct BitString {
    var value: UInt32 = 0
    var count: UInt32 = 0

    init() {}

    /// The code of `symbol` in `code`, then the extra bits `extra(symbol)` returns as (value, bit count).
    init(symbol: Int, of code: HuffmanCode, extra: (Int) -> (UInt32, Int)) {
        let (extraValue, extraCount) = extra(symbol)
        let codeLength = Int(code.lengths[symbol])
        value = UInt32(code.codes[symbol]) | extraValue << UInt32(codeLength)
        count = UInt32(codeLength + extraCount)
    }
}

/// Deflate's fixed tables (RFC 1951 §3.2.5 and §3.2.7).
enum DeflateTables {
    /// Shortest length of each length symbol 257...285.
    static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    /// Extra bits of each length symbol 257...285.
    static let lengthExtraBits = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    /// Shortest distance of each distance symbol 0...29.
    static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    /// Extra bits of each distance symbol 0...29.
    static let distanceExtraBits = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    /// The order in which code-length code lengths are written.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The literal/length symbol (257...285) for a match length of 3...258.
    static func lengthSymbol(_ length: Int) -> Int {
        if length <= 10 { return 254 + length }
        if length == 258 { return 285 }
        // Past 10, each group of four symbols covers twice the span of the previous group.
        let offset = length - 3
        let magnitude = Int.bitWidth - 1 - offset.leadingZeroBitCount
        return 257 + 4 * (magnitude - 1) + ((offset >> (magnitude - 2)) & 3)
    }

    /// The distance symbol (0...29) for a distance of 1...32,768.
    static func distanceSymbol(_ distance: Int) -> Int {
        if distance <= 4 { return distance - 1 }
        // Past 4, each pair of symbols covers twice the span of the previous pair.
        let offset = distance - 1
        let magnitude = Int.bitWidth - 1 - offset.leadingZeroBitCount
        return 2 * magnitude + ((offset >> (magnitude - 1)) & 1)
    }
}
