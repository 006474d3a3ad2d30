/// Packs bits least-significant first, as deflate stores them.
///
/// Bits go through a ``BitSink`` that writes whole 64-bit words to storage reserved up front, so the hot loops
/// pay no array bookkeeping per word.
struct DeflateBitWriter {
    /// Full words in little-endian byte order, so their bytes are the stream's; the first `wordCount` are used.
    private var storage: [UInt64] = []
    private var wordCount = 0
    /// Bytes written before the first word (the zlib header).
    private var header: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    /// The zlib header: deflate with a 32 KiB window, "fast" level, no preset dictionary (RFC 1950 §2.2).
    mutating func writeZlibHeader() {
        precondition(wordCount == 0 && bufferedBits == 0, "the header comes first")
        header = [0x78, 0x01]
    }

    /// Appends the low `bits` bits of `value` (at most 32).
    mutating func write(_ value: UInt32, bits: Int) {
        withSink(reservingBits: bits) { $0.write(value, bits: bits) }
    }

    /// Runs `body` with a sink that takes at least `bits` more bits.
    mutating func withSink<Result>(reservingBits bits: Int, _ body: (inout BitSink) -> Result) -> Result {
        let needed = wordCount + bits / 64 + 1
        if storage.count < needed {
            // Grow geometrically so a stream of many blocks copies its words a few times only.
            storage.append(contentsOf: repeatElement(0, count: max(needed, 2 * storage.count) - storage.count))
        }
        // Moved out of self while the sink writes into it (and back below, without a copy).
        var storage = self.storage
        self.storage = []
        defer { self.storage = storage }
        return storage.withUnsafeMutableBufferPointer { words in
            var sink = BitSink(words: words.baseAddress!, count: wordCount, buffer: buffer, bufferedBits: bufferedBits)
            defer {
                wordCount = sink.count
                buffer = sink.buffer
                bufferedBits = sink.bufferedBits
            }
            return body(&sink)
        }
    }

    /// Pads with zero bits to a byte boundary and returns every byte written, followed by `trailer` (four bytes,
    /// most significant first).
    func finish(trailer: UInt32) -> [UInt8] {
        let wordBytes = wordCount * 8
        let tailBytes = (bufferedBits + 7) / 8
        let count = header.count + wordBytes + tailBytes + 4
        return [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            guard let base = bytes.baseAddress else { return }
            var position = 0
            for byte in header {
                base[position] = byte
                position += 1
            }
            storage.withUnsafeBytes { words in
                guard let source = words.baseAddress, wordBytes > 0 else { return }
                (base + position).initialize(from: source.assumingMemoryBound(to: UInt8.self), count: wordBytes)
            }
            position += wordBytes
            for index in 0..<tailBytes {
                base[position] = UInt8(truncatingIfNeeded: buffer >> UInt64(index * 8))
                position += 1
            }
            for shift in [24, 16, 8, 0] {
                base[position] = UInt8(truncatingIfNeeded: trailer >> UInt32(shift))
                position += 1
            }
            initialized = count
        }
    }
}

/// Writes bits into words reserved by ``DeflateBitWriter/withSink(reservingBits:_:)``.
struct BitSink {
    let words: UnsafeMutablePointer<UInt64>
    /// Words written so far.
    var count: Int
    /// Bits not yet forming a whole word, least significant first.
    var buffer: UInt64
    var bufferedBits: Int

    /// Appends the low `bits` bits of `value` (at most 32; higher bits must be zero).
    @inline(__always)
    mutating func write(_ value: UInt32, bits: Int) {
        buffer |= UInt64(value) &<< UInt64(bufferedBits)
        bufferedBits &+= bits
        if bufferedBits >= 64 {
            words[count] = buffer.littleEndian
            count &+= 1
            bufferedBits &-= 64
            // The bits of `value` that did not fit (none when the word ended exactly with it).
            buffer = bufferedBits == 0 ? 0 : UInt64(value) &>> UInt64(bits &- bufferedBits)
        }
    }

    /// Appends a bit string.
    @inline(__always)
    mutating func write(_ bits: BitString) {
        write(bits.value, bits: bits.count)
    }
}
