/// Packs bits least-significant first, as deflate stores them.
///
/// Bits go through a ``BitSink`` that writes into storage reserved up front, so the hot loops pay no array
/// bookkeeping per write.
struct DeflateBitWriter {
    /// Finished bytes; the first `byteCount` are used, and 8 more stay reserved for the sink's whole-word stores.
    private var storage: [UInt8] = []
    private var byteCount = 0
    /// Bytes written before the first bit (the zlib header).
    private var header: [UInt8] = []
    /// Fewer than 8 bits that do not yet form a byte.
    private var pending: UInt64 = 0
    private var pendingBits = 0

    /// The zlib header: deflate with a 32 KiB window, "fast" level, no preset dictionary (RFC 1950 §2.2).
    mutating func writeZlibHeader() {
        precondition(byteCount == 0 && pendingBits == 0, "the header comes first")
        header = [0x78, 0x01]
    }

    /// Runs `body` with a sink that takes at least `bits` more bits.
    mutating func withSink<Result>(reservingBits bits: Int, _ body: (inout BitSink) -> Result) -> Result {
        let needed = byteCount + bits / 8 + 2 + 8
        if storage.count < needed {
            // Grow geometrically so a stream of many blocks copies its bytes a few times only.
            storage.append(contentsOf: repeatElement(0, count: max(needed, 2 * storage.count) - storage.count))
        }
        // Moved out of self while the sink writes into it (and back below, without a copy).
        var storage = self.storage
        self.storage = []
        defer { self.storage = storage }
        return storage.withUnsafeMutableBytes { bytes in
            var sink = BitSink(bytes: bytes.baseAddress!, count: byteCount, pending: pending, pendingBits: pendingBits)
            defer {
                byteCount = sink.count
                pending = sink.pending
                pendingBits = sink.pendingBits
            }
            return body(&sink)
        }
    }

    /// Pads with zero bits to a byte boundary and returns every byte written, followed by `trailer` (four bytes,
    /// most significant first).
    func finish(trailer: UInt32) -> [UInt8] {
        var bytes = header
        bytes.reserveCapacity(header.count + byteCount + 1 + 4)
        bytes.append(contentsOf: storage[0..<byteCount])
        if pendingBits > 0 { bytes.append(UInt8(truncatingIfNeeded: pending)) }
        bytes.appendBigEndian(trailer)
        return bytes
    }
}

/// Writes bits into bytes reserved by ``DeflateBitWriter/withSink(reservingBits:_:)``.
struct BitSink {
    let bytes: UnsafeMutableRawPointer
    /// Whole bytes written so far.
    var count: Int
    /// Fewer than 8 bits that do not yet form a byte, least significant first.
    var pending: UInt64
    var pendingBits: Int

    /// Appends the low `bits` bits of `value` (at most 56; higher bits must be zero).
    ///
    /// Without branches: the whole 64-bit word is stored at the current byte, and the position moves past the
    /// bytes that are complete (the next store overwrites the rest).
    @inline(__always)
    mutating func write(_ value: UInt64, bits: Int) {
        pending |= value &<< UInt64(pendingBits)
        pendingBits &+= bits
        bytes.storeBytes(of: pending.littleEndian, toByteOffset: count, as: UInt64.self)
        let complete = pendingBits &>> 3
        count &+= complete
        pending = pending &>> UInt64(complete &<< 3)
        pendingBits &= 7
    }

    /// Appends a bit string.
    @inline(__always)
    mutating func write(_ bits: BitString) {
        write(UInt64(bits.value), bits: Int(bits.count))
    }

    /// Appends two bit strings (at most 56 bits together) in one write.
    @inline(__always)
    mutating func write(_ first: BitString, _ second: BitString) {
        write(
            UInt64(first.value) | UInt64(second.value) &<< UInt64(first.count),
            bits: Int(first.count &+ second.count)
        )
    }
}
