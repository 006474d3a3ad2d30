/// An 8-bit-per-channel colour with straight (non-premultiplied) alpha.
public struct RGBA: Sendable, Hashable, CustomStringConvertible {
    /// Red channel.
    public var r: UInt8
    /// Green channel.
    public var g: UInt8
    /// Blue channel.
    public var b: UInt8
    /// Alpha channel (255 is opaque).
    public var a: UInt8

    /// Creates a colour from its four channels.
    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// Creates an opaque colour from a `0xRRGGBB` literal, e.g. `RGBA(hex: 0x5865F2)`.
    public init(hex: UInt32) {
        self.init(r: UInt8((hex >> 16) & 0xFF), g: UInt8((hex >> 8) & 0xFF), b: UInt8(hex & 0xFF))
    }

    /// The same colour with its alpha multiplied by `opacity` (0...1).
    public func withOpacity(_ opacity: Double) -> RGBA {
        let clamped = opacity.isFinite ? min(max(opacity, 0), 1) : 0
        var copy = self
        copy.a = UInt8((Double(a) * clamped).rounded())
        return copy
    }

    /// `#rrggbbaa` in lowercase hex.
    public var description: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [r, g, b, a] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0xF)])
        }
        return text
    }

    /// Opaque black.
    public static let black = RGBA(r: 0, g: 0, b: 0)
    /// Opaque white.
    public static let white = RGBA(r: 255, g: 255, b: 255)
    /// Fully transparent black.
    public static let clear = RGBA(r: 0, g: 0, b: 0, a: 0)
}
