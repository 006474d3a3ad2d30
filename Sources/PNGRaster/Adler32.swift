/// Adler-32 (RFC 1950), the checksum that ends a zlib stream.
public struct Adler32: Sendable {
    private static let modulus: UInt32 = 65521
    /// 1 + Σ bytes, and Σ of the running sum after each byte, both modulo 65521.
    private var sum: UInt32 = 1
    private var weightedSum: UInt32 = 0

    /// A checksum over no bytes yet.
    public init() {}

    /// The checksum of everything added so far.
    public var value: UInt32 { weightedSum << 16 | sum }

    /// Adds `bytes`.
    public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        // 5552 is the largest block for which the sums cannot overflow 32 bits before the modulo.
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 5552)
            for index in start..<end {
                sum &+= UInt32(bytes[index])
                weightedSum &+= sum
            }
            sum %= Self.modulus
            weightedSum %= Self.modulus
            start = end
        }
    }

    /// Adds a block of `count` bytes known only by two sums, `blockSum` = Σ byte[i] and
    /// `blockWeightedSum` = Σ (count − i) × byte[i] (both non-negative): the running sum grows by `blockSum`, the
    /// weighted sum by `count × running sum + blockWeightedSum`. A row that changed in a few places can then be
    /// added without reading all of it.
    public mutating func update(blockSum: Int, blockWeightedSum: Int, count: Int) {
        let modulus = Int(Self.modulus)
        let before = Int(sum)
        sum = UInt32((before + blockSum % modulus) % modulus)
        weightedSum = UInt32((Int(weightedSum) + count % modulus * before + blockWeightedSum % modulus) % modulus)
    }

    /// The Adler-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var checksum = Adler32()
        bytes.withUnsafeBufferPointer { checksum.update($0) }
        return checksum.value
    }
}
