/// Small number formatting without Foundation's locale machinery, so summaries read the same everywhere.
enum AlertFormatting {
    /// A percentage rounded to a whole number: `93`.
    static func percent(_ value: Double) -> String {
        "\(Int(value.rounded()))"
    }

    /// MiB as GiB with at most one decimal: `32`, `30.4`.
    static func gibibytes(_ mebibytes: Int) -> String {
        let tenths = Int((Double(mebibytes) / 1024 * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    /// A duration in whole minutes, or seconds under a minute: `5 min`, `45 s`.
    static func minutes(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}

extension Duration {
    /// The duration in seconds, with fractions, to compare with `Date` intervals.
    var alertSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
