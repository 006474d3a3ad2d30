/// A `host:port` to listen on, as `[Bot] MetricsListen` gives it: `127.0.0.1:9464`, `0.0.0.0:9464`,
/// `[::]:9464` or `localhost:9464`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or address, without IPv6 brackets.
    public var host: String
    /// The port, 1–65535.
    public var port: Int

    /// Parses `host:port`; nil when either part is missing or the port is out of range.
    /// - Parameter text: The setting's value.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = Substring(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace),
            let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
        else { return nil }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
