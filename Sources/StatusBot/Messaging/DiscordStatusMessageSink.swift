import DiscordModels
import DiscordREST

/// Sends status messages to Discord through the REST client, translating Discord's error codes into the
/// cases the orchestrator acts on.
public struct DiscordStatusMessageSink: StatusMessageSink {
    private let client: any DiscordClient

    /// Creates a sink over a REST client.
    public init(client: any DiscordClient) {
        self.client = client
    }

    public func createMessage(in channel: ChannelID, _ message: OutgoingMessage) async throws -> MessageID {
        do {
            return try await client.createMessage(
                channelID: channel,
                payload: message.payload,
                files: Self.files(message)
            ).id
        } catch {
            throw Self.translate(error)
        }
    }

    public func editMessage(_ id: MessageID, in channel: ChannelID, _ message: OutgoingMessage) async throws {
        do {
            _ = try await client.editMessage(
                channelID: channel,
                messageID: id,
                payload: message.payload,
                files: Self.files(message)
            )
        } catch {
            throw Self.translate(error)
        }
    }

    public func deleteMessage(_ id: MessageID, in channel: ChannelID) async throws {
        do {
            try await client.deleteMessage(channelID: channel, messageID: id)
        } catch {
            let translated = Self.translate(error)
            if translated == .messageGone { return }
            throw translated
        }
    }

    private static func files(_ message: OutgoingMessage) -> [DiscordFile] {
        message.files.map { DiscordFile(name: $0.filename, contentType: $0.contentType, data: $0.bytes) }
    }

    /// Maps a REST error to what the orchestrator does about it.
    static func translate(_ error: any Error) -> MessageSinkError {
        guard let error = error as? DiscordRESTError else {
            return .failed(String(describing: error))
        }
        switch error.discordCode {
        case .unknownMessage?: return .messageGone
        case .unknownChannel?: return .channelGone
        case .missingAccess?, .missingPermissions?: return .missingAccess(code: error.discordCode?.rawValue ?? 50001)
        case .tooManyEditsToOldMessage?: return .tooManyEditsToOldMessage
        default: return .failed(error.description)
        }
    }
}
