/// Why a game server query gave no answer. Every case means "player count unknown", never zero.
public enum GameQueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server did not answer within the query's timeout.
    case timedOut(after: Duration)
    /// The connection could not be made or was broken: refused, reset, ICMP port unreachable, unknown host.
    case refused(String)
    /// The answer ended before the protocol said it would.
    case truncated(String)
    /// The answer does not follow the protocol.
    case malformed(String)
    /// The answer is (or announces itself as) larger than the cap on what a query reads.
    case tooLarge(limit: Int)
    /// The target cannot be asked at all (an empty host, a port outside 1...65535).
    case invalidTarget(String)

    public var description: String {
        switch self {
        case .timedOut(let after): "no answer within \(after)"
        case .refused(let detail): "connection failed: \(detail)"
        case .truncated(let detail): "answer truncated: \(detail)"
        case .malformed(let detail): "malformed answer: \(detail)"
        case .tooLarge(let limit): "answer larger than \(limit) bytes"
        case .invalidTarget(let detail): "invalid target: \(detail)"
        }
    }
}
