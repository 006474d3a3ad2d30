import PNGRaster

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The two typefaces graphs use. Load once and share: each font caches its rendered glyphs.
public struct GraphFonts: Sendable {
    /// Tick labels, legends, axis labels.
    public var regular: Font
    /// Titles.
    public var bold: Font

    /// Creates a font pair.
    public init(regular: Font, bold: Font) {
        self.regular = regular
        self.bold = bold
    }

    /// True when no TrueType font loaded and the built-in bitmap font is used (the caller should log a
    /// warning once).
    public var usesFallback: Bool { regular.isBuiltin }

    /// Loads the configured font (`[Graphs] FontPath`) or DejaVu Sans from its usual locations; the bold face
    /// is DejaVu Sans Bold when present, else the regular face. Never fails: falls back to the built-in font.
    /// - Parameter fontPath: An explicit `.ttf` file tried first.
    public static func load(fontPath: String? = nil) -> GraphFonts {
        let regular = Font.firstAvailable((fontPath.map { [$0] } ?? []) + Font.defaultRegularPaths)
        if regular.isBuiltin { return GraphFonts(regular: regular, bold: regular) }
        let bold = Font.firstAvailable(Font.defaultBoldPaths)
        return GraphFonts(regular: regular, bold: bold.isBuiltin ? regular : bold)
    }
}

/// Draws CPU and memory graphs as PNG bytes in Discord's dark theme. Pure and deterministic: the same input
/// gives the same bytes.
public struct GraphRenderer: Sendable {
    /// Typefaces in use.
    public let fonts: GraphFonts
    /// The PNG settings used for every graph: indexed colour when the picture has at most 256 colours.
    public let encoder = PNGEncoder(colorType: .palette, compressionLevel: 3)

    /// Creates a renderer.
    /// - Parameter fonts: Fonts to draw with; see ``GraphFonts/load(fontPath:)``.
    public init(fonts: GraphFonts) {
        self.fonts = fonts
    }

    /// The CPU graph stacked over the memory graph, and over a smaller players graph when the series has player
    /// counts (800 × 600 by default, with or without players: Discord shows embed images in the same box, so a
    /// taller figure would only be drawn smaller).
    /// - Returns: PNG bytes, or nil when the series is not full yet.
    /// - Throws: ``PNGRasterError`` if compression fails.
    public func combinedPNG(_ input: GraphInput, width: Int = 800, height: Int = 600) throws -> [UInt8]? {
        guard let canvas = combinedCanvas(input, width: width, height: height) else { return nil }
        return try encoder.encode(canvas)
    }

    /// The CPU graph alone (800 × 400 by default).
    /// - Returns: PNG bytes, or nil when the series is not full yet.
    /// - Throws: ``PNGRasterError`` if compression fails.
    public func cpuPNG(_ input: GraphInput, width: Int = 800, height: Int = 400) throws -> [UInt8]? {
        guard let canvas = singleCanvas(input, metric: .cpu, width: width, height: height) else { return nil }
        return try encoder.encode(canvas)
    }

    /// The memory graph alone (800 × 400 by default).
    /// - Returns: PNG bytes, or nil when the series is not full yet.
    /// - Throws: ``PNGRasterError`` if compression fails.
    public func memoryPNG(_ input: GraphInput, width: Int = 800, height: Int = 400) throws -> [UInt8]? {
        guard let canvas = singleCanvas(input, metric: .memory, width: width, height: height) else { return nil }
        return try encoder.encode(canvas)
    }

