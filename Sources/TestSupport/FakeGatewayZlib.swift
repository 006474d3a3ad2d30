import CZlib

/// The server half of Discord's zlib-stream: one deflate stream per connection, each payload flushed with
/// Z_SYNC_FLUSH so it ends with `00 00 ff ff`.
///
/// Not Sendable: a ``FakeGatewayServer`` connection keeps it bound to its event loop.
final class FakeGatewayDeflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 16 * 1024)

    init() {
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        let status = deflateInit_(self.stream, Z_DEFAULT_COMPRESSION, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit failed: \(status)")
    }

    deinit {
        deflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// Compresses one payload and flushes, continuing the connection's stream.
    func deflate(_ input: [UInt8]) -> [UInt8] {
        var input = input
        var result: [UInt8] = []
        let stream = self.stream
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.pointee.next_in = inputBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            while true {
                let (produced, full) = self.output.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    let status = CZlib.deflate(stream, Z_SYNC_FLUSH)
                    precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed: \(status)")
                    stream.pointee.next_out = nil
                    return (out.count - Int(stream.pointee.avail_out), stream.pointee.avail_out == 0)
                }
                result.append(contentsOf: self.output[0..<produced])
                if !full { break }
            }
            stream.pointee.next_in = nil
        }
        return result
    }
}
