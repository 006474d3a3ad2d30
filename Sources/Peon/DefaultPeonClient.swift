import AsyncHTTPClient
import ClientSupport
import Logging
import NIOCore
import NIOHTTP1
import PanelCore

/// The PEON client on AsyncHTTPClient.
///
/// - The caller owns the `HTTPClient` (e.g. ``ClientSupport/panelHTTPClientConfiguration(connectTimeout:)``).
/// - Every request carries `X-Api-Key` (reference §2) and `Accept: application/json`; the key is never logged.
/// - GETs have ``PeonConfiguration/pollTimeout``, power PUTs ``PeonConfiguration/powerTimeout``: PEON answers a
///   PUT only once `docker compose` is done (reference §4).
/// - At most ``PeonConfiguration/maxConcurrentRequests`` requests are in flight, whoever sends them: every
///   request costs the host `docker` work and PEON has no rate limit of its own (reference §7).
/// - Nothing is retried: a poll fails until the next cycle, a power request is reported to the user.
/// - A uid is checked before any request (``PeonServerUID``, ``PeonRoute/validate()``).
public final class DefaultPeonClient: PeonClient {
    private let httpClient: HTTPClient
    private let baseURL: String
    private let apiKey: PeonAPIKey
    private let configuration: PeonConfiguration
    private let gate: ConcurrencyLimiter
    private let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - httpClient: The HTTP client; not shut down by this type.
    ///   - baseURL: The orchestrator's URL without the prefix, e.g. `http://peon.orc:5000` (reference §1).
    ///   - apiKey: The key PEON compares with its `API_KEY`.
    ///   - configuration: Prefix, timeouts, concurrency.
    ///   - logger: Used at `debug`/`trace` only; the key is never logged.
    public init(
        httpClient: HTTPClient,
        baseURL: String,
        apiKey: PeonAPIKey,
        configuration: PeonConfiguration = PeonConfiguration(),
        logger: Logger = Logger(label: "pterodisbot.peon")
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.httpClient = httpClient
        self.baseURL = base
        self.apiKey = apiKey
        self.configuration = configuration
        self.gate = ConcurrencyLimiter(limit: configuration.maxConcurrentRequests)
        self.logger = logger
    }

    /// Sends one request once and returns the body of a 2xx answer.
    /// - Parameter route: The request.
    /// - Returns: The body.
    /// - Throws: ``PeonError`` or `CancellationError`.
    public func send(_ route: PeonRoute) async throws -> [UInt8] {
        try route.validate()
        return try await gate.withPermit { try await perform(route) }
    }

    private func perform(_ route: PeonRoute) async throws -> [UInt8] {
        let path = configuration.apiPrefix + route.path
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = route.isPower ? .PUT : .GET
        request.headers.add(name: "X-Api-Key", value: apiKey.exposedValue)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "pterodisbot")
        let timeout = route.isPower ? configuration.powerTimeout : configuration.pollTimeout
        var logger = self.logger
        logger[metadataKey: "peon.route"] = "\(route)"

        let failure: PeonError
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            let status = Int(response.status.code)
            let body = try await collect(response)
            if (200..<300).contains(status) {
                logger.trace("peon request succeeded", metadata: ["peon.status": "\(status)"])
                return body
            }
            failure = PeonError.classify(status: status, body: body, path: path)
        } catch let error as PeonError {
            failure = error
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            failure = transportFailure(error, timeout: timeout)
        }
        logger.debug("peon request failed", metadata: ["error": "\(failure)"])
        throw failure
    }

    private func collect(_ response: HTTPClientResponse) async throws -> [UInt8] {
        do {
            let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw PeonError.malformedAnswer(detail: "answer larger than \(configuration.maxResponseBytes) bytes")
        }
    }

    /// Maps a failure without an HTTP answer to ``PeonError/unreachable(reason:)``; the text is scrubbed of the key
    /// in case a transport error ever quotes a header.
    private func transportFailure(_ error: any Error, timeout: Duration) -> PeonError {
        let timedOut = "\(PeonError.timedOutReason) after \(Self.seconds(timeout)) s"
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout:
                return .unreachable(reason: timedOut)
            case .remoteConnectionClosed:
                return .unreachable(reason: "the connection was closed without an answer")
            default:
                break
            }
        }
        // NIOPosix's connection errors (refused, DNS) are not visible from this target; read their text.
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return .unreachable(reason: "connection refused") }
        if text.contains("timeout") || text.contains("timed out") { return .unreachable(reason: timedOut) }
        if text.contains("dns") || text.contains("resolve") || text.contains("lookup") {
            return .unreachable(reason: "the host name did not resolve")
        }
        var scrubbed = String(text.prefix(200))
        if !apiKey.isEmpty { scrubbed = scrubbed.replacing(apiKey.exposedValue.lowercased(), with: "****") }
        return .unreachable(reason: "could not connect (\(scrubbed))")
    }

    private static func seconds(_ duration: Duration) -> String {
        let seconds = duration.inSeconds
        return seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
