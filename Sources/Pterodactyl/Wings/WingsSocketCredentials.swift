/// A Wings websocket token (an HS256 JWT the panel signs with the node's daemon token) that never prints itself.
///
/// `description`, `debugDescription` and the reflection mirror are redacted, as for ``PanelAPIKey``, so string
/// interpolation, `dump` and log metadata cannot leak it. Read ``exposedValue`` only to build the `auth` frame.
/// See pterodactyl/panel `app/Services/Nodes/NodeJWTService.php` (reference §12).
public struct WingsSocketToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself, for the `auth` frame only. Never log or print it.
    public let exposedValue: String

    /// Wraps a token as the panel sent it.
    /// - Parameter value: The JWT text.
    public init(_ value: String) {
        self.exposedValue = value
    }

    /// Always `WingsSocketToken(****)`: even a JWT's tail is part of its signature.
    public var description: String { "WingsSocketToken(****)" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` and reflection-based loggers see no value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// What `GET /api/client/servers/{server}/websocket` returns: a token and the Wings socket to use it on.
///
/// pterodactyl/panel `app/Http/Controllers/Api/Client/Servers/WebsocketController.php` (reference §7.6, §12).
public struct WingsSocketCredentials: Sendable, Hashable {
    /// How long a token is valid: the panel sets `exp` to now + 10 minutes (`NodeJWTService.php`).
    public static var tokenLifetime: Duration { .seconds(600) }

    /// The token to send in `auth`.
    public var token: WingsSocketToken
    /// `wss://<node fqdn>:<port>/api/servers/<uuid>/ws` (`ws://` for an http node); during an archived transfer it
    /// points at the new node.
    public var socketURL: String

    /// Creates credentials.
    /// - Parameters:
    ///   - token: The token.
    ///   - socketURL: The socket URL.
    public init(token: WingsSocketToken, socketURL: String) {
        self.token = token
        self.socketURL = socketURL
    }
}

/// `{"data":{"token":"…","socket":"…"}}`.
struct WireWebsocketCredentials: Decodable {
    struct Data: Decodable {
        var token: String
        var socket: String
    }

    var data: Data

    var model: WingsSocketCredentials {
        WingsSocketCredentials(token: WingsSocketToken(data.token), socketURL: data.socket)
    }
}
