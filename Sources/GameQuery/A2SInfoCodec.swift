/// The answer to A2S_INFO.
public struct A2SInfo: Sendable, Hashable {
    /// The protocol byte.
    public var protocolVersion: UInt8
    /// The server name.
    public var name: String
    /// The current map.
    public var map: String
    /// The game's folder, e.g. `cstrike`.
    public var folder: String
    /// The game's name.
    public var game: String
    /// The Steam app id (low 16 bits).
    public var appID: UInt16
    /// Players, bots included.
    public var players: Int
    /// Player limit.
    public var maxPlayers: Int
    /// Bots.
    public var bots: Int
    /// `d` dedicated, `l` listen, `p` SourceTV relay.
    public var serverType: UInt8
    /// `l` Linux, `w` Windows, `m`/`o` macOS.
    public var environment: UInt8
    /// 0 public, 1 password-protected.
    public var visibility: UInt8
    /// 0 unsecured, 1 VAC-secured.
    public var vac: UInt8
    /// The game version.
    public var version: String
    /// The game port, when the Extra Data Flag has 0x80.
    public var gamePort: UInt16?
    /// The server's SteamID, when the Extra Data Flag has 0x10.
    public var steamID: UInt64?
    /// Keywords, when the Extra Data Flag has 0x20.
    public var keywords: String?
    /// The 64-bit game id, when the Extra Data Flag has 0x01.
    public var gameID: UInt64?

    /// Human players: players minus bots, never below zero (§3: "show players − bots").
    public var humans: Int { Swift.max(0, players - bots) }
}

/// What a server answers to A2S_INFO: either a challenge to echo, or the info.
public enum A2SReply: Sendable, Hashable {
    /// `S2C_CHALLENGE` (0x41): resend the request with this value appended.
    case challenge(UInt32)
    /// The info reply (0x49).
    case info(A2SInfo)
}

/// Bytes of Steam's A2S_INFO query. All numbers little-endian. Pure: no I/O.
///
/// Reference: `game-queries.md` §3 (developer.valvesoftware.com Server queries; the challenge as discussed in
/// rumblefrog/go-a2s#4 and alliedmodders/blaster#4).
public enum A2SInfoCodec {
    /// The header of a single-packet reply: `FF FF FF FF`.
    public static let singlePacketHeader: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    /// The header of a split multi-packet reply: `FF FF FF FE` (rare for A2S_INFO, not supported).
    public static let splitPacketHeader: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFE]

    /// The request: `FF FF FF FF 54` then `"Source Engine Query\0"` (25 bytes), with the 4 challenge bytes
    /// appended when the server asked for them (29 bytes).
    /// - Parameter challenge: The value from a ``A2SReply/challenge(_:)``, or nil for the first request.
    /// - Returns: The datagram.
    public static func request(challenge: UInt32? = nil) -> [UInt8] {
        var bytes = singlePacketHeader + [0x54] + Array("Source Engine Query".utf8) + [0x00]
        if let challenge {
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: challenge >> (8 * UInt32($0))) }
        }
        return bytes
    }

    /// Parses a reply datagram: a challenge `FF FF FF FF 41 <int32>` or the info `FF FF FF FF 49 ...`.
    /// Bytes after the last field are ignored.
    /// - Parameter datagram: One received datagram.
    /// - Returns: The challenge or the info.
    /// - Throws: ``GameQueryError`` for a split or unknown reply, or any field cut short.
    public static func parseReply(_ datagram: [UInt8]) throws(GameQueryError) -> A2SReply {
        var reader = ByteReader(datagram)
        let header = Array(try reader.readBytes(4, "packet header"))
        if header == splitPacketHeader { throw .malformed("split multi-packet reply is not supported") }
        guard header == singlePacketHeader else { throw .malformed("packet header \(header)") }
        let kind = try reader.readByte("reply type")
        switch kind {
        case 0x41:
            return .challenge(UInt32(try reader.readLittleEndian(size: 4, "challenge")))
        case 0x49:
            return .info(try parseInfo(&reader))
        default:
            throw .malformed("reply type \(kind), expected 0x41 or 0x49")
        }
    }

    /// The fields after `FF FF FF FF 49`, in the order of §3.
    private static func parseInfo(_ reader: inout ByteReader) throws(GameQueryError) -> A2SInfo {
        let protocolVersion = try reader.readByte("protocol")
        let name = try reader.readCString("name")
        let map = try reader.readCString("map")
        let folder = try reader.readCString("folder")
        let game = try reader.readCString("game")
        let appID = UInt16(try reader.readLittleEndian(size: 2, "app id"))
        let players = Int(try reader.readByte("players"))
        let maxPlayers = Int(try reader.readByte("max players"))
        let bots = Int(try reader.readByte("bots"))
        var info = A2SInfo(
            protocolVersion: protocolVersion,
            name: name,
            map: map,
            folder: folder,
            game: game,
            appID: appID,
            players: players,
            maxPlayers: maxPlayers,
            bots: bots,
            serverType: try reader.readByte("server type"),
            environment: try reader.readByte("environment"),
            visibility: try reader.readByte("visibility"),
            vac: try reader.readByte("VAC"),
            version: try reader.readCString("version")
        )
        guard reader.remaining > 0 else { return info }
        // The optional Extra Data Flag, its fields in this order when their bit is set.
        let flags = try reader.readByte("extra data flag")
        if flags & 0x80 != 0 { info.gamePort = UInt16(try reader.readLittleEndian(size: 2, "game port")) }
        if flags & 0x10 != 0 { info.steamID = try reader.readLittleEndian(size: 8, "SteamID") }
        if flags & 0x40 != 0 {
            _ = try reader.readLittleEndian(size: 2, "SourceTV port")
            _ = try reader.readCString("SourceTV name")
        }
        if flags & 0x20 != 0 { info.keywords = try reader.readCString("keywords") }
        if flags & 0x01 != 0 { info.gameID = try reader.readLittleEndian(size: 8, "game id") }
        return info
    }
}
