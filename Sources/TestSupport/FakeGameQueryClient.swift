import GameQuery
import Synchronization

/// A ``GameQueryClient`` double: answers per target as scripted (an unscripted target times out, as a silent
/// server does) and records every query.
public final class FakeGameQueryClient: GameQueryClient {
    private struct State {
        var answers: [GameQueryTarget: Result<PlayerCount, GameQueryError>] = [:]
        var queries: [GameQueryTarget] = []
    }

    private let state = Mutex(State())

    /// Creates a client that answers nothing (every query times out) until scripted.
    public init() {}

    /// What `target` answers from now on.
    public func answer(_ target: GameQueryTarget, with result: Result<PlayerCount, GameQueryError>) {
        state.withLock { $0.answers[target] = result }
    }

    /// Every query so far, in order.
    public var queries: [GameQueryTarget] { state.withLock { $0.queries } }

    public func playerCount(of target: GameQueryTarget) async throws -> PlayerCount {
        let answer = state.withLock { state in
            state.queries.append(target)
            return state.answers[target]
        }
        guard let answer else { throw GameQueryError.timedOut(after: .seconds(1)) }
        return try answer.get()
    }
}