    /// The combined figure as pixels (for tests and custom encoding); nil when the series is not full yet.
    public func combinedCanvas(_ input: GraphInput, width: Int = 800, height: Int = 600) -> Canvas? {
        guard input.series.hasEnoughData, width >= 200, height >= 200 else { return nil }
        let data = PlotData(input)
        var panels = [panel(.cpu, data), panel(.memory, data)]
        // Heights in main panels: a player count needs less room than CPU or memory.
        var shares = [1.0, 1.0]
        if let scale = data.playerScale {
            panels.append(playersPanel(data, scale: scale))
            shares.append(0.6)
        }
        let w = Double(width)
        let h = Double(height)
        let top = 72.0 * h / 600
        let bottomMargin = 64.0
        // Between panels there is only a panel title: three panels share the height with smaller gaps.
        let gap = (panels.count == 2 ? 58.0 : 46) * h / 600
        let panelHeight = (h - top - bottomMargin - gap * Double(panels.count - 1)) / shares.reduce(0, +)
        let left = plotLeft(panels.map(\.scale))
        let plotWidth = w - left - 18
        var rects: [Rect] = []
        // The first top stays unrounded, as the figure had it before players, so those bytes do not change.
        for (index, share) in shares.enumerated() {
            let above = shares[..<index].reduce(0, +)
            let y = top + above * panelHeight + Double(index) * gap
            rects.append(
                Rect(
                    x: left,
                    y: index == 0 ? y : y.rounded(),
                    width: plotWidth,
                    height: (share * panelHeight).rounded()
                )
            )
        }
        var canvas = Canvas(
            width: width,
            height: height,
            background: Theme.background,
            rectangles: rects.map { ($0, Theme.plot) }
        )
        canvas.coverageLevels = panels.count == 2 ? Theme.coverageLevels : Theme.threePanelCoverageLevels
        drawTitle(&canvas, "\(input.serverName) - Resource Usage", width: w)
        for (index, (panel, rect)) in zip(panels, rects).enumerated() {
            drawPanel(&canvas, data: data, panel: panel, rect: rect, timeLabels: index == panels.count - 1)
        }
        return canvas
    }

    /// One graph as pixels; nil when the series is not full yet.
    func singleCanvas(_ input: GraphInput, metric: Metric, width: Int, height: Int) -> Canvas? {
        guard input.series.hasEnoughData, width >= 200, height >= 150 else { return nil }
        let data = PlotData(input)
        let left = plotLeft([data.cpuScale, data.memoryScale])
        let rect = Rect(x: left, y: 72, width: Double(width) - left - 18, height: Double(height) - 72 - 64)
        var canvas = Canvas(
            width: width,
            height: height,
            background: Theme.background,
            rectangles: [(rect, Theme.plot)]
        )
        canvas.coverageLevels = Theme.coverageLevels
        drawTitle(&canvas, input.serverName, width: Double(width))
        drawPanel(&canvas, data: data, panel: panel(metric, data), rect: rect, timeLabels: true)
        return canvas
    }

    // MARK: - Drawing

    enum Metric {
        case cpu
        case memory
    }

    private enum Theme {
        static let background = RGBA(hex: 0x313338)
        static let plot = RGBA(hex: 0x2B2D31)
        static let text = RGBA(hex: 0xDBDEE1)
        static let mutedText = RGBA(hex: 0xB5BAC1)
        static let grid = RGBA(hex: 0x3F4147)
        static let frame = RGBA(hex: 0x4E5058)
        static let cpu = RGBA(hex: 0x5865F2)
        static let memory = RGBA(hex: 0x57F287)
        static let players = RGBA(hex: 0xFEE75C)
        static let limit = RGBA(hex: 0xED4245)
        /// Antialiasing steps for shapes: smooth to the eye, and few enough colours for a palette PNG.
        static let coverageLevels = 16
        /// Half the steps in the figure with players: a third series' blends would otherwise take it past the 256
        /// colours of a palette PNG, and the encoder would fall back to a much larger RGB image. Looks the same at
        /// graph scale.
        static let threePanelCoverageLevels = 8
        static let titleSize = 18.0
        static let panelTitleSize = 15.0
        static let tickSize = 12.0
        static let labelSize = 13.0
    }

    /// Left edge of the plots: room for the rotated axis label and the widest tick label of the axes, so the
    /// panels of a figure line up.
    private func plotLeft(_ scales: [AxisScale]) -> Double {
        let labels = scales.flatMap { scale in scale.ticks.map { scale.label(for: $0) } }
        let widest = labels.map { fonts.regular.width(of: $0, size: Theme.tickSize) }.max() ?? 0
        return (36 + widest + 10).rounded()
    }

    private func drawTitle(_ canvas: inout Canvas, _ title: String, width: Double) {
        canvas.draw(
            fitted(title, font: fonts.bold, size: Theme.titleSize, width: width - 20),
            at: Point(x: width / 2, y: 26),
            font: fonts.bold,
            size: Theme.titleSize,
            color: Theme.text,
            alignment: .center
        )
    }

