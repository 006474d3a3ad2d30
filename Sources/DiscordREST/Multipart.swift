/// Builds `multipart/form-data` bodies for file uploads: a `payload_json` part and one `files[n]` part per file.
/// See https://discord.com/developers/docs/reference#uploading-files
enum Multipart {
    /// Encodes the parts.
    /// - Parameters:
    ///   - payloadJSON: The JSON body that would otherwise be sent alone.
    ///   - files: The files, in `files[n]` order.
    ///   - boundary: A boundary string that occurs in none of the parts.
    /// - Returns: The body bytes.
    static func encode(payloadJSON: [UInt8], files: [DiscordFile], boundary: String) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(payloadJSON.count + files.reduce(0) { $0 + $1.data.count } + 512)
        func append(_ text: String) { body.append(contentsOf: Array(text.utf8)) }
        append("--\(boundary)\r\n")
        append("Content-Disposition: form-data; name=\"payload_json\"\r\n")
        append("Content-Type: application/json\r\n\r\n")
        body.append(contentsOf: payloadJSON)
        append("\r\n")
        for (index, file) in files.enumerated() {
            append("--\(boundary)\r\n")
            append("Content-Disposition: form-data; name=\"files[\(index)]\"; filename=\"\(quoted(file.name))\"\r\n")
            append("Content-Type: \(file.contentType)\r\n\r\n")
            body.append(contentsOf: file.data)
            append("\r\n")
        }
        append("--\(boundary)--\r\n")
        return body
    }

    /// Escapes a filename for a quoted header parameter.
    private static func quoted(_ name: String) -> String {
        String(name.map { $0 == "\"" || $0 == "\r" || $0 == "\n" ? "_" : $0 })
    }

    /// A boundary of random alphanumerics.
    static func makeBoundary() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "pterodisbot-" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
