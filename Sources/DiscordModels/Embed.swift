/// A rich embed, both as sent (`RichEmbed` in the spec) and as received (`MessageEmbedResponse`).
/// See https://discord.com/developers/docs/resources/message#embed-object
public struct Embed: Sendable, Hashable, Codable {
    /// Embed type; bots always send `rich` (or omit it).
    public var type: EmbedType?
    /// Title (at most 256 characters).
    public var title: String?
    /// Description (at most 4096 characters).
    public var description: String?
    /// Link on the title.
    public var url: String?
    /// ISO 8601 timestamp shown in the footer.
    public var timestamp: String?
    /// Integer RGB colour of the side bar (0...0xFFFFFF).
    public var color: Int?
    /// Footer.
    public var footer: Footer?
    /// Large image; use `attachment://name.png` to show an uploaded file.
    public var image: Media?
    /// Small image at the top right.
    public var thumbnail: Media?
    /// Video (received only).
    public var video: Media?
    /// Provider (received only).
    public var provider: Provider?
    /// Author line.
    public var author: Author?
    /// Fields (at most 25).
    public var fields: [Field]?

    /// Creates an embed.
    public init(
        title: String? = nil,
        description: String? = nil,
        url: String? = nil,
        timestamp: String? = nil,
        color: Int? = nil,
        footer: Footer? = nil,
        image: Media? = nil,
        thumbnail: Media? = nil,
        author: Author? = nil,
        fields: [Field]? = nil
    ) {
        self.title = title
        self.description = description
        self.url = url
        self.timestamp = timestamp
        self.color = color
        self.footer = footer
        self.image = image
        self.thumbnail = thumbnail
        self.author = author
        self.fields = fields
    }

    /// An embed footer.
    public struct Footer: Sendable, Hashable, Codable {
        /// Footer text (at most 2048 characters).
        public var text: String
        /// Icon URL.
        public var iconURL: String?
        /// Proxied icon URL (received only).
        public var proxyIconURL: String?

        /// Creates a footer.
        public init(text: String, iconURL: String? = nil) {
            self.text = text
            self.iconURL = iconURL
        }

        enum CodingKeys: String, CodingKey {
            case text
            case iconURL = "icon_url"
            case proxyIconURL = "proxy_icon_url"
        }

