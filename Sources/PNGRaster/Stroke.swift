/// How two stroked segments meet.
public enum LineJoin: Sendable, Hashable {
    /// Sharp corner, falling back to a bevel past the miter limit.
    case miter
    /// Rounded corner.
    case round
    /// Corner cut straight across.
    case bevel
}

/// How an open stroke ends.
public enum LineCap: Sendable, Hashable {
    /// Ends exactly at the end point.
    case butt
    /// Ends with a half circle.
    case round
    /// Ends with a half square beyond the end point.
    case square
}

/// The geometry of a stroke.
public struct StrokeStyle: Sendable, Hashable {
    /// Line width in pixels.
    public var width: Double
    /// Corner shape.
    public var join: LineJoin
    /// End shape (also used for each dash).
    public var cap: LineCap
    /// Longest miter, as a multiple of half the width, before it turns into a bevel.
    public var miterLimit: Double
    /// Alternating on/off lengths in pixels; empty for a solid line.
    public var dash: [Double]

    /// Creates a stroke style.
    public init(
        width: Double,
        join: LineJoin = .round,
        cap: LineCap = .butt,
        miterLimit: Double = 4,
        dash: [Double] = []
    ) {
        self.width = width
        self.join = join
        self.cap = cap
        self.miterLimit = miterLimit
        self.dash = dash
    }
}

extension Path {
    /// The outline of a polyline stroked with `style`, as oriented polygons to fill with the non-zero rule.
    /// - Parameters:
    ///   - points: The polyline's vertices.
    ///   - style: Width, joins, caps and dash pattern.
    /// - Returns: A path covering the stroked area.
    public static func stroke(_ points: [Point], style: StrokeStyle) -> Path {
        var path = Path()
        let halfWidth = style.width / 2
        guard halfWidth > 0, halfWidth.isFinite else { return path }
        let pattern = style.dash.filter { $0 > 0 && $0.isFinite }
        if pattern.count >= 2 {
            for piece in dashPieces(points, pattern: pattern) {
                path.addStroke(piece, halfWidth: halfWidth, style: style)
            }
        } else {
            path.addStroke(points, halfWidth: halfWidth, style: style)
        }
        return path
    }

    /// Splits a polyline into the "on" pieces of a dash pattern.
    static func dashPieces(_ points: [Point], pattern: [Double]) -> [[Point]] {
        var pieces: [[Point]] = []
        var index = 0
        var remaining = pattern[0]
        var on = true
        var piece: [Point] = points.isEmpty ? [] : [points[0]]
        for segment in 0..<max(0, points.count - 1) {
            var start = points[segment]
            let end = points[segment + 1]
            var length = (end - start).length
            while length > 0 {
                let step = min(length, remaining)
                let t = step / length
                let point = start + (end - start) * t
                if on { piece.append(point) }
                length -= step
                remaining -= step
                start = point
                if remaining <= 1e-9 {
                    if on, piece.count >= 2 { pieces.append(piece) }
                    on.toggle()
                    index = (index + 1) % pattern.count
                    remaining = pattern[index]
                    piece = on ? [point] : []
                }
            }
        }
        if on, piece.count >= 2 { pieces.append(piece) }
        return pieces
    }

    private mutating func addStroke(_ input: [Point], halfWidth: Double, style: StrokeStyle) {
        var points: [Point] = []
        points.reserveCapacity(input.count)
        for point in input where point.x.isFinite && point.y.isFinite {
            if let last = points.last, (point - last).length < 1e-9 { continue }
            points.append(point)
        }
        if points.count == 1 {
            if style.cap == .round { addCircle(center: points[0], radius: halfWidth) }
            if style.cap == .square {
                addRect(
                    Rect(
                        x: points[0].x - halfWidth,
                        y: points[0].y - halfWidth,
                        width: 2 * halfWidth,
                        height: 2 * halfWidth
                    )
                )
            }
            return
        }
        guard points.count >= 2 else { return }
        var normals: [Point] = []
        normals.reserveCapacity(points.count - 1)
        for index in 0..<(points.count - 1) {
            let direction = points[index + 1] - points[index]
            let length = direction.length
            normals.append(Point(x: -direction.y / length, y: direction.x / length))
        }
        for index in 0..<(points.count - 1) {
            var start = points[index]
            var end = points[index + 1]
            let offset = normals[index] * halfWidth
            if style.cap == .square {
                let along = Point(x: normals[index].y, y: -normals[index].x) * halfWidth
                if index == 0 { start = start - along }
                if index == points.count - 2 { end = end + along }
            }
            addOrientedPolygon([start + offset, end + offset, end - offset, start - offset])
        }
        for index in 1..<max(1, points.count - 1) {
            addJoin(at: points[index], from: normals[index - 1], to: normals[index], halfWidth: halfWidth, style: style)
        }
        if style.cap == .round {
            addCircle(center: points[0], radius: halfWidth)
            addCircle(center: points[points.count - 1], radius: halfWidth)
        }
    }

    private mutating func addJoin(at point: Point, from n0: Point, to n1: Point, halfWidth: Double, style: StrokeStyle)
    {
        // Directions are the normals rotated back: d = (n.y, -n.x).
        let cross = n0.y * (-n1.x) - (-n0.x) * n1.y
        if abs(cross) < 1e-9 && (n0.x * n1.x + n0.y * n1.y) > 0 { return }
        if style.join == .round {
            addCircle(center: point, radius: halfWidth)
            return
        }
        let side: Double = cross > 0 ? -1 : 1
        let outer0 = point + n0 * (halfWidth * side)
        let outer1 = point + n1 * (halfWidth * side)
        let bisector = n0 + n1
        let bisectorLength = bisector.length
        if style.join == .miter, bisectorLength > 1e-9 {
            let unit = bisector * (1 / bisectorLength)
            let cosine = unit.x * n0.x + unit.y * n0.y
            if cosine > 1 / style.miterLimit {
                let tip = point + unit * (halfWidth * side / cosine)
                addOrientedPolygon([point, outer0, tip, outer1])
                return
            }
        }
        addOrientedPolygon([point, outer0, outer1])
    }
}
