import DiscordModels
import NIOHTTP1

/// One Discord REST endpoint with its parameters filled in.
///
/// The rate-limit identity is method + path template + major parameter (channel, guild, webhook or interaction),
/// see https://discord.com/developers/docs/topics/rate-limits. ``description`` shows only the method and
/// template, so a route can be logged even when its path carries an interaction token.
public struct Route: Sendable, Equatable, CustomStringConvertible {
    /// HTTP method.
    public let method: HTTPMethod

    /// Whether sending the request twice has the same effect as once. A POST that failed with a 5xx or a
    /// dropped connection may still have been carried out (a message posted), so it is never retried: a
    /// duplicate status message is worse than one missed cycle.
    public var isIdempotent: Bool { method != .POST }
    /// Path template, e.g. `/channels/{channel.id}/messages/{message.id}`; safe to log.
    public let template: String
    /// The filled path. May contain an interaction token: never log it, use ``description``.
    public let path: String
    /// The major parameter's value (token parts replaced by a process-local hash); empty when there is none.
    let majorParameter: String
    /// Path segments that are secret (interaction tokens), scrubbed from any text built from the path.
    let secrets: [String]
    /// Interaction callbacks and webhook-token routes are not bound by the global rate limit.
    public let isExemptFromGlobalLimit: Bool

    /// Creates a route.
    /// - Parameters:
    ///   - method: HTTP method.
    ///   - template: The path template (logged).
    ///   - path: The filled path.
    ///   - majorParameter: Value of the major parameter (must not contain a secret).
    ///   - secrets: Secret values appearing in `path`.
    ///   - exemptFromGlobalLimit: Whether the global 50/s budget does not apply.
    public init(
        method: HTTPMethod,
        template: String,
        path: String,
        majorParameter: String = "",
        secrets: [String] = [],
        exemptFromGlobalLimit: Bool = false
    ) {
        self.method = method
        self.template = template
        self.path = path
        self.majorParameter = majorParameter
        self.secrets = secrets
        self.isExemptFromGlobalLimit = exemptFromGlobalLimit
    }

    /// Whether Discord authenticates this route by the bot token. Interaction callbacks and interaction webhooks
    /// (`/interactions/{id}/{token}/callback`, `/webhooks/{application.id}/{interaction.token}/...`) are
    /// authenticated by the interaction token in the path instead, so a 401 there (code 50027 Invalid Webhook Token
    /// once the 15-minute token life is over) says nothing about the bot token.
    /// See https://discord.com/developers/docs/interactions/receiving-and-responding#endpoints
    public var authenticatesWithBotToken: Bool { secrets.isEmpty }

    /// `METHOD /template`, safe to log.
    public var description: String { "\(method.rawValue) \(template)" }

    /// The key rate-limit state is kept under before the bucket is known.
    public var rateLimitKey: String {
        majorParameter.isEmpty ? description : "\(description) [\(majorParameter)]"
    }

    /// Removes secrets (interaction tokens) from `text`, e.g. an error description that quotes the URL.
    /// - Parameter text: Any text.
    /// - Returns: The text with each secret replaced by `****`.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacing(secret, with: "****")
        }
        return result
    }
}

// MARK: - Endpoints

extension Route {
    /// A stable, non-reversible stand-in for a token in rate-limit keys (process-local).
    private static func tokenKey(_ token: Secret) -> String {
        var hasher = Hasher()
        hasher.combine(token.exposedValue)
        return "token#" + String(UInt64(bitPattern: Int64(hasher.finalize())), radix: 36)
    }

    /// GET /gateway/bot
    public static var getGatewayBot: Route {
        Route(method: .GET, template: "/gateway/bot", path: "/gateway/bot")
    }

    /// GET /applications/@me
    public static var getCurrentApplication: Route {
        Route(method: .GET, template: "/applications/@me", path: "/applications/@me")
    }

