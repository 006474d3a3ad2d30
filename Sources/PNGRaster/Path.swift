#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of closed polygons (contours) in canvas pixel space, filled with the non-zero winding rule.
///
/// Curves are flattened into line segments as they are added, so a path is just a list of vertex lists.
public struct Path: Sendable, Equatable {
    /// The contours; each one is implicitly closed when filled.
    public private(set) var contours: [[Point]] = []
    private var current: [Point] = []

    /// Creates an empty path.
    public init() {}

    /// Creates a path holding one polygon.
    public init(polygon: [Point]) {
        addPolygon(polygon)
    }

    /// Starts a new contour at `point` (closing the previous one).
    public mutating func move(to point: Point) {
        close()
        current = [point]
    }

    /// Adds a straight segment from the current point to `point`.
    public mutating func line(to point: Point) {
        if current.isEmpty {
            current = [point]
        } else if current[current.count - 1] != point {
            current.append(point)
        }
    }

    /// Adds a quadratic Bézier curve from the current point through `control` to `point`, flattened to
    /// segments no further than about 0.1 px from the true curve.
    public mutating func quad(to point: Point, control: Point) {
        guard let start = current.last else {
            current = [point]
            return
        }
        // The distance between the control point and the chord bounds the deviation; subdivide accordingly.
        let deviation = (start - control * 2 + point).length
        let steps = max(1, min(64, Int((deviation / 0.4).squareRoot().rounded(.up))))
        for step in 1...steps {
            let t = Double(step) / Double(steps)
            let u = 1 - t
            let x = u * u * start.x + 2 * u * t * control.x + t * t * point.x
            let y = u * u * start.y + 2 * u * t * control.y + t * t * point.y
            line(to: Point(x: x, y: y))
        }
    }

    /// Closes the current contour.
    public mutating func close() {
        if current.count >= 3 {
            contours.append(current)
        }
        current = []
    }

    /// Adds a closed polygon as its own contour.
    public mutating func addPolygon(_ points: [Point]) {
        close()
        if points.count >= 3 {
            contours.append(points)
        }
    }

    /// Adds a polygon oriented so that its signed area is positive; strokes use this so that overlapping
    /// pieces add up instead of cancelling under the non-zero rule.
    mutating func addOrientedPolygon(_ points: [Point]) {
        close()
        guard points.count >= 3 else { return }
        contours.append(Path.signedArea(points) < 0 ? points.reversed() : points)
    }

    /// Adds an axis-aligned rectangle.
    public mutating func addRect(_ rect: Rect) {
        addOrientedPolygon([
            Point(x: rect.x, y: rect.y), Point(x: rect.maxX, y: rect.y),
            Point(x: rect.maxX, y: rect.maxY), Point(x: rect.x, y: rect.maxY),
        ])
    }

    /// Adds a circle, flattened finely enough that its area is within a fraction of a percent of πr².
    public mutating func addCircle(center: Point, radius: Double) {
        guard radius > 0, radius.isFinite else { return }
        // Sagitta r(1 - cos(π/n)) ≈ rπ²/2n² kept under ~0.02 px.
        let count = max(12, min(720, Int((Double.pi * (radius / 0.04).squareRoot()).rounded(.up))))
        var points: [Point] = []
        points.reserveCapacity(count)
        // Each vertex is the previous one turned by one step: two trig calls per circle instead of two per vertex
        // (markers and round joins make dozens of circles per graph). The drift over 720 steps is ~1e-13 px.
        let step = 2 * Double.pi / Double(count)
        let (stepCos, stepSin) = (cos(step), sin(step))
        var (dx, dy) = (radius, 0.0)
        for _ in 0..<count {
            points.append(Point(x: center.x + dx, y: center.y + dy))
            (dx, dy) = (dx * stepCos - dy * stepSin, dx * stepSin + dy * stepCos)
        }
        addOrientedPolygon(points)
    }

    /// Appends every contour of `other`.
    public mutating func append(_ other: Path) {
        close()
        contours.append(contentsOf: other.contours)
    }

    /// True when the path has no contour.
    public var isEmpty: Bool { contours.isEmpty && current.count < 3 }

    /// All contours, including an unclosed current one.
    var allContours: [[Point]] {
        current.count >= 3 ? contours + [current] : contours
    }

    /// The shoelace area (positive when the polygon turns clockwise on screen, since y points down).
    static func signedArea(_ points: [Point]) -> Double {
        var sum = 0.0
        var previous = points[points.count - 1]
        for point in points {
            sum += previous.x * point.y - point.x * previous.y
            previous = point
        }
        return sum / 2
    }
}
