/// The memory behind a ``Canvas``: room for one RGBA word per pixel, of which an indexed canvas uses only the
/// first byte per pixel. The canvas copies it before writing when another canvas shares it, so a buffer is only
/// ever written through its one owner; that is why it may be sent between tasks.
final class PixelBuffer: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer
    let pixelCount: Int

    /// Uninitialized room for `pixelCount` pixels; the canvas writes every pixel before reading any.
    init(pixelCount: Int) {
        self.pixelCount = pixelCount
        bytes = .allocate(byteCount: pixelCount * 4, alignment: 16)
    }

    deinit {
        bytes.deallocate()
    }

    /// A new buffer holding the first `byteCount` bytes of this one.
    func copy(byteCount: Int) -> PixelBuffer {
        let copy = PixelBuffer(pixelCount: pixelCount)
        copy.bytes.copyMemory(from: bytes, byteCount: byteCount)
        return copy
    }
}
