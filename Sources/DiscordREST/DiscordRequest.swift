import DiscordModels
import NIOHTTP1

/// A file uploaded with a message, referenced from an embed as `attachment://<name>`.
public struct DiscordFile: Sendable, Hashable {
    /// File name, e.g. `graph.png`; what `attachment://` refers to.
    public var name: String
    /// MIME type, e.g. `image/png`.
    public var contentType: String
    /// The bytes.
    public var data: [UInt8]
    /// Alt text.
    public var description: String?

    /// Creates a file.
    public init(name: String, contentType: String = "image/png", data: [UInt8], description: String? = nil) {
        self.name = name
        self.contentType = contentType
        self.data = data
        self.description = description
    }
}

/// What a ``DiscordClient`` sends: a route and an optional body.
public struct DiscordRequest: Sendable {
    /// The body of a request.
    public enum Body: Sendable {
        /// `application/json`.
        case json([UInt8])
        /// `multipart/form-data` with `payload_json` and `files[n]`.
        case multipart(payloadJSON: [UInt8], files: [DiscordFile])
    }

    /// The endpoint.
    public var route: Route
    /// Query items (none of the bot's endpoints carry secrets in the query).
    public var query: [(name: String, value: String)]
    /// The body, if any.
    public var body: Body?
    /// Extra headers (e.g. `X-Audit-Log-Reason`).
    public var headers: [(name: String, value: String)]

    /// Creates a request.
    public init(
        route: Route,
        query: [(name: String, value: String)] = [],
        body: Body? = nil,
        headers: [(name: String, value: String)] = []
    ) {
        self.route = route
        self.query = query
        self.body = body
        self.headers = headers
    }
}

/// What a ``DiscordClient`` returns: the final HTTP answer after rate limiting and retries.
public struct DiscordResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Response headers.
    public var headers: HTTPHeaders
    /// The body (capped by the client).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `true` for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
