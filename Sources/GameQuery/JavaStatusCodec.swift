#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a Minecraft Java server says in its status response.
public struct JavaStatus: Sendable, Hashable {
    /// The version name, e.g. `1.21.4` (a proxy may put any text here).
    public var versionName: String?
    /// The protocol number of that version.
    public var protocolVersion: Int?
    /// Players online.
    public var online: Int
    /// Player limit.
    public var max: Int
    /// Names from `players.sample`, legacy codes removed; empty when the server hides them.
    public var sample: [String]
    /// The MOTD as plain text.
    public var motd: String

    /// Creates a status.
    public init(
        versionName: String?,
        protocolVersion: Int?,
        online: Int,
        max: Int,
        sample: [String],
        motd: String
    ) {
        self.versionName = versionName
        self.protocolVersion = protocolVersion
        self.online = online
        self.max = max
        self.sample = sample
        self.motd = motd
    }
}

/// One framed Java Edition packet.
public struct JavaPacket: Sendable, Equatable {
    /// The packet id.
    public var id: Int32
    /// The bytes after the id.
    public var payload: [UInt8]
    /// How many received bytes the frame took, length prefix included.
    public var frameLength: Int
}

/// Bytes of Minecraft Java Edition's Server List Ping. Pure: no I/O.
///
/// Reference: `game-queries.md` §1 (wiki.vg Server_List_Ping, minecraft.wiki Java Edition protocol).
public enum JavaStatusCodec {
    /// The protocol version sent when only pinging: −1 by convention (§1, Handshake).
    public static let pingProtocolVersion: Int32 = -1

    /// The handshake packet (id 0x00): VarInt protocol version, String server address, unsigned short port
    /// (big-endian), VarInt next state = 1 (status). Framed as `VarInt length | VarInt id | payload`.
    /// - Parameters:
    ///   - host: The host name the player would type.
    ///   - port: The server port.
    ///   - protocolVersion: Defaults to −1 (just pinging).
    /// - Returns: The framed packet.
    public static func handshake(host: String, port: UInt16, protocolVersion: Int32 = pingProtocolVersion) -> [UInt8] {
        var payload = VarInt.encode(protocolVersion)
        payload += string(host)
        payload += [UInt8(port >> 8), UInt8(port & 0xFF)]
        payload += VarInt.encode(1)
        return frame(id: 0x00, payload: payload)
    }

    /// The status request (id 0x00, empty payload), framed: `01 00`.
    public static let statusRequest: [UInt8] = frame(id: 0x00, payload: [])

    /// Frames a packet: VarInt length (of id and payload), VarInt id, payload.
    /// - Parameters:
    ///   - id: The packet id.
    ///   - payload: The packet's fields.
    /// - Returns: The framed packet.
    public static func frame(id: Int32, payload: [UInt8]) -> [UInt8] {
        let body = VarInt.encode(id) + payload
        return VarInt.encode(Int32(body.count)) + body
    }

    /// A Java String: VarInt byte length, then UTF-8.
    static func string(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return VarInt.encode(Int32(utf8.count)) + utf8
    }

    /// The first complete packet at the start of `bytes`, for reading a stream.
    /// - Parameters:
    ///   - bytes: What has been received so far.
    ///   - maxFrameLength: The largest length prefix accepted.
    /// - Returns: The packet, or nil while more bytes are needed.
    /// - Throws: ``GameQueryError/tooLarge(limit:)`` when the length prefix exceeds `maxFrameLength`;
    ///   ``GameQueryError/malformed(_:)`` for a bad VarInt or a length of zero or less.
    public static func packet(in bytes: [UInt8], maxFrameLength: Int) throws(GameQueryError) -> JavaPacket? {
        guard let (length, lengthSize) = try VarInt.decode(bytes) else { return nil }
        guard length > 0 else { throw .malformed("packet length \(length)") }
        guard Int(length) <= maxFrameLength else { throw .tooLarge(limit: maxFrameLength) }
        let end = lengthSize + Int(length)
        guard bytes.count >= end else { return nil }
        let body = Array(bytes[lengthSize..<end])
        guard let (id, idSize) = try VarInt.decode(body) else { throw .malformed("packet id runs past its frame") }
        return JavaPacket(id: id, payload: Array(body[idSize...]), frameLength: end)
    }

    /// Decodes a status response packet (id 0x00, one String holding JSON).
    /// - Parameter packet: The packet as returned by ``packet(in:maxFrameLength:)``.
    /// - Returns: The status.
    /// - Throws: ``GameQueryError`` when the packet or its JSON is not a status response.
    public static func decodeStatusResponse(_ packet: JavaPacket) throws(GameQueryError) -> JavaStatus {
        guard packet.id == 0x00 else { throw .malformed("status response has packet id \(packet.id)") }
        var reader = ByteReader(packet.payload)
        let length = try reader.readVarInt("status JSON length")
        guard length >= 0 else { throw .malformed("status JSON length \(length)") }
        let json = try reader.readBytes(Int(length), "status JSON (\(length) bytes announced)")
        return try decodeStatusJSON(Array(json))
    }

    /// Decodes the JSON of a status response.
    /// - Parameter json: UTF-8 JSON, e.g. `{"version":{...},"players":{...},"description":...}`.
    /// - Returns: The status.
    /// - Throws: ``GameQueryError/malformed(_:)`` when it is not JSON or lacks `players.online`/`players.max`.
    public static func decodeStatusJSON(_ json: [UInt8]) throws(GameQueryError) -> JavaStatus {
        let wire: WireStatus
        do {
            wire = try JSONDecoder().decode(WireStatus.self, from: Data(json))
        } catch {
            throw .malformed("status JSON: \(error)")
        }
        guard wire.players.online >= 0, wire.players.max >= 0 else {
            throw .malformed("negative player count \(wire.players.online)/\(wire.players.max)")
        }
        let sample = (wire.players.sample ?? []).compactMap(\.name).map(MinecraftText.strippingLegacyCodes)
        return JavaStatus(
            versionName: wire.version?.name,
            protocolVersion: wire.version?.protocol,
            online: wire.players.online,
            max: wire.players.max,
            sample: sample.filter { !$0.isEmpty },
            motd: wire.description?.plainText ?? ""
        )
    }
}

// MARK: - Wire

/// The status JSON (§1, Status response). Only `players.online` and `players.max` are required; the rest is
/// decode-or-nil so that a proxy's odd version or MOTD never hides the count. `favicon` is not decoded.
private struct WireStatus: Decodable {
    struct Version: Decodable {
        var name: String?
        var `protocol`: Int?
    }

    struct Players: Decodable {
        var max: Int
        var online: Int
        var sample: [SampleEntry]?

        private enum CodingKeys: String, CodingKey {
            case max
            case online
            case sample
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            max = try container.decode(Int.self, forKey: .max)
            online = try container.decode(Int.self, forKey: .online)
            sample = try? container.decodeIfPresent([SampleEntry].self, forKey: .sample)
        }
    }

    struct SampleEntry: Decodable {
        var name: String?
    }

    var version: Version?
    var players: Players
    var description: ChatComponent?

    private enum CodingKeys: String, CodingKey {
        case version
        case players
        case description
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try? container.decodeIfPresent(Version.self, forKey: .version)
        players = try container.decode(Players.self, forKey: .players)
        description = try? container.decodeIfPresent(ChatComponent.self, forKey: .description)
    }
}
