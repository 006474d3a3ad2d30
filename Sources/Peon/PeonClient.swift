import ClientSupport
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A power action PEON offers: `PUT /server/{action}/{uid}` (reference §4). There is no kill.
public enum PeonPowerAction: String, Sendable, Hashable, CaseIterable {
    /// `docker compose up -d`.
    case start
    /// `docker compose stop`.
    case stop
    /// `docker compose restart`.
    case restart

    /// The action for a panel power signal, or `nil` for one PEON lacks (kill).
    /// - Parameter signal: The signal.
    public init?(_ signal: PowerSignal) {
        switch signal {
        case .start: self = .start
        case .stop: self = .stop
        case .restart: self = .restart
        case .kill: return nil
        }
    }
}

/// One request to PEON (reference §4), the path after the configured prefix. The routes a status bot never needs
/// (create, description, destroy, plans) have no case.
public enum PeonRoute: Sendable, Hashable, CustomStringConvertible {
    /// `GET /servers`: every server, sorted by game and name.
    case listServers
    /// `GET /server/get/{uid}`: one server object.
    case server(PeonServerUID)
    /// `GET /server/stats/{uid}`: the server object plus Docker's statistics.
    case stats(PeonServerUID)
    /// `PUT /server/{start|stop|restart}/{uid}`: answered with the refreshed server object.
    case power(PeonPowerAction, PeonServerUID)
    /// `GET /orchestrator`: `{"version": …}`; 404 on releases before 2025.
    case orchestrator

    /// The path after the prefix; uids are checked by ``PeonServerUID`` and need no escaping.
    public var path: String {
        switch self {
        case .listServers: "/servers"
        case .server(let uid): "/server/get/\(uid.rawValue)"
        case .stats(let uid): "/server/stats/\(uid.rawValue)"
        case .power(let action, let uid): "/server/\(action.rawValue)/\(uid.rawValue)"
        case .orchestrator: "/orchestrator"
        }
    }

    /// True for power requests: PUT, the long timeout, never retried.
    public var isPower: Bool {
        if case .power = self { return true }
        return false
    }

    /// The server the route is about, if any.
    public var serverUID: PeonServerUID? {
        switch self {
        case .server(let uid), .stats(let uid), .power(_, let uid): uid
        case .listServers, .orchestrator: nil
        }
    }

    /// Checks what PEON itself would refuse, before anything is sent.
    /// - Throws: ``PeonError/invalidServerUID(_:reason:)`` for a power request without a warcamp name (PEON's 400
    ///   of reference §3).
    public func validate() throws(PeonError) {
        if case .power(let action, let uid) = self, !uid.hasWarcampName {
            throw PeonError.invalidServerUID(
                PeonError.printable(uid.rawValue),
                reason: "\(action.rawValue) needs GAME_UID.SERVERNAME with the warcamp name after the dot"
            )
        }
    }

    /// Method and path, e.g. `PUT /server/stop/valheim.server01`.
    public var description: String { (isPower ? "PUT " : "GET ") + path }
}

/// What the bot needs from a PEON orchestrator: one method, so a fake implements only that; the typed endpoints
/// are extension methods.
///
/// Implementations throw ``PeonError`` or `CancellationError`, nothing else.
public protocol PeonClient: Sendable {
    /// Sends one request and returns the body of a 2xx answer.
    /// - Parameter route: The request.
    /// - Returns: The body.
    /// - Throws: ``PeonError`` (non-2xx answers, no answer, a uid PEON would refuse) or `CancellationError`.
    func send(_ route: PeonRoute) async throws -> [UInt8]
}

extension PeonClient {
    /// Every server (`GET /servers`). An element that cannot be read is left out rather than failing the list.
    /// - Returns: The servers, in PEON's order.
    /// - Throws: ``PeonError`` or `CancellationError`.
    public func servers() async throws -> [PeonServer] {
        let elements: [Lossy<PeonServer>] = try await decode(.listServers)
        return elements.compactMap(\.value)
    }

    /// One server (`GET /server/get/{uid}`).
    /// - Parameter uid: The server.
    /// - Returns: The server object.
    /// - Throws: ``PeonError`` (``PeonError/notFound(info:)`` for an unknown one) or `CancellationError`.
    public func server(_ uid: PeonServerUID) async throws -> PeonServer {
        try await decode(.server(uid))
    }

    /// A server with Docker's statistics (`GET /server/stats/{uid}`).
    /// - Parameter uid: The server.
    /// - Returns: The answer.
    /// - Throws: ``PeonError`` or `CancellationError`.
    public func stats(of uid: PeonServerUID) async throws -> PeonServerStats {
        try await decode(.stats(uid))
    }

    /// Runs a power action (`PUT /server/{action}/{uid}`) once.
    /// - Parameters:
    ///   - action: Start, stop or restart.
    ///   - uid: The server; it must name a warcamp (`GAME_UID.SERVERNAME`).
    /// - Returns: The refreshed server object PEON answers with.
    /// - Throws: ``PeonError`` or `CancellationError`.
    @discardableResult
    public func power(_ action: PeonPowerAction, _ uid: PeonServerUID) async throws -> PeonServer {
        try await decode(.power(action, uid))
    }

    /// The orchestrator's version (`GET /orchestrator`), or `nil` on a release without the route (reference §4).
    /// - Returns: The version text, or `nil`.
    /// - Throws: ``PeonError`` other than a missing route, or `CancellationError`.
    public func orchestratorVersion() async throws -> String? {
        do {
            let answer: PeonOrchestratorInfo = try await decode(.orchestrator)
            return answer.version
        } catch PeonError.routeNotFound {
            return nil
        }
    }

    private func decode<T: Decodable>(_ route: PeonRoute) async throws -> T {
        let body = try await send(route)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw PeonError.malformedAnswer(detail: "\(route.path): \(error.secretFreeSummary)")
        }
    }
}

/// The answer of `GET /orchestrator` (reference §4).
struct PeonOrchestratorInfo: Decodable {
    var version: String?
}
