#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A payload received from the gateway: the envelope (`op`, `s`, `t`) and its decoded `d`.
///
/// The envelope is read before `d`, and a `d` that fails to decode becomes ``Body/undecodable(_:)`` instead of
/// failing the whole payload, so the sequence number `s` is never lost.
/// See https://discord.com/developers/docs/events/gateway#payload-structure
public struct GatewayInbound: Sendable, Decodable {
    /// The opcode.
    public var opcode: GatewayOpcode
    /// The sequence number (dispatches only).
    public var sequence: Int?
    /// The event name (dispatches only).
    public var eventName: String?
    /// The decoded `d`.
    public var body: Body

    /// The decoded `d` of a gateway payload.
    public enum Body: Sendable {
        /// op 10 HELLO.
        case hello(GatewayHello)
        /// op 0 dispatch of an event.
        case dispatch(GatewayEvent)
        /// op 1: Discord asks for a heartbeat now.
        case heartbeatRequest
        /// op 11.
        case heartbeatAck
        /// op 7: reconnect and resume.
        case reconnect
        /// op 9: the session is invalid; `resumable` is its `d`.
        case invalidSession(resumable: Bool)
        /// An opcode the bot does not handle.
        case unhandled
        /// `d` did not decode; the reason names the failing field but never a value.
        case undecodable(String)
    }

    /// Creates an inbound payload (for tests).
    /// - Parameters:
    ///   - opcode: the opcode.
    ///   - sequence: the sequence number.
    ///   - eventName: the event name.
    ///   - body: the decoded body.
    public init(opcode: GatewayOpcode, sequence: Int? = nil, eventName: String? = nil, body: Body) {
        self.opcode = opcode
        self.sequence = sequence
        self.eventName = eventName
        self.body = body
    }

    /// Decodes a gateway payload from JSON bytes.
    /// - Parameter bytes: one complete JSON payload.
    /// - Returns: the payload.
    /// - Throws: `DecodingError` only when the envelope itself (`op`) is unreadable.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> GatewayInbound {
        try JSONDecoder().decode(GatewayInbound.self, from: Data(bytes))
    }

    private enum CodingKeys: String, CodingKey {
        case op, s, t, d
    }

    /// Decodes `op`, `s` and `t` first, then `d` according to them.
    /// - Throws: `DecodingError` only when `op` is missing or not an integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.opcode = try container.decode(GatewayOpcode.self, forKey: .op)
        self.sequence = container.decodeOrNil(Int.self, forKey: .s)
        self.eventName = container.decodeOrNil(String.self, forKey: .t)
        do {
            self.body = try Self.decodeBody(
                opcode: self.opcode,
                eventName: self.eventName,
                container: container
            )
        } catch {
            self.body = .undecodable(Self.describe(error))
        }
    }

    private static func decodeBody(
        opcode: GatewayOpcode,
        eventName: String?,
        container: KeyedDecodingContainer<CodingKeys>
    ) throws -> Body {
        switch opcode {
        case .hello:
            return .hello(try container.decode(GatewayHello.self, forKey: .d))
        case .heartbeat:
            return .heartbeatRequest
        case .heartbeatAck:
            return .heartbeatAck
        case .reconnect:
            return .reconnect
        case .invalidSession:
            return .invalidSession(resumable: container.decodeOrNil(Bool.self, forKey: .d) ?? false)
        case .dispatch:
            let name = eventName ?? ""
            switch name {
            case "READY":
                return .dispatch(.ready(try container.decode(GatewayReady.self, forKey: .d)))
            case "RESUMED":
                return .dispatch(.resumed)
            case "GUILD_CREATE":
                return .dispatch(.guildCreate(try container.decode(Guild.self, forKey: .d)))
            case "INTERACTION_CREATE":
                return .dispatch(.interactionCreate(try container.decode(Interaction.self, forKey: .d)))
            case "GUILD_ROLE_CREATE":
                return .dispatch(.guildRoleCreate(try container.decode(GuildRoleEvent.self, forKey: .d)))
            case "GUILD_ROLE_UPDATE":
                return .dispatch(.guildRoleUpdate(try container.decode(GuildRoleEvent.self, forKey: .d)))
            case "GUILD_ROLE_DELETE":
                return .dispatch(.guildRoleDelete(try container.decode(GuildRoleDeleteEvent.self, forKey: .d)))
            default:
                return .dispatch(.other(name))
            }
        default:
            return .unhandled
        }
    }

    /// Describes a decoding error by kind and coding path only: `debugDescription` of `dataCorrupted` may quote
    /// a value, and values can be secret (an interaction token).
    private static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \(key.stringValue) at \(path(context))"
        case DecodingError.typeMismatch(let type, let context):
            return "type mismatch (expected \(type)) at \(path(context))"
        case DecodingError.valueNotFound(let type, let context):
            return "null value (expected \(type)) at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return "corrupted data at \(path(context))"
        default:
            return "undecodable (\(type(of: error)))"
        }
    }
}
