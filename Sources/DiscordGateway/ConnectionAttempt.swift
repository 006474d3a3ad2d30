import NIOCore
import NIOPosix
import Synchronization
import WSClient

/// One gateway connection attempt: its own event loop group, whether its WebSocket opened or was abandoned, and
/// how it ended.
///
/// WSClient sets no deadline on the TLS handshake and the WebSocket upgrade and does not stop for cancellation
/// before the socket is open. Shutting the attempt's event loop group down is the way to abandon it: that closes
/// the socket and fails the handshake. The driver then stops waiting for the attempt, because a handshake that
/// had not reached the event loop before the shutdown never ends.
final class ConnectionAttempt: Sendable {
    /// How an attempt ended.
    enum End: Sendable {
        /// The WebSocket opened and later closed, with the server's close frame if it sent one.
        case closed(WebSocketCloseFrame?)
        /// The connection or its handshakes failed.
        case failed(any Error)
        /// The deadline passed (or the bot stopped) before the WebSocket opened; the socket was closed.
        case abandoned
    }

    private struct State {
        var opened = false
        var abandoned = false
        var loopGroupClosing = false
        var end: End?
        var waiter: CheckedContinuation<End, Never>?
    }

    let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = Mutex(State())

    /// Marks the WebSocket open, unless the attempt was abandoned first.
    /// - Returns: false when the attempt was abandoned: the handler must not touch the session.
    func open() -> Bool {
        self.state.withLock { state in
            guard !state.abandoned else { return false }
            state.opened = true
            return true
        }
    }

    /// Abandons the attempt if its WebSocket has not opened: closes its socket and ends it as ``End/abandoned``.
    /// - Returns: whether it was abandoned (false: it had opened, and the session goes on).
    @discardableResult
    func abandonUnlessOpen() async -> Bool {
        let abandoned = self.state.withLock { state -> Bool in
            guard !state.opened else { return false }
            state.abandoned = true
            return true
        }
        guard abandoned else { return false }
        await self.closeLoopGroup()
        self.finish(.abandoned)
        return true
    }

    /// Records how the attempt ended; only the first end counts.
    func finish(_ end: End) {
        let waiter = self.state.withLock { state -> CheckedContinuation<End, Never>? in
            guard state.end == nil else { return nil }
            state.end = end
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: end)
    }

    /// Waits for the attempt's end.
    func end() async -> End {
        await withCheckedContinuation { continuation in
            let end = self.state.withLock { state -> End? in
                if let end = state.end { return end }
                state.waiter = continuation
                return nil
            }
            if let end {
                continuation.resume(returning: end)
            }
        }
    }

    /// Shuts the event loop group down (closing its socket); later calls do nothing.
    func closeLoopGroup() async {
        let first = self.state.withLock { state -> Bool in
            defer { state.loopGroupClosing = true }
            return !state.loopGroupClosing
        }
        guard first else { return }
        try? await self.eventLoopGroup.shutdownGracefully()
    }
}
