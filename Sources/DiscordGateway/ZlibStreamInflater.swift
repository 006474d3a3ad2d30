import CZlib

/// Inflates Discord's `compress=zlib-stream` transport compression.
///
/// The whole connection is one zlib stream: keep one inflater per connection, feed it every binary message, and
/// a JSON payload is complete when the received bytes end with the Z_SYNC_FLUSH marker `00 00 ff ff`.
/// See https://discord.com/developers/docs/events/gateway#transport-compression
///
/// Not Sendable: it is created and used by one connection's reader task only.
final class ZlibStreamInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var pending: [UInt8] = []
    private var output: [UInt8]
    private let maxMessageBytes: Int

    /// Creates an inflater.
    /// - Parameter maxMessageBytes: the largest inflated payload accepted, and the most compressed bytes kept while
    ///   waiting for a flush marker (the maximum frame size).
    /// - Throws: ``GatewayError/decompressionFailed(status:)`` if zlib cannot initialise.
    init(maxMessageBytes: Int) throws {
        self.maxMessageBytes = maxMessageBytes
        self.output = [UInt8](repeating: 0, count: 64 * 1024)
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        let status = inflateInit_(self.stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            self.stream.deinitialize(count: 1)
            self.stream.deallocate()
            throw GatewayError.decompressionFailed(status: status)
        }
    }

    deinit {
        inflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// Adds compressed bytes.
    /// - Parameter bytes: one binary WebSocket message.
    /// - Returns: the inflated payload once the flush marker arrived, else nil (more messages follow).
    /// - Throws: ``GatewayError/decompressionFailed(status:)`` on corrupt data or an oversized payload.
    /// - Throws: ``GatewayError/compressedPayloadTooLarge(limit:)`` when compressed bytes without a flush marker
    ///   pile up past `maxMessageBytes` (the buffer is then emptied; the caller closes the connection and resumes).
    func append(_ bytes: some Sequence<UInt8>) throws -> [UInt8]? {
        self.pending.append(contentsOf: bytes)
        // Without a cap, a peer that never sends the flush marker would grow this buffer for the whole connection.
        guard self.pending.count <= self.maxMessageBytes else {
            self.pending = []
            throw GatewayError.compressedPayloadTooLarge(limit: self.maxMessageBytes)
        }
        guard self.pending.count >= 4, self.pending.suffix(4).elementsEqual([0x00, 0x00, 0xFF, 0xFF]) else {
            return nil
        }
        defer { self.pending.removeAll(keepingCapacity: true) }
        var result: [UInt8] = []
        let stream = self.stream
        let limit = self.maxMessageBytes
        try self.pending.withUnsafeMutableBufferPointer { input in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while true {
                let (status, produced, outputFull) = self.output.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    let status = inflate(stream, Z_SYNC_FLUSH)
                    let produced = out.count - Int(stream.pointee.avail_out)
                    stream.pointee.next_out = nil
                    return (status, produced, stream.pointee.avail_out == 0)
                }
                guard status == Z_OK || status == Z_BUF_ERROR || status == Z_STREAM_END else {
                    throw GatewayError.decompressionFailed(status: status)
                }
                result.append(contentsOf: self.output[0..<produced])
                guard result.count <= limit else {
                    throw GatewayError.decompressionFailed(status: Z_BUF_ERROR)
                }
                if !outputFull || status != Z_OK {
                    break
                }
            }
        }
        return result
    }
}
