import Testing

@testable import DiscordGateway

/// The zlib-stream buffer is capped: a peer that never sends the flush marker cannot grow it without bound.
struct ZlibStreamInflaterTests {
    @Test func compressedBytesWithoutFlushMarkerAreCappedAtTheLimit() throws {
        let inflater = try ZlibStreamInflater(maxMessageBytes: 1_024)
        let chunk = [UInt8](repeating: 0x78, count: 600)
        #expect(try inflater.append(chunk) == nil)
        #expect(throws: GatewayError.compressedPayloadTooLarge(limit: 1_024)) {
            _ = try inflater.append(chunk)
        }
    }

    @Test func bytesUpToTheLimitAreKept() throws {
        let inflater = try ZlibStreamInflater(maxMessageBytes: 1_024)
        #expect(try inflater.append([UInt8](repeating: 0x78, count: 1_024)) == nil)
    }
}
