/// A message or modal component. Bots use action rows holding buttons or a string select.
/// See https://discord.com/developers/docs/components/reference
public enum Component: Sendable, Hashable, Codable {
    /// A row holding up to 5 buttons or one select menu.
    case actionRow(ActionRow)
    /// A button.
    case button(Button)
    /// A select menu with text options.
    case stringSelect(StringSelect)
    /// A text input (modals), as received in a modal submit.
    case textInput(TextInput)
    /// A component type this code does not model; only its type is kept.
    case unknown(ComponentType)

    /// The component's type.
    public var type: ComponentType {
        switch self {
        case .actionRow: .actionRow
        case .button: .button
        case .stringSelect: .stringSelect
        case .textInput: .textInput
        case .unknown(let type): type
        }
    }

    enum TypeKey: String, CodingKey {
        case type
    }

    /// Decodes by `type`; unknown types (and known ones that fail to decode) become `.unknown`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: TypeKey.self)
        let type = try c.decode(ComponentType.self, forKey: .type)
        do {
            switch type {
            case .actionRow: self = .actionRow(try ActionRow(from: decoder))
            case .button: self = .button(try Button(from: decoder))
            case .stringSelect: self = .stringSelect(try StringSelect(from: decoder))
            case .textInput: self = .textInput(try TextInput(from: decoder))
            default: self = .unknown(type)
            }
        } catch {
            self = .unknown(type)
        }
    }

    /// Encodes the wrapped component (an unknown one encodes only its `type`).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .actionRow(let row): try row.encode(to: encoder)
        case .button(let button): try button.encode(to: encoder)
        case .stringSelect(let select): try select.encode(to: encoder)
        case .textInput(let input): try input.encode(to: encoder)
        case .unknown(let type):
            var c = encoder.container(keyedBy: TypeKey.self)
            try c.encode(type, forKey: .type)
        }
    }
}

/// Component type constants. See https://discord.com/developers/docs/components/reference#component-object
public enum ComponentType: TolerantEnum {
    /// 1
    case actionRow
    /// 2
    case button
    /// 3
    case stringSelect
    /// 4
    case textInput
    /// 5
    case userSelect
    /// 6
    case roleSelect
    /// 7
    case mentionableSelect
    /// 8
    case channelSelect
    /// A type this code does not know (including newer layout components).
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .actionRow
        case 2: self = .button
        case 3: self = .stringSelect
        case 4: self = .textInput
        case 5: self = .userSelect
        case 6: self = .roleSelect
        case 7: self = .mentionableSelect
        case 8: self = .channelSelect
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .actionRow: 1
        case .button: 2
        case .stringSelect: 3
        case .textInput: 4
        case .userSelect: 5
        case .roleSelect: 6
        case .mentionableSelect: 7
        case .channelSelect: 8
        case .unknown(let raw): raw
        }
    }
}

/// A row of components (at most 5 buttons or 1 select).
public struct ActionRow: Sendable, Hashable, Codable {
    /// The children.
    public var components: [Component]

    /// Creates a row.
    public init(_ components: [Component]) {
        self.components = components
    }

    enum CodingKeys: String, CodingKey {
        case type, components
    }

    /// Decodes the children, dropping none (unknown children become `.unknown`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        components = c.decodeLossyArray(Component.self, forKey: .components) ?? []
    }

    /// Encodes with `type: 1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ComponentType.actionRow, forKey: .type)
        try c.encode(components, forKey: .components)
    }
}

/// A partial emoji on a button or select option.
public struct ComponentEmoji: Sendable, Hashable, Codable {
    /// Custom emoji ID (nil for a Unicode emoji).
    public var id: EmojiID?
    /// Unicode character or custom emoji name.
    public var name: String?
    /// Animated custom emoji.
    public var animated: Bool?

    /// Creates an emoji reference.
    public init(id: EmojiID? = nil, name: String? = nil, animated: Bool? = nil) {
        self.id = id
        self.name = name
        self.animated = animated
    }
}

/// A button. See https://discord.com/developers/docs/components/reference#button
public struct Button: Sendable, Hashable, Codable {
    /// Visual style; `.link` buttons carry a `url` instead of a `customID`.
    public var style: ButtonStyle
    /// Text (at most 80 characters).
    public var label: String?
    /// Emoji.
    public var emoji: ComponentEmoji?
    /// Developer-defined ID echoed back in the interaction (at most 100 characters).
    public var customID: String?
    /// URL for link buttons.
    public var url: String?
    /// Greyed out.
    public var disabled: Bool?

    /// Creates a button.
    public init(
        style: ButtonStyle,
        label: String? = nil,
        customID: String? = nil,
        url: String? = nil,
        emoji: ComponentEmoji? = nil,
        disabled: Bool? = nil
    ) {
        self.style = style
        self.label = label
        self.customID = customID
        self.url = url
        self.emoji = emoji
        self.disabled = disabled
    }

    enum CodingKeys: String, CodingKey {
        case type, style, label, emoji, url, disabled
        case customID = "custom_id"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        style = c.decodeOrNil(ButtonStyle.self, forKey: .style) ?? .unknown(0)
        label = c.decodeOrNil(String.self, forKey: .label)
        emoji = c.decodeOrNil(ComponentEmoji.self, forKey: .emoji)
        customID = c.decodeOrNil(String.self, forKey: .customID)
        url = c.decodeOrNil(String.self, forKey: .url)
        disabled = c.decodeOrNil(Bool.self, forKey: .disabled)
    }

