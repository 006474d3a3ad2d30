import DiscordModels

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One request as received by ``FakeDiscordREST``.
public struct FakeDiscordRequest: Sendable {
    /// HTTP method.
    public var method: String
    /// Path after the API prefix (e.g. `/channels/1/messages`). Interaction routes contain the token: tests only.
    public var path: String
    /// `METHOD /template`, e.g. `PATCH /channels/{channel.id}/messages/{message.id}`.
    public var route: String
    /// Query parameters.
    public var query: [String: String]
    /// Header fields.
    public var headers: [(name: String, value: String)]
    /// Raw body.
    public var body: [UInt8]
    /// The JSON payload: the body for JSON requests, the `payload_json` part for multipart ones.
    public var payloadJSON: [UInt8]?
    /// Uploaded files (`files[n]` parts), in order.
    public var files: [MultipartPart]
    /// Arrival time on the fake's clock (duration since the fake started).
    public var arrival: Duration
    /// Status the fake answered with (0 for a dropped connection).
    public var status: Int

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Decodes ``payloadJSON``.
    /// - Throws: `DecodingError`, or ``FakeDiscordRESTError/noPayload`` when there is none.
    public func decodePayload<T: Decodable>(_ type: T.Type) throws -> T {
        guard let payloadJSON else { throw FakeDiscordRESTError.noPayload }
        return try JSONDecoder().decode(T.self, from: Data(payloadJSON))
    }
}

/// A scripted failure for ``FakeDiscordREST/failNext(_:method:pathContains:count:)``.
public enum FakeDiscordFailure: Sendable, Equatable {
    /// A Discord JSON error: status, code, message and optional raw `errors` JSON.
    case discordError(status: Int, code: Int, message: String, errorsJSON: String? = nil)
    /// A bare server error (e.g. 500, 502) with a non-JSON body.
    case serverError(status: Int)
    /// Close the connection without answering.
    case dropConnection
    /// A 429 with `retry_after`; `global` sets `global: true` and `X-RateLimit-Scope: global`.
    case rateLimited(retryAfter: Duration, global: Bool = false)
    /// 429 with code 30046 and `retry_after`: the edit limit of a message older than an hour (see
    /// ``tooManyEditsToOldMessage``).
    case oldMessageEditLimit(retryAfter: Duration)

    /// 404, 10003 Unknown Channel.
    public static var unknownChannel: FakeDiscordFailure {
        .discordError(status: 404, code: 10003, message: "Unknown Channel")
    }
    /// 404, 10008 Unknown Message.
    public static var unknownMessage: FakeDiscordFailure {
        .discordError(status: 404, code: 10008, message: "Unknown Message")
    }
    /// 404, 10062 Unknown interaction.
    public static var unknownInteraction: FakeDiscordFailure {
        .discordError(status: 404, code: 10062, message: "Unknown interaction")
    }
    /// 429, 30046 Maximum number of edits to messages older than 1 hour reached, with a `retry_after`.
    ///
    /// Discord answers this with HTTP 429, not 400: discord.py surfaces it as
    /// "429 Too Many Requests (error code: 30046): Maximum number of edits to messages older than 1 hour reached"
    /// (aikaterna/aikaterna-cogs#302), and discord/discord-api-docs#4413 treats it as a rate limit. The body is a
    /// JSON error with `code` plus the 429 body's `retry_after` and `global`
    /// (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit).
    public static var tooManyEditsToOldMessage: FakeDiscordFailure {
        .oldMessageEditLimit(retryAfter: .seconds(30))
    }
    /// 400, 40060 Interaction has already been acknowledged.
    public static var interactionAlreadyAcknowledged: FakeDiscordFailure {
        .discordError(status: 400, code: 40060, message: "Interaction has already been acknowledged.")
    }
    /// 403, 50001 Missing Access.
    public static var missingAccess: FakeDiscordFailure {
        .discordError(status: 403, code: 50001, message: "Missing Access")
    }
    /// 403, 50013 Missing Permissions.
    public static var missingPermissions: FakeDiscordFailure {
        .discordError(status: 403, code: 50013, message: "Missing Permissions")
    }
    /// 401, code 0 Unauthorized.
    public static var unauthorized: FakeDiscordFailure {
        .discordError(status: 401, code: 0, message: "401: Unauthorized")
    }
    /// 401, 50027 Invalid Webhook Token: an interaction webhook or callback whose token is past its 15 minutes.
    /// Reported as `HTTP 401 Unauthorized, {"message": "Invalid Webhook Token", "code": 50027}`
    /// (ritsec/ops-bot-iii#19; discord/discord-api-docs#6851: "After the 15 mins window, any API request made to
    /// it returns 401"); token life: https://discord.com/developers/docs/interactions/receiving-and-responding
    public static var invalidWebhookToken: FakeDiscordFailure {
        .discordError(status: 401, code: 50027, message: "Invalid Webhook Token")
    }
    /// 400, 50035 Invalid Form Body with one field error at a dotted path (e.g. `embeds.0.title`).
    public static func invalidFormBody(field: String, message: String) -> FakeDiscordFailure {
        var json = #"{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"\#(message)"}]}"#
        for component in field.split(separator: ".").reversed() {
            json = #"{"\#(component)":\#(json)}"#
        }
        return .discordError(status: 400, code: 50035, message: "Invalid Form Body", errorsJSON: json)
    }
}