    /// PUT /applications/{application.id}/guilds/{guild.id}/commands
    public static func bulkOverwriteGuildCommands(applicationID: ApplicationID, guildID: GuildID) -> Route {
        Route(
            method: .PUT,
            template: "/applications/{application.id}/guilds/{guild.id}/commands",
            path: "/applications/\(applicationID)/guilds/\(guildID)/commands",
            majorParameter: "guild:\(guildID)"
        )
    }

    /// POST /channels/{channel.id}/messages
    public static func createMessage(channelID: ChannelID) -> Route {
        Route(
            method: .POST,
            template: "/channels/{channel.id}/messages",
            path: "/channels/\(channelID)/messages",
            majorParameter: "channel:\(channelID)"
        )
    }

    /// GET /channels/{channel.id}/messages/{message.id}
    public static func getMessage(channelID: ChannelID, messageID: MessageID) -> Route {
        Route(
            method: .GET,
            template: "/channels/{channel.id}/messages/{message.id}",
            path: "/channels/\(channelID)/messages/\(messageID)",
            majorParameter: "channel:\(channelID)"
        )
    }

    /// PATCH /channels/{channel.id}/messages/{message.id}
    public static func editMessage(channelID: ChannelID, messageID: MessageID) -> Route {
        Route(
            method: .PATCH,
            template: "/channels/{channel.id}/messages/{message.id}",
            path: "/channels/\(channelID)/messages/\(messageID)",
            majorParameter: "channel:\(channelID)"
        )
    }

    /// DELETE /channels/{channel.id}/messages/{message.id}
    public static func deleteMessage(channelID: ChannelID, messageID: MessageID) -> Route {
        Route(
            method: .DELETE,
            template: "/channels/{channel.id}/messages/{message.id}",
            path: "/channels/\(channelID)/messages/\(messageID)",
            majorParameter: "channel:\(channelID)"
        )
    }

    /// POST /interactions/{interaction.id}/{interaction.token}/callback
    public static func createInteractionResponse(interactionID: InteractionID, token: Secret) -> Route {
        Route(
            method: .POST,
            template: "/interactions/{interaction.id}/{interaction.token}/callback",
            path: "/interactions/\(interactionID)/\(token.exposedValue)/callback",
            majorParameter: "interaction:\(interactionID)",
            secrets: [token.exposedValue],
            exemptFromGlobalLimit: true
        )
    }

    /// GET /webhooks/{application.id}/{interaction.token}/messages/@original
    public static func getOriginalResponse(applicationID: ApplicationID, token: Secret) -> Route {
        originalResponse(.GET, applicationID: applicationID, token: token)
    }

    /// PATCH /webhooks/{application.id}/{interaction.token}/messages/@original
    public static func editOriginalResponse(applicationID: ApplicationID, token: Secret) -> Route {
        originalResponse(.PATCH, applicationID: applicationID, token: token)
    }

    /// DELETE /webhooks/{application.id}/{interaction.token}/messages/@original
    public static func deleteOriginalResponse(applicationID: ApplicationID, token: Secret) -> Route {
        originalResponse(.DELETE, applicationID: applicationID, token: token)
    }

    private static func originalResponse(_ method: HTTPMethod, applicationID: ApplicationID, token: Secret) -> Route {
        Route(
            method: method,
            template: "/webhooks/{application.id}/{interaction.token}/messages/@original",
            path: "/webhooks/\(applicationID)/\(token.exposedValue)/messages/@original",
            majorParameter: "webhook:\(applicationID)/\(tokenKey(token))",
            secrets: [token.exposedValue],
            exemptFromGlobalLimit: true
        )
    }

    /// POST /webhooks/{application.id}/{interaction.token}
    public static func createFollowupMessage(applicationID: ApplicationID, token: Secret) -> Route {
        Route(
            method: .POST,
            template: "/webhooks/{application.id}/{interaction.token}",
            path: "/webhooks/\(applicationID)/\(token.exposedValue)",
            majorParameter: "webhook:\(applicationID)/\(tokenKey(token))",
            secrets: [token.exposedValue],
            exemptFromGlobalLimit: true
        )
    }
}