    /// Shortens `text` with an ellipsis until it fits `width`.
    private func fitted(_ text: String, font: Font, size: Double, width: Double) -> String {
        guard font.width(of: text, size: size) > width else { return text }
        var characters = Array(text)
        while !characters.isEmpty, font.width(of: String(characters) + "...", size: size) > width {
            characters.removeLast()
        }
        return String(characters) + "..."
    }

    /// What one panel shows. CPU and memory always have every value; player counts may have unknowns (nil),
    /// drawn as gaps.
    private struct Panel {
        var title: String
        var axisLabel: String
        var values: [Double?]
        var scale: AxisScale
        var color: RGBA
        /// Raw value of the dashed limit line.
        var limitRaw: Double?
        /// Text beside the limit line: `limit 400%`, `max 40`.
        var limitLabel: String?
        var callout: String
        /// Whether the legend moves out of the line's way (see ``legendBox(text:rect:avoiding:upperRightIsFree:)``).
        var legendAvoidsData = false
    }

    private func panel(_ metric: Metric, _ data: PlotData) -> Panel {
        let scale = metric == .cpu ? data.cpuScale : data.memoryScale
        let limitRaw = metric == .cpu ? data.cpuLimit : data.memoryLimit
        return Panel(
            title: metric == .cpu ? data.cpuTitle : data.memoryTitle,
            axisLabel: metric == .cpu ? "CPU Usage (%)" : "Memory (\(scale.unit))",
            values: metric == .cpu ? data.cpu : data.memory,
            scale: scale,
            color: metric == .cpu ? Theme.cpu : Theme.memory,
            limitRaw: limitRaw,
            limitLabel: limitRaw.map { "limit " + scale.label(for: $0 / scale.divisor) },
            callout: metric == .cpu ? data.cpuCallout : data.memoryCallout
        )
    }

    private func playersPanel(_ data: PlotData, scale: AxisScale) -> Panel {
        Panel(
            title: data.playersTitle,
            axisLabel: "Players",
            values: data.players,
            scale: scale,
            color: Theme.players,
            limitRaw: data.playerLimit,
            limitLabel: data.playerLimit.map { "max " + scale.label(for: $0) },
            callout: data.playersCallout,
            legendAvoidsData: true
        )
    }