    /// Encodes with `type: 2`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ComponentType.button, forKey: .type)
        try c.encode(style, forKey: .style)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encodeIfPresent(emoji, forKey: .emoji)
        try c.encodeIfPresent(customID, forKey: .customID)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encodeIfPresent(disabled, forKey: .disabled)
    }
}

/// Button styles. See https://discord.com/developers/docs/components/reference#button-button-styles
public enum ButtonStyle: TolerantEnum {
    /// Blurple.
    case primary
    /// Grey.
    case secondary
    /// Green.
    case success
    /// Red.
    case danger
    /// Opens a URL.
    case link
    /// Premium purchase.
    case premium
    /// A style this code does not know.
    case unknown(Int)

    /// Maps the wire value.
    public init(rawValue: Int) {
        switch rawValue {
        case 1: self = .primary
        case 2: self = .secondary
        case 3: self = .success
        case 4: self = .danger
        case 5: self = .link
        case 6: self = .premium
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: Int {
        switch self {
        case .primary: 1
        case .secondary: 2
        case .success: 3
        case .danger: 4
        case .link: 5
        case .premium: 6
        case .unknown(let raw): raw
        }
    }
}

/// A select menu with developer-defined options.
/// See https://discord.com/developers/docs/components/reference#string-select
public struct StringSelect: Sendable, Hashable, Codable {
    /// Developer-defined ID (at most 100 characters).
    public var customID: String
    /// The options (at most 25).
    public var options: [SelectOption]
    /// Placeholder text (at most 150 characters).
    public var placeholder: String?
    /// Minimum number of picks (0...25, default 1).
    public var minValues: Int?
    /// Maximum number of picks (1...25, default 1).
    public var maxValues: Int?
    /// Greyed out.
    public var disabled: Bool?

    /// Creates a string select.
    public init(
        customID: String,
        options: [SelectOption],
        placeholder: String? = nil,
        minValues: Int? = nil,
        maxValues: Int? = nil,
        disabled: Bool? = nil
    ) {
        self.customID = customID
        self.options = options
        self.placeholder = placeholder
        self.minValues = minValues
        self.maxValues = maxValues
        self.disabled = disabled
    }

    enum CodingKeys: String, CodingKey {
        case type, options, placeholder, disabled
        case customID = "custom_id"
        case minValues = "min_values"
        case maxValues = "max_values"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customID = c.decodeOrNil(String.self, forKey: .customID) ?? ""
        options = c.decodeLossyArray(SelectOption.self, forKey: .options) ?? []
        placeholder = c.decodeOrNil(String.self, forKey: .placeholder)
        minValues = c.decodeOrNil(Int.self, forKey: .minValues)
        maxValues = c.decodeOrNil(Int.self, forKey: .maxValues)
        disabled = c.decodeOrNil(Bool.self, forKey: .disabled)
    }

    /// Encodes with `type: 3`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ComponentType.stringSelect, forKey: .type)
        try c.encode(customID, forKey: .customID)
        try c.encode(options, forKey: .options)
        try c.encodeIfPresent(placeholder, forKey: .placeholder)
        try c.encodeIfPresent(minValues, forKey: .minValues)
        try c.encodeIfPresent(maxValues, forKey: .maxValues)
        try c.encodeIfPresent(disabled, forKey: .disabled)
    }
}

/// One option of a string select.
public struct SelectOption: Sendable, Hashable, Codable {
    /// Shown text (at most 100 characters).
    public var label: String
    /// Value sent back in the interaction (at most 100 characters).
    public var value: String
    /// Extra text (at most 100 characters).
    public var description: String?
    /// Emoji.
    public var emoji: ComponentEmoji?
    /// Pre-selected.
    public var isDefault: Bool?

    /// Creates an option.
    public init(
        label: String,
        value: String,
        description: String? = nil,
        emoji: ComponentEmoji? = nil,
        isDefault: Bool? = nil
    ) {
        self.label = label
        self.value = value
        self.description = description
        self.emoji = emoji
        self.isDefault = isDefault
    }

    enum CodingKeys: String, CodingKey {
        case label, value, description, emoji
        case isDefault = "default"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = c.decodeOrNil(String.self, forKey: .label) ?? ""
        value = c.decodeOrNil(String.self, forKey: .value) ?? ""
        description = c.decodeOrNil(String.self, forKey: .description)
        emoji = c.decodeOrNil(ComponentEmoji.self, forKey: .emoji)
        isDefault = c.decodeOrNil(Bool.self, forKey: .isDefault)
    }
}

/// A text input, as received in a modal submit (`custom_id` and `value`).
public struct TextInput: Sendable, Hashable, Codable {
    /// Developer-defined ID.
    public var customID: String
    /// 1 short, 2 paragraph.
    public var style: Int?
    /// Label.
    public var label: String?
    /// The text the user typed.
    public var value: String?

    /// Creates a text input.
    public init(customID: String, style: Int? = nil, label: String? = nil, value: String? = nil) {
        self.customID = customID
        self.style = style
        self.label = label
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case type, style, label, value
        case customID = "custom_id"
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customID = c.decodeOrNil(String.self, forKey: .customID) ?? ""
        style = c.decodeOrNil(Int.self, forKey: .style)
        label = c.decodeOrNil(String.self, forKey: .label)
        value = c.decodeOrNil(String.self, forKey: .value)
    }

    /// Encodes with `type: 4`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ComponentType.textInput, forKey: .type)
        try c.encode(customID, forKey: .customID)
        try c.encodeIfPresent(style, forKey: .style)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encodeIfPresent(value, forKey: .value)
    }
}
