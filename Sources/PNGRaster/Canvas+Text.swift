/// Horizontal placement of text relative to its anchor point (along the text direction when rotated).
public enum TextAlignment: Sendable, Hashable {
    /// The text starts at the anchor.
    case left
    /// The text is centred on the anchor.
    case center
    /// The text ends at the anchor.
    case right
}

/// Vertical placement of text relative to its anchor point.
public enum TextBaseline: Sendable, Hashable {
    /// The anchor is on the baseline.
    case alphabetic
    /// The anchor is half the capital height above the baseline (visually centred digits and capitals).
    case middle
    /// The anchor is at the font's ascent.
    case top
    /// The anchor is at the font's descent.
    case bottom
}

/// Orientation of drawn text.
public enum TextRotation: Sendable, Hashable {
    /// Left to right.
    case none
    /// Bottom to top (rotated 90° counter-clockwise), as for a y-axis label.
    case counterClockwise
}

extension Canvas {
    /// Draws one line of text.
    /// - Parameters:
    ///   - text: The string; characters the font lacks draw as a box.
    ///   - origin: Anchor point, interpreted with `alignment` and `baseline`.
    ///   - font: The typeface (its glyph cache is reused across calls).
    ///   - size: Font size in pixels (the em square).
    ///   - color: Text colour.
    ///   - alignment: Where the anchor lies along the text.
    ///   - baseline: Where the anchor lies across the text.
    ///   - rotation: Text direction.
    public mutating func draw(
        _ text: String,
        at origin: Point,
        font: Font,
        size: Double,
        color: RGBA,
        alignment: TextAlignment = .left,
        baseline: TextBaseline = .alphabetic,
        rotation: TextRotation = .none
    ) {
        guard size > 0, size.isFinite, origin.x.isFinite, origin.y.isFinite, !text.isEmpty else { return }
        let width = font.width(of: text, size: size)
        let along: Double =
            switch alignment {
            case .left: 0
            case .center: -width / 2
            case .right: -width
            }
        let across: Double =
            switch baseline {
            case .alphabetic: 0
            case .middle: font.capHeight(size: size) / 2
            case .top: font.ascent(size: size)
            case .bottom: -font.descent(size: size)
            }
        guard color.a > 0 else { return }
        // One blender for the whole string: its caches carry over from glyph to glyph.
        let area = blendArea
        switch rotation {
        case .none:
            let baselineY = Int((origin.y + across).rounded())
            let glyphs = font.layout(text, size: size, originX: origin.x + along, baselineY: baselineY)
            withSpanBlender(color: color) { blender in
                for glyph in glyphs {
                    Self.blendMask(
                        glyph.mask.coverage,
                        maskWidth: glyph.mask.width,
                        maskHeight: glyph.mask.height,
                        x: glyph.x,
                        y: glyph.y,
                        in: area,
                        with: &blender
                    )
                }
            }
        case .counterClockwise:
            // Lay out horizontally around (0, 0), then map (dx, dy) to (origin.x + dy, origin.y - dx).
            let anchorX = Int((origin.x + across).rounded())
            let anchorY = Int(origin.y.rounded())
            let glyphs = font.layout(text, size: size, originX: along, baselineY: 0)
            withSpanBlender(color: color) { blender in
                for glyph in glyphs {
                    Self.blendRotatedMask(
                        glyph.mask,
                        x: glyph.x,
                        y: glyph.y,
                        anchorX: anchorX,
                        anchorY: anchorY,
                        in: area,
                        with: &blender
                    )
                }
            }
        }
    }

    private static func blendRotatedMask(
        _ mask: GlyphMask,
        x: Int,
        y: Int,
        anchorX: Int,
        anchorY: Int,
        in area: BlendArea,
        with blender: inout SpanBlender
    ) {
        let bounds = area.bounds
        let colorAlpha = Int(blender.color.a)
        for row in 0..<mask.height {
            let column = anchorX + y + row
            guard column >= bounds.x0, column < bounds.x1 else { continue }
            for maskColumn in 0..<mask.width {
                let coverage = Int(mask.coverage[row * mask.width + maskColumn])
                if coverage == 0 { continue }
                let canvasRow = anchorY - (x + maskColumn) - 1
                guard canvasRow >= bounds.y0, canvasRow < bounds.y1 else { continue }
                blender.blendPixel(at: canvasRow * area.width + column, alpha: (coverage * colorAlpha + 127) / 255)
            }
        }
    }
}
