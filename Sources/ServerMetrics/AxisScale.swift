#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A y axis from zero to ``maximum``, with tick values and labels, in display units.
public struct AxisScale: Sendable, Equatable {
    /// Top of the axis in display units.
    public var maximum: Double
    /// Distance between ticks in display units.
    public var step: Double
    /// Unit shown after tick values: `%`, `MiB`, `GiB`, or empty for plain counts.
    public var unit: String
    /// Raw values are divided by this to get display units (1 for % and MiB, 1024 for GiB).
    public var divisor: Double

    /// Creates a scale.
    public init(maximum: Double, step: Double, unit: String, divisor: Double = 1) {
        self.maximum = maximum
        self.step = step
        self.unit = unit
        self.divisor = divisor
    }

    /// Tick values from 0 to the maximum (inclusive when the maximum is a multiple of the step).
    public var ticks: [Double] {
        guard step > 0, maximum > 0 else { return [0] }
        var values: [Double] = []
        var index = 0.0
        while index * step <= maximum * (1 + 1e-9) {
            values.append(index * step)
            index += 1
        }
        return values
    }

    /// A raw value (percent or MiB) as a fraction of the axis, 0 at the bottom and 1 at the top.
    public func fraction(ofRaw value: Double) -> Double {
        guard maximum > 0 else { return 0 }
        return value / divisor / maximum
    }

    /// The label of a tick, e.g. `400%`, `512 MiB`, `2.5 GiB`, `40`.
    public func label(for tick: Double) -> String {
        let decimals = step >= 1 || step == 0 ? 0 : (step * 10).rounded() == step * 10 ? 1 : 2
        let number = tick == 0 ? "0" : ValueFormat.number(tick, decimals: decimals)
        if unit.isEmpty { return number }
        return unit == "%" ? number + "%" : number + " " + unit
    }

    // MARK: - Scaling rules

    /// The CPU axis: up to the CPU limit when there is one (400 % for 4 vCPU), otherwise the observed maximum
    /// rounded up to the next 100 %. Values above a limit widen the axis so they stay visible.
    /// - Parameters:
    ///   - values: Cleaned CPU percentages.
    ///   - limitPercent: The server's CPU limit; nil or 0 means unlimited.
    public static func cpu(values: [Double], limitPercent: Double?) -> AxisScale {
        let observed = values.max() ?? 0
        var top: Double
        if let limit = limitPercent, limit > 0, limit.isFinite {
            top = observed > limit ? (observed / 100).rounded(.up) * 100 : limit
        } else {
            top = ((observed / 100).rounded(.down) + 1) * 100
        }
        top = max(top, 1)
        return AxisScale(maximum: top, step: niceStep(for: top), unit: "%")
    }

    /// The memory axis: up to the memory limit when known, otherwise the observed maximum plus 20 % headroom
    /// rounded up to a nice number; shown in GiB from 2 GiB up, else in MiB.
    /// - Parameters:
    ///   - values: Cleaned memory values in MiB.
    ///   - limitMiB: The server's memory limit; nil or 0 means unknown or unlimited.
    public static func memory(values: [Double], limitMiB: Double?) -> AxisScale {
        let observed = values.max() ?? 0
        var top: Double
        if let limit = limitMiB, limit > 0, limit.isFinite, observed <= limit {
            top = limit
        } else {
            top = niceCeiling(max(observed * 1.2, 100))
        }
        if top >= 2048 {
            let gib = top / 1024
            let display = limitMiB.map { $0 > 0 && observed <= $0 } == true ? gib : niceCeiling(gib)
            return AxisScale(maximum: display, step: niceStep(for: display), unit: "GiB", divisor: 1024)
        }
        return AxisScale(maximum: top, step: niceStep(for: top), unit: "MiB")
    }

    /// The players axis: whole players only (a tick at 2.5 players means nothing), up to the server's player limit
    /// when known, otherwise the observed maximum plus 20 % headroom (at least 5). Counts above the limit widen the
    /// axis, as for CPU.
    /// - Parameters:
    ///   - values: Known counts (unknown ones left out).
    ///   - maxPlayers: The limit the game server announced; nil or below 1 means unknown.
    public static func players(values: [Double], maxPlayers: Double?) -> AxisScale {
        let observed = values.filter(\.isFinite).max() ?? 0
        let limit = maxPlayers.flatMap { $0 >= 1 && $0.isFinite ? $0.rounded(.up) : nil }
        if let limit, observed <= limit {
            return AxisScale(maximum: limit, step: wholeStep(for: limit), unit: "")
        }
        let wanted = limit == nil ? max(observed * 1.2, 5) : observed
        let step = wholeStep(for: wanted)
        return AxisScale(maximum: (wanted / step).rounded(.up) * step, step: step, unit: "")
    }

    /// The smallest whole step (1, 2, 5 × 10ⁿ) giving at most five intervals up to `top`.
    static func wholeStep(for top: Double) -> Double {
        guard top.isFinite, top > 5 else { return 1 }
        var magnitude = 1.0
        while true {
            for factor in [1.0, 2, 5] where top / (factor * magnitude) <= 5 {
                return factor * magnitude
            }
            magnitude *= 10
        }
    }

    /// The smallest "round" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ, or only 1, 2, 2.5, 5 × 10ⁿ when
    /// `coarse`) that is at least `value`.
    static func niceCeiling(_ value: Double, coarse: Bool = false) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        let factors: [Double] = coarse ? [1, 2, 2.5, 5, 10] : [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]
        for factor in factors where factor * magnitude >= value * (1 - 1e-12) {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// A tick step giving four to six intervals up to `top`.
    static func niceStep(for top: Double) -> Double {
        niceCeiling(top / 5, coarse: true)
    }
}

/// Number formatting without locale dependence, so graphs are identical on every machine.
enum ValueFormat {
    /// `value` rounded to `decimals` places, with thousands separators: `3,530`, `2.5`.
    static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let factor = pow(10, Double(decimals))
        let scaled = Int((abs(value) * factor).rounded())
        let whole = scaled / Int(factor)
        let fraction = scaled % Int(factor)
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        if value < 0, scaled != 0 { grouped = "-" + grouped }
        guard decimals > 0 else { return grouped }
        var fractionText = String(fraction)
        while fractionText.count < decimals { fractionText = "0" + fractionText }
        return grouped + "." + fractionText
    }
}
