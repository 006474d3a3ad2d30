/// The `;`-separated server ID string of a Bedrock pong.
public struct BedrockServerID: Sendable, Hashable {
    /// `MCPE`, or `MCEE` for Education Edition.
    public var edition: String
    /// The first MOTD line, legacy codes removed.
    public var motd: String
    /// The protocol number.
    public var protocolVersion: Int
    /// The version name, e.g. `1.21.50`.
    public var version: String
    /// Players online.
    public var online: Int
    /// Player limit.
    public var max: Int
    /// The second MOTD line (often the world name), when sent.
    public var subMOTD: String?
    /// The game mode name, e.g. `Survival`, when sent.
    public var gameMode: String?

    /// Creates a server ID.
    public init(
        edition: String,
        motd: String,
        protocolVersion: Int,
        version: String,
        online: Int,
        max: Int,
        subMOTD: String? = nil,
        gameMode: String? = nil
    ) {
        self.edition = edition
        self.motd = motd
        self.protocolVersion = protocolVersion
        self.version = version
        self.online = online
        self.max = max
        self.subMOTD = subMOTD
        self.gameMode = gameMode
    }
}

/// A Bedrock unconnected pong.
public struct BedrockPong: Sendable, Hashable {
    /// The client time echoed from the ping.
    public var time: Int64
    /// The server's GUID.
    public var serverGUID: Int64
    /// The parsed server ID string.
    public var serverID: BedrockServerID
}

/// Bytes of the RakNet unconnected ping and pong that Minecraft Bedrock servers answer. Pure: no I/O.
///
/// Reference: `game-queries.md` §2 (wiki.vg Raknet_Protocol, wiki.bedrock.dev).
public enum BedrockPingCodec {
    /// RakNet's offline-message magic: `00ffff00fefefefefdfdfdfd12345678` (§2).
    public static let magic: [UInt8] = [
        0x00, 0xFF, 0xFF, 0x00, 0xFE, 0xFE, 0xFE, 0xFE, 0xFD, 0xFD, 0xFD, 0xFD, 0x12, 0x34, 0x56, 0x78,
    ]
    /// The unconnected ping id (§2, Request).
    public static let pingID: UInt8 = 0x01
    /// The unconnected pong id (§2, Reply).
    public static let pongID: UInt8 = 0x1C

    /// The ping: `0x01 | int64 BE client time (ms) | magic | int64 client GUID` (33 bytes).
    /// - Parameters:
    ///   - time: The client time; the server echoes it, which lets the client match the pong.
    ///   - clientGUID: The client's GUID.
    /// - Returns: The datagram.
    public static func ping(time: Int64, clientGUID: Int64) -> [UInt8] {
        [pingID] + bigEndian(time) + magic + bigEndian(clientGUID)
    }

    /// Parses a pong: `0x1C | int64 time | int64 server GUID | magic | uint16 BE length | string`.
    /// Bytes after the string are ignored.
    /// - Parameter datagram: One received datagram.
    /// - Returns: The pong.
    /// - Throws: ``GameQueryError`` for another packet id, a wrong magic, a short datagram or a bad server ID.
    public static func parsePong(_ datagram: [UInt8]) throws(GameQueryError) -> BedrockPong {
        var reader = ByteReader(datagram)
        let id = try reader.readByte("packet id")
        guard id == pongID else { throw .malformed("packet id \(id), expected 0x1C") }
        let time = Int64(bitPattern: try reader.readBigEndian(size: 8, "time"))
        let guid = Int64(bitPattern: try reader.readBigEndian(size: 8, "server GUID"))
        guard Array(try reader.readBytes(magic.count, "magic")) == magic else {
            throw .malformed("RakNet magic does not match")
        }
        let length = Int(try reader.readBigEndian(size: 2, "server ID length"))
        let text = String(
            decoding: try reader.readBytes(length, "server ID (\(length) bytes announced)"),
            as: UTF8.self
        )
        return BedrockPong(time: time, serverGUID: guid, serverID: try parseServerID(text))
    }

    /// Parses the server ID string:
    /// `MCPE;<MOTD>;<protocol>;<version>;<online>;<max>;<server GUID>;<sub-MOTD>;<game mode>;...` (§2).
    /// Fields after `max` may be missing on old servers.
    /// - Parameter text: The string from the pong.
    /// - Returns: The parsed fields.
    /// - Throws: ``GameQueryError/malformed(_:)`` for fewer than six fields or non-numeric counts.
    public static func parseServerID(_ text: String) throws(GameQueryError) -> BedrockServerID {
        let fields = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 6 else { throw .malformed("server ID has \(fields.count) fields, expected 6 or more") }
        guard let protocolVersion = Int(fields[2]) else { throw .malformed("protocol \"\(fields[2])\"") }
        guard let online = Int(fields[4]), online >= 0 else { throw .malformed("online count \"\(fields[4])\"") }
        guard let max = Int(fields[5]), max >= 0 else { throw .malformed("max count \"\(fields[5])\"") }
        func optional(_ index: Int) -> String? {
            guard fields.indices.contains(index), !fields[index].isEmpty else { return nil }
            return MinecraftText.strippingLegacyCodes(fields[index])
        }
        return BedrockServerID(
            edition: fields[0],
            motd: MinecraftText.strippingLegacyCodes(fields[1]),
            protocolVersion: protocolVersion,
            version: fields[3],
            online: online,
            max: max,
            subMOTD: optional(7),
            gameMode: optional(8)
        )
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        let bits = UInt64(bitPattern: value)
        return (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
    }
}
