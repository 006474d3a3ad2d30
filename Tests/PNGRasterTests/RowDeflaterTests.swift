import Testing

@testable import PNGRaster

/// A small deterministic generator (SplitMix64), so the noisy inputs are the same on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

@Suite struct RowDeflaterTests {
    private func compress(_ rows: [[UInt8]]) -> [UInt8] {
        var deflater = RowDeflater(rowBytes: rows[0].count)
        for row in rows { row.withUnsafeBufferPointer { deflater.append(row: $0) } }
        return deflater.finish()
    }

    /// Encodes `rows` and inflates the result with zlib, which also checks the Adler-32 trailer.
    private func roundTrip(_ rows: [[UInt8]]) throws -> [UInt8] {
        try DecodedPNG.inflate(compress(rows), expected: rows.count * rows[0].count)
    }

    @Test func runsOfEveryLengthAroundMatchLimitsRoundTrip() throws {
        // Runs of 1...600 bytes cross the 3-byte minimum and the 258-byte maximum of a match.
        var rows: [[UInt8]] = []
        for length in 1...600 {
            var row = [UInt8](repeating: 0, count: 1200)
            row.replaceSubrange(1..<(1 + length), with: repeatElement(UInt8(length % 251), count: length))
            rows.append(row)
        }
        let inflated = try roundTrip(rows)
        #expect(inflated == rows.flatMap { $0 })
    }

    @Test func copiedRowsRoundTripForAwkwardRowLengths() throws {
        // Row lengths whose split into 258-byte matches would leave 1 or 2 bytes, the shortest rows, and a row
        // longer than deflate's 32 KiB window (copied by re-coding its runs).
        for rowBytes in [1, 2, 3, 4, 258, 259, 260, 261, 516, 517, 801, 32_768, 40_000] {
            var generator = SeededGenerator(state: UInt64(rowBytes))
            let row = (0..<rowBytes).map { _ in UInt8.random(in: 0...3, using: &generator) }
            let rows = [row, row, row]
            let inflated = try roundTrip(rows)
            #expect(inflated == rows.flatMap { $0 }, "rowBytes \(rowBytes)")
            // Within deflate's window, a repeated row costs a few bytes per 258-byte match, far less than coding
            // it again.
            if (3...32_768).contains(rowBytes) {
                let copyBound = 2 * (rowBytes / 258 + 1) * 4 + 16
                #expect(compress(rows).count <= compress([row]).count + copyBound, "rowBytes \(rowBytes)")
            }
        }
    }

    @Test func noisyRowsSpanningSeveralBlocksRoundTrip() throws {
        // 200 × 500 random bytes are ~100,000 literals: four Huffman blocks.
        var generator = SeededGenerator(state: 42)
        let rows = (0..<200).map { _ in (0..<500).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        let inflated = try roundTrip(rows)
        #expect(inflated == rows.flatMap { $0 })
    }

    @Test func rowsThatChangeSlightlyRoundTrip() throws {
        // Each row is the previous one with a few bytes changed (at the edges too), so copied stretches start
        // and end inside runs, at run boundaries and at the row's ends.
        var generator = SeededGenerator(state: 9)
        var row = (0..<300).map { _ in UInt8.random(in: 0...2, using: &generator) }
        var rows: [[UInt8]] = []
        for _ in 0..<400 {
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                row[Int.random(in: 0..<row.count, using: &generator)] = UInt8.random(in: 0...2, using: &generator)
            }
            rows.append(row)
        }
        let compressed = compress(rows)
        #expect(try DecodedPNG.inflate(compressed, expected: rows.count * 300) == rows.flatMap { $0 })
        // Copying from the row above makes this far smaller than coding each row's ~200 runs again.
        #expect(compressed.count < compress([rows[0]]).count * 40)
    }

    @Test func singleByteAlphabetStillProducesAValidStream() throws {
        // One row of zeros: one distance symbol, padded to a complete code; one byte: no distance at all.
        let zeros = [UInt8](repeating: 0, count: 64)
        #expect(try roundTrip([zeros]) == zeros)
        #expect(try roundTrip([[7]]) == [7])
    }

    @Test func runHeavyRowsCompressWell() throws {
        // A graph-like image: background, a band and a few short runs per row.
        var rows: [[UInt8]] = []
        for y in 0..<600 {
            var row = [UInt8](repeating: 1, count: 801)
            row[0] = 0
            row.replaceSubrange(60..<740, with: repeatElement(2, count: 680))
            row[100 + y % 600] = 3
            rows.append(row)
        }
        let compressed = compress(rows)
        #expect(try DecodedPNG.inflate(compressed, expected: 801 * 600) == rows.flatMap { $0 })
        // Each row is a handful of runs: a few bytes per row, not hundreds.
        #expect(compressed.count < 600 * 16)
    }