/// An interaction callback the fake received.
public struct FakeInteractionCallback: Sendable {
    /// The interaction ID from the URL.
    public var interactionID: InteractionID
    /// The decoded callback.
    public var response: InteractionResponse
    /// Uploaded files.
    public var files: [MultipartPart]
}

/// A rate-limit bucket the fake enforces.
public struct FakeBucket: Sendable, Equatable {
    /// The `X-RateLimit-Bucket` hash.
    public var hash: String
    /// Requests per window.
    public var limit: Int
    /// Window length.
    public var window: Duration

    /// Creates a bucket.
    public init(hash: String, limit: Int, window: Duration) {
        self.hash = hash
        self.limit = limit
        self.window = window
    }
}

/// Settings of ``FakeDiscordREST``.
public struct FakeDiscordRESTConfiguration: Sendable {
    /// Bot token expected in `Authorization: Bot <token>`; `nil` accepts any. A mismatch answers 401.
    public var expectedToken: String?
    /// The application returned by GET /applications/@me.
    public var applicationID: ApplicationID
    /// URL returned by GET /gateway/bot.
    public var gatewayURL: String
    /// Bucket for message create and edit in one channel (shared, major parameter channel). Discord: 5 per 5 s.
    public var messageBucket: FakeBucket
    /// Bucket for every other route (per route and major parameter).
    public var defaultBucket: FakeBucket
    /// Global requests per second, not applied to interaction and webhook routes. `nil` disables the check.
    public var globalLimitPerSecond: Int?
    /// When false, only channels added with ``FakeDiscordREST/addChannel(_:)`` exist.
    public var acceptsAnyChannel: Bool

    /// Creates a configuration.
    public init(
        expectedToken: String? = nil,
        applicationID: ApplicationID = "1100000000000000001",
        gatewayURL: String = "wss://gateway.discord.gg",
        messageBucket: FakeBucket = FakeBucket(hash: "fake-messages", limit: 5, window: .seconds(5)),
        defaultBucket: FakeBucket = FakeBucket(hash: "fake-default", limit: 50, window: .seconds(1)),
        globalLimitPerSecond: Int? = 50,
        acceptsAnyChannel: Bool = true
    ) {
        self.expectedToken = expectedToken
        self.applicationID = applicationID
        self.gatewayURL = gatewayURL
        self.messageBucket = messageBucket
        self.defaultBucket = defaultBucket
        self.globalLimitPerSecond = globalLimitPerSecond
        self.acceptsAnyChannel = acceptsAnyChannel
    }
}

/// Errors of the fake's own API.
public enum FakeDiscordRESTError: Error, CustomStringConvertible {
    /// ``FakeDiscordREST/waitForRequests(count:timeout:where:)`` timed out.
    case timeout(expected: Int, received: Int)
    /// The request has no JSON payload.
    case noPayload

    /// A readable description.
    public var description: String {
        switch self {
        case .timeout(let expected, let received):
            "timed out waiting for \(expected) Discord requests (got \(received))"
        case .noPayload: "the request has no JSON payload"
        }
    }
}