    private func drawPanel(_ canvas: inout Canvas, data: PlotData, panel: Panel, rect: Rect, timeLabels: Bool) {
        let scale = panel.scale
        let color = panel.color
        let limitRaw = panel.limitRaw

        canvas.draw(
            panel.title,
            at: Point(x: rect.x + rect.width / 2, y: rect.y - 11),
            font: fonts.bold,
            size: Theme.panelTitleSize,
            color: Theme.text,
            alignment: .center
        )
        // The plot area itself comes with the canvas (see `combinedCanvas` and `singleCanvas`), written once with
        // the background.

        func y(forRaw value: Double) -> Double {
            rect.maxY - min(max(scale.fraction(ofRaw: value), 0), 1.02) * rect.height
        }
        let xs = data.xFractions.map { rect.x + rect.width * (0.04 + 0.92 * $0) }
        let gridStyle = StrokeStyle(width: 1, cap: .butt, dash: [4, 3])

        // Grid lines on whole-pixel centres so 1 px lines stay crisp; each line is filled on its own so the
        // rasterizer only visits that line's bounding box.
        for tick in scale.ticks where tick > 0 {
            let lineY = (rect.maxY - tick / scale.maximum * rect.height).rounded(.down) + 0.5
            guard lineY > rect.y + 1 else { continue }
            canvas.stroke(
                [Point(x: rect.x, y: lineY), Point(x: rect.maxX, y: lineY)],
                style: gridStyle,
                color: Theme.grid
            )
        }
        for x in xs {
            let lineX = x.rounded(.down) + 0.5
            canvas.stroke(
                [Point(x: lineX, y: rect.y), Point(x: lineX, y: rect.maxY)],
                style: gridStyle,
                color: Theme.grid
            )
        }

        // Tick labels and marks.
        for tick in scale.ticks {
            let tickY = (rect.maxY - tick / scale.maximum * rect.height).rounded(.down) + 0.5
            canvas.fill(Rect(x: rect.x - 5, y: tickY - 0.5, width: 5, height: 1), color: Theme.frame)
            canvas.draw(
                scale.label(for: tick),
                at: Point(x: rect.x - 8, y: tickY),
                font: fonts.regular,
                size: Theme.tickSize,
                color: Theme.mutedText,
                alignment: .right,
                baseline: .middle
            )
        }
        for x in xs {
            canvas.fill(Rect(x: x.rounded(.down), y: rect.maxY, width: 1, height: 5), color: Theme.frame)
        }
        canvas.draw(
            panel.axisLabel,
            at: Point(x: 20, y: rect.y + rect.height / 2),
            font: fonts.regular,
            size: Theme.labelSize,
            color: Theme.mutedText,
            alignment: .center,
            baseline: .middle,
            rotation: .counterClockwise
        )
        if timeLabels {
            for (index, x) in xs.enumerated() {
                canvas.draw(
                    data.timeLabels[index],
                    at: Point(x: x, y: rect.maxY + 20),
                    font: fonts.regular,
                    size: Theme.tickSize,
                    color: Theme.mutedText,
                    alignment: .center
                )
            }
            canvas.draw(
                "Time (\(data.zoneName))",
                at: Point(x: rect.x + rect.width / 2, y: rect.maxY + 42),
                font: fonts.regular,
                size: Theme.labelSize,
                color: Theme.mutedText,
                alignment: .center
            )
        }

        // Frame.
        canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), color: Theme.frame)
        canvas.fill(Rect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color: Theme.frame)
        canvas.fill(Rect(x: rect.x, y: rect.y, width: 1, height: rect.height), color: Theme.frame)
        canvas.fill(Rect(x: rect.maxX - 1, y: rect.y, width: 1, height: rect.height), color: Theme.frame)

        // Data: translucent area, limit line, line, markers — clipped to the plot. Unknown values split the line
        // into runs: a gap says "no answer", where a line through 0 would say "empty".
        canvas.clip = rect
        let runs = Self.runs(of: panel.values).map { run in
            run.map { Point(x: xs[$0], y: y(forRaw: panel.values[$0] ?? 0)) }
        }
        for points in runs where points.count > 1 {
            var area = Path()
            area.move(to: Point(x: points[0].x, y: rect.maxY))
            for point in points { area.line(to: point) }
            area.line(to: Point(x: points[points.count - 1].x, y: rect.maxY))
            area.close()
            canvas.fill(area, color: color.withOpacity(0.22))
        }
        if let limitRaw {
            let limitY = (y(forRaw: limitRaw)).rounded(.down) + 0.5
            canvas.stroke(
                [Point(x: rect.x, y: max(limitY, rect.y + 1)), Point(x: rect.maxX, y: max(limitY, rect.y + 1))],
                style: StrokeStyle(width: 1.5, dash: [7, 4]),
                color: Theme.limit.withOpacity(0.85)
            )
        }
        // The line and markers may overhang the plot by their own thickness, so values at zero or at the top
        // of the axis stay fully visible.
        canvas.clip = Rect(x: rect.x, y: rect.y - 5, width: rect.width, height: rect.height + 10)
        for points in runs where points.count > 1 {
            canvas.stroke(points, style: StrokeStyle(width: 2.5, join: .round, cap: .round), color: color)
        }
        for point in runs.joined() {
            canvas.fillCircle(center: point, radius: 3.8, color: color)
            canvas.fillCircle(center: point, radius: 1.6, color: Theme.plot)
        }
        canvas.clip = nil

        let legend = legendBox(
            text: panel.callout,
            rect: rect,
            avoiding: panel.legendAvoidsData ? runs : nil,
            upperRightIsFree: panel.limitLabel == nil
        )
        drawLegend(&canvas, text: panel.callout, color: color, box: legend)
        if let limitRaw, let limitLabel = panel.limitLabel {
            let limitY = y(forRaw: limitRaw)
            canvas.draw(
                limitLabel,
                at: Point(x: rect.maxX - 8, y: max(limitY + 15, rect.y + 16)),
                font: fonts.regular,
                size: 11,
                color: Theme.limit,
                alignment: .right
            )
        }
    }

    /// Indices of the known values, split where a value is unknown: `[1, nil, 2, 3]` gives `[[0], [2, 3]]`.
    static func runs(of values: [Double?]) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for (index, value) in values.enumerated() {
            if value != nil {
                current.append(index)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Where the legend goes: the upper left corner of the plot, unless `data` is given. Then, like matplotlib's
    /// "best", the first corner (upper left, lower right, lower left, then upper right when no limit label is
    /// there) that the line leaves free, else the one it crosses least: in the small players plot a count under
    /// the legend would be hidden.
    /// - Parameters:
    ///   - text: The legend's text.
    ///   - rect: The plot.
    ///   - data: The runs of the line, in pixels.
    ///   - upperRightIsFree: False when the limit label is in the upper right corner.
    /// - Returns: The legend's box.
    private func legendBox(text: String, rect: Rect, avoiding data: [[Point]]?, upperRightIsFree: Bool) -> Rect {
        let textWidth = fonts.regular.width(of: text, size: Theme.tickSize)
        let width = (textWidth + 52).rounded()
        let upperLeft = Rect(x: rect.x + 8, y: rect.y + 8, width: width, height: 24)
        guard let data else { return upperLeft }
        let right = (rect.maxX - 8 - width).rounded()
        let lower = rect.maxY - 8 - 24
        var corners = [
            upperLeft,
            Rect(x: right, y: lower, width: width, height: 24),
            Rect(x: rect.x + 8, y: lower, width: width, height: 24),
        ]
        if upperRightIsFree { corners.append(Rect(x: right, y: rect.y + 8, width: width, height: 24)) }
        let hits = corners.map { Self.hits(of: data, in: $0.insetBy(-5)) }
        return corners[hits.indices.min { hits[$0] < hits[$1] } ?? 0]
    }

    /// How much of the line and its markers lies in `box`: points sampled every pixel along each run.
    static func hits(of runs: [[Point]], in box: Rect) -> Int {
        func inside(_ point: Point) -> Bool {
            point.x >= box.x && point.x <= box.maxX && point.y >= box.y && point.y <= box.maxY
        }
        var total = 0
        for run in runs {
            if let first = run.first, inside(first) { total += 1 }
            for (from, to) in zip(run, run.dropFirst()) {
                let steps = max(1, Int(max(abs(to.x - from.x), abs(to.y - from.y)).rounded(.up)))
                for step in 1...steps {
                    let t = Double(step) / Double(steps)
                    if inside(Point(x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t)) { total += 1 }
                }
            }
        }
        return total
    }

    private func drawLegend(_ canvas: inout Canvas, text: String, color: RGBA, box: Rect) {
        canvas.fill(roundedRect(box, radius: 4), color: Theme.frame)
        canvas.fill(roundedRect(box.insetBy(1), radius: 3), color: Theme.background.withOpacity(0.92))
        let middle = box.y + box.height / 2
        canvas.stroke(
            [Point(x: box.x + 9, y: middle), Point(x: box.x + 33, y: middle)],
            style: StrokeStyle(width: 2.5, cap: .round),
            color: color
        )
        canvas.fillCircle(center: Point(x: box.x + 21, y: middle), radius: 3.5, color: color)
        canvas.draw(
            text,
            at: Point(x: box.x + 41, y: middle),
            font: fonts.regular,
            size: Theme.tickSize,
            color: Theme.text,
            baseline: .middle
        )
    }

    private func roundedRect(_ rect: Rect, radius: Double) -> Path {
        var path = Path()
        let r = min(radius, rect.width / 2, rect.height / 2)
        path.move(to: Point(x: rect.x + r, y: rect.y))
        path.line(to: Point(x: rect.maxX - r, y: rect.y))
        path.quad(to: Point(x: rect.maxX, y: rect.y + r), control: Point(x: rect.maxX, y: rect.y))
        path.line(to: Point(x: rect.maxX, y: rect.maxY - r))
        path.quad(to: Point(x: rect.maxX - r, y: rect.maxY), control: Point(x: rect.maxX, y: rect.maxY))
        path.line(to: Point(x: rect.x + r, y: rect.maxY))
        path.quad(to: Point(x: rect.x, y: rect.maxY - r), control: Point(x: rect.x, y: rect.maxY))
        path.line(to: Point(x: rect.x, y: rect.y + r))
        path.quad(to: Point(x: rect.x + r, y: rect.y), control: Point(x: rect.x, y: rect.y))
        path.close()
        return path
    }
}