    @Test func symbolsCoverTheirLengthsAndDistances() {
        for length in 3...258 {
            let index = DeflateTables.lengthSymbol(length) - 257
            let base = DeflateTables.lengthBase[index]
            #expect(base <= length && length - base < 1 << DeflateTables.lengthExtraBits[index], "length \(length)")
        }
        for distance in 1...32_768 {
            let symbol = DeflateTables.distanceSymbol(distance)
            let base = DeflateTables.distanceBase[symbol]
            let extra = DeflateTables.distanceExtraBits[symbol]
            #expect(base <= distance && distance - base < 1 << extra, "distance \(distance)")
        }
    }
}

@Suite struct HuffmanCodeTests {
    /// Σ 2^−length over used symbols, scaled by 2^limit: exactly 2^limit for a complete code.
    private func kraftSum(_ lengths: [UInt8], limit: Int) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + 1 << (limit - Int($1)) }
    }

    /// Total coded bits of an unlimited Huffman code, by repeatedly merging the two lightest weights.
    private func huffmanCost(_ frequencies: [UInt32]) -> UInt64 {
        var weights = frequencies.filter { $0 > 0 }.map(UInt64.init)
        var cost: UInt64 = 0
        while weights.count > 1 {
            weights.sort(by: >)
            let merged = weights.removeLast() + weights.removeLast()
            cost += merged
            weights.append(merged)
        }
        return cost
    }

    private func cost(_ frequencies: [UInt32], _ lengths: [UInt8]) -> UInt64 {
        zip(frequencies, lengths).reduce(0) { $0 + UInt64($1.0) * UInt64($1.1) }
    }

    @Test func unconstrainedLengthsMatchHuffman() {
        // With a limit no code reaches, package-merge must find Huffman's optimum.
        var generator = SeededGenerator(state: 7)
        for _ in 0..<20 {
            let frequencies = (0..<286).map { _ in UInt32.random(in: 0...1000, using: &generator) }
            let code = HuffmanCode(frequencies: frequencies, limit: 30)
            #expect(kraftSum(code.lengths, limit: 30) == 1 << 30)
            #expect(cost(frequencies, code.lengths) == huffmanCost(frequencies))
        }
    }

    @Test func fibonacciWeightsAreHeldToTheLimitAndStayComplete() {
        // Fibonacci weights make an unlimited Huffman tree as deep as there are symbols.
        var frequencies: [UInt32] = [1, 1]
        while frequencies.count < 30 {
            frequencies.append(frequencies[frequencies.count - 1] + frequencies[frequencies.count - 2])
        }
        let code = HuffmanCode(frequencies: frequencies, limit: 15)
        #expect(code.lengths.max() == 15)
        // The limit costs a little against the unlimited optimum, but not much.
        let limitedCost = cost(frequencies, code.lengths)
        #expect(limitedCost >= huffmanCost(frequencies) && limitedCost < huffmanCost(frequencies) * 11 / 10)
        #expect(kraftSum(code.lengths, limit: 15) == 1 << 15)
        let shortCode = HuffmanCode(frequencies: Array(frequencies.prefix(19)), limit: 7)
        #expect(shortCode.lengths.max() == 7)
        #expect(kraftSum(shortCode.lengths, limit: 7) == 1 << 7)
        // Heavier symbols never get longer codes.
        #expect(zip(code.lengths, code.lengths.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func bindingLimitsGiveCompleteCodesCloseToHuffman() {
        // Weights spread over 2^0...2^16 make Huffman codes deeper than 12 bits: package-merge takes over.
        var generator = SeededGenerator(state: 11)
        for _ in 0..<10 {
            let frequencies = (0..<286).map { _ in UInt32(1) << UInt32.random(in: 0...16, using: &generator) }
            let code = HuffmanCode(frequencies: frequencies, limit: 12)
            #expect(code.lengths.max() == 12)
            #expect(kraftSum(code.lengths, limit: 12) == 1 << 12)
            let limitedCost = cost(frequencies, code.lengths)
            #expect(limitedCost > huffmanCost(frequencies) && limitedCost < huffmanCost(frequencies) * 6 / 5)
        }
    }

    @Test func codesArePrefixFree() {
        let frequencies: [UInt32] = [5, 0, 9, 12, 13, 16, 45, 0, 1]
        let code = HuffmanCode(frequencies: frequencies, limit: 15)
        // Un-reverse the stored codes and check that no code starts another.
        let words: [String] = frequencies.indices.compactMap { symbol in
            let length = Int(code.lengths[symbol])
            guard length > 0 else { return nil }
            return String((0..<length).map { (code.codes[symbol] >> $0) & 1 == 1 ? "1" : "0" })
        }
        #expect(words.count == 7)
        for first in words.indices {
            for second in words.indices where first != second {
                #expect(!words[second].hasPrefix(words[first]))
            }
        }
    }

    @Test func fewerThanTwoSymbolsArePaddedToTwoOneBitCodes() {
        #expect(HuffmanCode(frequencies: [0, 0, 4], limit: 15).lengths == [1, 0, 1])
        #expect(HuffmanCode(frequencies: [3, 0, 0], limit: 15).lengths == [1, 1, 0])
        #expect(HuffmanCode(frequencies: [0, 0, 0], limit: 7).lengths == [1, 1, 0])
    }
}

