#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A payload the bot sends to the gateway.
///
/// `description` never shows the token (IDENTIFY and RESUME carry it).
/// See https://discord.com/developers/docs/events/gateway-events#send-events
public enum GatewayCommand: Sendable, Hashable, CustomStringConvertible {
    /// op 1: heartbeat with the last sequence number received (or null).
    case heartbeat(sequence: Int?)
    /// op 2: start a new session.
    case identify(GatewayIdentify)
    /// op 6: resume a session.
    case resume(GatewayResume)
    /// op 3: update the presence.
    case presenceUpdate(GatewayPresenceUpdate)

    /// The opcode of this command.
    public var opcode: GatewayOpcode {
        switch self {
        case .heartbeat: .heartbeat
        case .identify: .identify
        case .resume: .resume
        case .presenceUpdate: .presenceUpdate
        }
    }

    /// The JSON text of the whole payload, `{"d":…,"op":…}` with sorted keys.
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` if a field cannot be encoded.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        // Sorted keys make the text deterministic, and put `token` last in IDENTIFY and RESUME, so a truncated
        // dump of a frame's first bytes never shows any of it.
        encoder.outputFormatting = [.sortedKeys]
        let data: Data =
            switch self {
            case .heartbeat(let sequence):
                try encoder.encode(Envelope(op: .heartbeat, d: sequence))
            case .identify(let identify):
                try encoder.encode(Envelope(op: .identify, d: identify))
            case .resume(let resume):
                try encoder.encode(Envelope(op: .resume, d: resume))
            case .presenceUpdate(let presence):
                try encoder.encode(Envelope(op: .presenceUpdate, d: presence))
            }
        return String(decoding: data, as: UTF8.self)
    }

    /// The command without secrets, for logs.
    public var description: String {
        switch self {
        case .heartbeat(let sequence): "heartbeat(seq: \(sequence.map(String.init) ?? "null"))"
        case .identify(let identify): "identify(\(identify))"
        case .resume(let resume): "resume(\(resume))"
        case .presenceUpdate(let presence): "presenceUpdate(\(presence.activities.map(\.name)))"
        }
    }

    private struct Envelope<Payload: Encodable>: Encodable {
        var op: GatewayOpcode
        var d: Payload

        private enum CodingKeys: String, CodingKey {
            case op, d
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.op, forKey: .op)
            // `d` must be present even when null (heartbeat before any dispatch).
            try container.encode(self.d, forKey: .d)
        }
    }
}