        /// Decodes tolerantly.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = c.decodeOrNil(String.self, forKey: .text) ?? ""
            iconURL = c.decodeOrNil(String.self, forKey: .iconURL)
            proxyIconURL = c.decodeOrNil(String.self, forKey: .proxyIconURL)
        }
    }

    /// An embed image, thumbnail or video.
    public struct Media: Sendable, Hashable, Codable {
        /// Source URL, or `attachment://name.png` for an uploaded file.
        public var url: String?
        /// Proxied URL (received only).
        public var proxyURL: String?
        /// Height in pixels (received only).
        public var height: Int?
        /// Width in pixels (received only).
        public var width: Int?

        /// Creates a media reference.
        /// - Parameter url: An `https` URL or `attachment://filename`.
        public init(url: String) {
            self.url = url
        }

        /// References a file uploaded with the same request, as `attachment://<filename>`.
        /// - Parameter filename: The uploaded file's name.
        /// - Returns: The media reference.
        public static func attachment(_ filename: String) -> Media {
            Media(url: "attachment://\(filename)")
        }

        enum CodingKeys: String, CodingKey {
            case url, height, width
            case proxyURL = "proxy_url"
        }

        /// Decodes tolerantly.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            url = c.decodeOrNil(String.self, forKey: .url)
            proxyURL = c.decodeOrNil(String.self, forKey: .proxyURL)
            height = c.decodeOrNil(Int.self, forKey: .height)
            width = c.decodeOrNil(Int.self, forKey: .width)
        }
    }

    /// An embed provider (received only).
    public struct Provider: Sendable, Hashable, Codable {
        /// Provider name.
        public var name: String?
        /// Provider URL.
        public var url: String?

        /// Creates a provider.
        public init(name: String? = nil, url: String? = nil) {
            self.name = name
            self.url = url
        }
    }

    /// The author line.
    public struct Author: Sendable, Hashable, Codable {
        /// Author name (at most 256 characters).
        public var name: String
        /// Link on the name.
        public var url: String?
        /// Icon URL.
        public var iconURL: String?
        /// Proxied icon URL (received only).
        public var proxyIconURL: String?

        /// Creates an author line.
        public init(name: String, url: String? = nil, iconURL: String? = nil) {
            self.name = name
            self.url = url
            self.iconURL = iconURL
        }

        enum CodingKeys: String, CodingKey {
            case name, url
            case iconURL = "icon_url"
            case proxyIconURL = "proxy_icon_url"
        }

        /// Decodes tolerantly.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = c.decodeOrNil(String.self, forKey: .name) ?? ""
            url = c.decodeOrNil(String.self, forKey: .url)
            iconURL = c.decodeOrNil(String.self, forKey: .iconURL)
            proxyIconURL = c.decodeOrNil(String.self, forKey: .proxyIconURL)
        }
    }

    /// A name/value field.
    public struct Field: Sendable, Hashable, Codable {
        /// Field name (at most 256 characters, not empty).
        public var name: String
        /// Field value (at most 1024 characters, not empty).
        public var value: String
        /// Shown side by side with neighbouring inline fields.
        public var inline: Bool?

        /// Creates a field.
        public init(name: String, value: String, inline: Bool? = nil) {
            self.name = name
            self.value = value
            self.inline = inline
        }

        enum CodingKeys: String, CodingKey {
            case name, value, inline
        }

        /// Decodes tolerantly.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = c.decodeOrNil(String.self, forKey: .name) ?? ""
            value = c.decodeOrNil(String.self, forKey: .value) ?? ""
            inline = c.decodeOrNil(Bool.self, forKey: .inline)
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, title, description, url, timestamp, color, footer, image, thumbnail, video, provider, author, fields
    }

    /// Decodes tolerantly: every field is decode-or-nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = c.decodeOrNil(EmbedType.self, forKey: .type)
        title = c.decodeOrNil(String.self, forKey: .title)
        description = c.decodeOrNil(String.self, forKey: .description)
        url = c.decodeOrNil(String.self, forKey: .url)
        timestamp = c.decodeOrNil(String.self, forKey: .timestamp)
        color = c.decodeOrNil(Int.self, forKey: .color)
        footer = c.decodeOrNil(Footer.self, forKey: .footer)
        image = c.decodeOrNil(Media.self, forKey: .image)
        thumbnail = c.decodeOrNil(Media.self, forKey: .thumbnail)
        video = c.decodeOrNil(Media.self, forKey: .video)
        provider = c.decodeOrNil(Provider.self, forKey: .provider)
        author = c.decodeOrNil(Author.self, forKey: .author)
        fields = c.decodeLossyArray(Field.self, forKey: .fields)
    }
}

/// The kind of an embed. See https://discord.com/developers/docs/resources/message#embed-object-embed-types
public enum EmbedType: TolerantEnum {
    /// Generic embed (the only kind bots send).
    case rich
    /// Image embed.
    case image
    /// Video embed.
    case video
    /// Animated gif as video.
    case gifv
    /// Article embed.
    case article
    /// Link embed.
    case link
    /// Poll result embed.
    case pollResult
    /// A type this code does not know.
    case unknown(String)

    /// Maps the wire value.
    public init(rawValue: String) {
        switch rawValue {
        case "rich": self = .rich
        case "image": self = .image
        case "video": self = .video
        case "gifv": self = .gifv
        case "article": self = .article
        case "link": self = .link
        case "poll_result": self = .pollResult
        default: self = .unknown(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: String {
        switch self {
        case .rich: "rich"
        case .image: "image"
        case .video: "video"
        case .gifv: "gifv"
        case .article: "article"
        case .link: "link"
        case .pollResult: "poll_result"
        case .unknown(let raw): raw
        }
    }
}