@Suite struct Adler32Tests {
    @Test func blocksGivenBySumsMatchBytewiseUpdates() {
        var generator = SeededGenerator(state: 3)
        var bySums = Adler32()
        var bytes: [UInt8] = []
        // Block lengths from 1 byte to past the 5552-byte reduction step and past the modulus.
        for count in [1, 2, 3, 100, 5552, 5553, 70_000, 131_043] {
            let block = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let sum = block.reduce(0) { $0 + Int($1) }
            let weightedSum = block.indices.reduce(0) { $0 + (count - $1) * Int(block[$1]) }
            bySums.update(blockSum: sum, blockWeightedSum: weightedSum, count: count)
            bytes.append(contentsOf: block)
        }
        #expect(bySums.value == Adler32.checksum(bytes))
    }
}

@Suite struct ChangedStretchesTests {
    /// Per pixel: stretches of differing pixels, joined when fewer than eight equal pixels lie between them.
    private func reference<Pixel: Equatable>(_ row: [Pixel], _ above: [Pixel]) -> [Range<Int>] {
        var stretches: [Range<Int>] = []
        for x in row.indices where row[x] != above[x] {
            if let last = stretches.last, x - last.upperBound < 8 {
                stretches[stretches.count - 1] = last.lowerBound..<(x + 1)
            } else {
                stretches.append(x..<(x + 1))
            }
        }
        return stretches
    }

    private func changes<Pixel: ComparablePixel>(_ row: [Pixel], _ above: [Pixel]) -> [Range<Int>] {
        var result: [Range<Int>] = [0..<1]  // stale content must be replaced
        row.withUnsafeBytes { pixels in
            above.withUnsafeBytes { abovePixels in
                PNGEncoder.changedStretches(
                    of: Pixel.self,
                    pixels.baseAddress!,
                    above: abovePixels.baseAddress!,
                    width: row.count,
                    into: &result
                )
            }
        }
        return result
    }

    /// RGBA words and palette indices: random rows of every width up to 90, with sparse and clustered
    /// differences, so gaps of every length fall around the joining distance.
    private func checkRandomRows<Pixel: ComparablePixel>(of _: Pixel.Type, seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        for width in 1...90 {
            for _ in 0..<40 {
                let above = (0..<width).map { _ in Pixel.random(in: 0...3, using: &generator) }
                var row = above
                let density = Int.random(in: 1...12, using: &generator)
                for x in 0..<width where Int.random(in: 0..<density, using: &generator) == 0 {
                    row[x] ^= Pixel.random(in: 1...Pixel.max, using: &generator)
                }
                #expect(changes(row, above) == reference(row, above), "width \(width)")
            }
        }
    }

    @Test func stretchesMatchThePerPixelRuleForEveryWidthAndGap() {
        checkRandomRows(of: UInt32.self, seed: 7)
        checkRandomRows(of: UInt8.self, seed: 8)
    }

    @Test func equalRowsHaveNoStretchesAndGapsOfExactlyEightSplit() {
        let above = [UInt32](repeating: 5, count: 40)
        #expect(changes(above, above).isEmpty)
        var row = above
        row[3] = 1
        row[12] = 1  // eight equal pixels (4...11) between: two stretches
        row[20] = 1  // seven equal pixels (13...19) between: joined
        #expect(changes(row, above) == [3..<4, 12..<21])
        row[39] = 9  // the last pixel, after a long gap
        #expect(changes(row, above) == [3..<4, 12..<21, 39..<40])
        #expect(changes(row.map { UInt8($0) }, above.map { UInt8($0) }) == [3..<4, 12..<21, 39..<40])
    }
}
