import DiscordModels

/// Errors of the DiscordGateway target. Descriptions never contain a token or payload.
public enum GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The gateway closed with a code that retrying cannot fix; `message` says what to change.
    case fatalClose(code: GatewayCloseCode, message: String)
    /// An outbound payload exceeded Discord's size limit and was not sent.
    case payloadTooLarge(opcode: GatewayOpcode, bytes: Int, limit: Int)
    /// The configured gateway URL is not a ws:// or wss:// URL.
    case invalidURL(String)
    /// zlib-stream inflation failed (zlib status code), or a message inflated beyond the size limit.
    case decompressionFailed(status: Int32)
    /// zlib-stream bytes without a flush marker exceeded the maximum frame size; the connection is closed and
    /// resumed.
    case compressedPayloadTooLarge(limit: Int)

    /// A secret-free description.
    public var description: String {
        switch self {
        case .fatalClose(_, let message):
            message
        case .payloadTooLarge(let opcode, let bytes, let limit):
            "Gateway payload \(opcode) is \(bytes) bytes, over the \(limit)-byte limit; not sent."
        case .invalidURL(let url):
            "Gateway URL \"\(url)\" is not a ws:// or wss:// URL."
        case .decompressionFailed(let status):
            "Gateway zlib-stream inflation failed (zlib status \(status))."
        case .compressedPayloadTooLarge(let limit):
            "Gateway zlib-stream payload exceeded \(limit) bytes without a flush marker; reconnecting."
        }
    }
}
