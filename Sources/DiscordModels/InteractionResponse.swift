/// The body of POST /interactions/{id}/{token}/callback.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object
/// (`CreateMessageInteractionCallbackRequest`, `UpdateMessageInteractionCallbackRequest`).
public struct InteractionResponse: Sendable, Hashable, Codable {
    /// The callback type.
    public var type: InteractionCallbackType
    /// The message for types 4 and 7 (and flags for type 5).
    public var data: MessagePayload?

    /// Creates a response.
    public init(type: InteractionCallbackType, data: MessagePayload? = nil) {
        self.type = type
        self.data = data
    }

    /// Type 4: reply with a message; `ephemeral` adds flag 64 so only the invoker sees it.
    /// - Parameters:
    ///   - payload: The message.
    ///   - ephemeral: Whether only the invoking user sees it.
    /// - Returns: The response.
    public static func message(_ payload: MessagePayload, ephemeral: Bool = false) -> InteractionResponse {
        var payload = payload
        if ephemeral { payload.flags = (payload.flags ?? []).union(.ephemeral) }
        return InteractionResponse(type: .channelMessageWithSource, data: payload)
    }

    /// Type 5: acknowledge now, send the message later with an edit of the original response.
    /// - Parameter ephemeral: Whether the eventual reply is ephemeral.
    /// - Returns: The response.
    public static func deferredMessage(ephemeral: Bool = false) -> InteractionResponse {
        InteractionResponse(
            type: .deferredChannelMessageWithSource,
            data: ephemeral ? MessagePayload(flags: .ephemeral) : nil
        )
    }

    /// Type 6: acknowledge a component interaction without changing the message yet.
    public static var deferredUpdate: InteractionResponse { InteractionResponse(type: .deferredUpdateMessage) }

    /// Type 7: edit the message the component is attached to.
    /// - Parameter payload: The new message content.
    /// - Returns: The response.
    public static func updateMessage(_ payload: MessagePayload) -> InteractionResponse {
        InteractionResponse(type: .updateMessage, data: payload)
    }

    /// Type 1: answer a ping.
    public static var pong: InteractionResponse { InteractionResponse(type: .pong) }
}

/// Interaction callback type.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
public enum InteractionCallbackType: TolerantEnum {
    /// 1: ACK a ping.
    case pong
    /// 4: respond with a message.
    case channelMessageWithSource
    /// 5: ACK, show "thinking", edit later.
    case deferredChannelMessageWithSource
    /// 6: ACK a component without a visible change.
    case deferredUpdateMessage
    /// 7: edit the component's message.
    case updateMessage
    /// 8: autocomplete choices.
    case applicationCommandAutocompleteResult
    /// 9: open a modal.
    case modal
    /// A type this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .pong
        case 4: self = .channelMessageWithSource
        case 5: self = .deferredChannelMessageWithSource
        case 6: self = .deferredUpdateMessage
        case 7: self = .updateMessage
        case 8: self = .applicationCommandAutocompleteResult
        case 9: self = .modal
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .pong: 1
        case .channelMessageWithSource: 4
        case .deferredChannelMessageWithSource: 5
        case .deferredUpdateMessage: 6
        case .updateMessage: 7
        case .applicationCommandAutocompleteResult: 8
        case .modal: 9
        case .unknown(let raw): raw
        }
    }
}
