/// One IP/port pair assigned to a server (Pterodactyl's client or application `allocation` object).
public struct ServerAllocation: Sendable, Hashable {
    /// The allocation id.
    public var id: Int
    /// The IP the port is bound to.
    public var ip: String
    /// The public name for `ip` (`ip_alias`/`alias`), if any.
    public var alias: String?
    /// The port.
    public var port: Int
    /// Notes, if visible.
    public var notes: String?
    /// True for the primary allocation.
    public var isDefault: Bool

    /// Creates an allocation.
    public init(id: Int, ip: String, alias: String? = nil, port: Int, notes: String? = nil, isDefault: Bool) {
        self.id = id
        self.ip = ip
        self.alias = alias
        self.port = port
        self.notes = notes
        self.isDefault = isDefault
    }

    /// `alias ?? ip` and the port; IPv6 literals are bracketed.
    public var address: String {
        let host = alias.flatMap { $0.isEmpty ? nil : $0 } ?? ip
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

extension Array where Element == ServerAllocation {
    /// The default allocation, the one players connect to (the first one when none is marked default).
    public var primary: ServerAllocation? {
        first(where: \.isDefault) ?? first
    }

    /// The ports of the allocations other than ``primary``, ascending.
    public var additionalPorts: [Int] {
        let primaryID = primary?.id
        return filter { $0.id != primaryID }.map(\.port).sorted()
    }
}
