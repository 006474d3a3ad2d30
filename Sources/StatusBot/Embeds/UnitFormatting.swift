/// Human-readable numbers for embeds: bytes in binary units, durations, percentages.
enum UnitFormatting {
    /// `512 MiB`, `1.25 GiB`, `0 B`.
    static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(max(0, value))
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(amount)) B" }
        return "\(decimal(amount, places: amount < 10 ? 2 : amount < 100 ? 1 : 0)) \(units[unit])"
    }

    /// `27.6%`.
    static func percent(_ value: Double) -> String {
        "\(decimal(value, places: 1))%"
    }

    /// `2d 3h 4m`, `5h 0m`, `42s`.
    static func duration(milliseconds: Int) -> String {
        let seconds = max(0, milliseconds / 1000)
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds % 60)s" }
        return "\(seconds)s"
    }

    /// Fixed-point text without Foundation's formatters (deterministic on every platform).
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return "\(sign)\(whole)" }
        let fraction = String(scaled % Int(scale))
        return "\(sign)\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }
}
