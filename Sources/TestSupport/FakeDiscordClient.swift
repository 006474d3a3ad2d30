import DiscordModels
import DiscordREST
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``DiscordClient`` without HTTP: records every request the real endpoint methods build and answers like
/// Discord: 204 for callbacks and deletes, a message for original-response edits, the commands back for a bulk
/// overwrite (https://discord.com/developers/docs/interactions/receiving-and-responding). A scripted failure
/// answers 404 code 10062 "Unknown interaction", as Discord does for an interaction answered too late.
public final class FakeDiscordClient: DiscordClient {
    /// One recorded request.
    public struct Call: Sendable {
        /// `METHOD /template`.
        public var route: String
        /// The filled path (contains the interaction token for webhook routes).
        public var path: String
        /// The JSON body (the JSON part of a multipart body).
        public var body: [UInt8]

        /// The body decoded as `T`.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(body))
        }
    }

    private struct State {
        /// Every request, in order.
        public var calls: [Call] = []
        var failures: [String: Int] = [:]
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Creates a client with no requests recorded.
    public init() {}

    /// Every request, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Interaction callbacks, decoded (an undecodable body shows as callback type -1, failing comparisons).
    public var callbacks: [InteractionResponse] {
        calls.filter { $0.route.hasSuffix("/callback") }.map {
            (try? $0.decode(InteractionResponse.self)) ?? InteractionResponse(type: .unknown(-1))
        }
    }

    /// Edits of the original response, decoded (an undecodable body shows as `<undecodable>`).
    public var edits: [MessagePayload] {
        calls.filter { $0.route.hasPrefix("PATCH") && $0.route.contains("@original") }.map {
            (try? $0.decode(MessagePayload.self)) ?? MessagePayload(content: "<undecodable>")
        }
    }

    /// Bulk overwrites sent (an undecodable body shows as an empty list).
    public var registrations: [[ApplicationCommand]] {
        calls.filter { $0.route.hasPrefix("PUT") }.map { (try? $0.decode([ApplicationCommand].self)) ?? [] }
    }

    /// Makes the next `times` requests whose route contains `routePart` answer with an HTTP error.
    public func failNext(routeContaining routePart: String, times: Int = 1) {
        state.withLock { $0.failures[routePart, default: 0] += times }
    }

    /// Returns once at least `count` requests were recorded (the caller's timeout is the test's own).
    public func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.calls.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    public func send(_ request: DiscordRequest) async throws -> DiscordResponse {
        let body: [UInt8] =
            switch request.body {
            case .json(let json): json
            case .multipart(let json, _): json
            case nil: []
            }
        let route = request.route.description
        let call = Call(route: route, path: request.route.path, body: body)
        let (fail, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            state.calls.append(call)
            var fail = false
            if let key = state.failures.first(where: { route.contains($0.key) && $0.value > 0 })?.key {
                state.failures[key]! -= 1
                fail = true
            }
            let count = state.calls.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return (fail, ready)
        }
        for continuation in ready { continuation.resume() }
        if fail {
            return DiscordResponse(status: 404, body: Array(#"{"code": 10062, "message": "Unknown interaction"}"#.utf8))
        }
        if route.hasSuffix("/callback") || route.hasPrefix("DELETE") { return DiscordResponse(status: 204) }
        if route.hasPrefix("PUT") { return DiscordResponse(status: 200, body: body) }
        if route == "GET /applications/@me" {
            return DiscordResponse(
                status: 200,
                body: Array(#"{"id": "200000000000000001", "name": "Pterodisbot"}"#.utf8)
            )
        }
        return DiscordResponse(
            status: 200,
            body: Array(#"{"id": "900000000000000001", "channel_id": "300000000000000001"}"#.utf8)
        )
    }
}
