/// An RGBA8 image in memory with antialiased drawing operations.
///
/// Pixels are stored row by row, four bytes each (straight alpha). All drawing is clipped to ``clip``
/// (when set) and to the canvas bounds, and is deterministic: the same calls give the same bytes.
public struct Canvas: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 4` bytes, RGBA, row-major, top row first.
    public private(set) var pixels: [UInt8]
    /// Drawing is limited to this rectangle when set (in addition to the canvas bounds).
    public var clip: Rect?
    /// Reused coverage accumulation buffer, so drawing does not allocate per shape.
    private var accumulator: [Float] = []

    /// Creates a canvas filled with `background`.
    /// - Parameters:
    ///   - width: Width in pixels (at least 1).
    ///   - height: Height in pixels (at least 1).
    ///   - background: Initial colour of every pixel.
    public init(width: Int, height: Int, background: RGBA = .clear) {
        self.width = max(1, width)
        self.height = max(1, height)
        var pixels = [UInt8](repeating: 0, count: self.width * self.height * 4)
        if background != .clear {
            pixels.withUnsafeMutableBufferPointer { buffer in
                var index = 0
                while index < buffer.count {
                    buffer[index] = background.r
                    buffer[index + 1] = background.g
                    buffer[index + 2] = background.b
                    buffer[index + 3] = background.a
                    index += 4
                }
            }
        }
        self.pixels = pixels
    }

    /// The colour of one pixel (`.clear` outside the canvas).
    public func pixel(x: Int, y: Int) -> RGBA {
        guard x >= 0, y >= 0, x < width, y < height else { return .clear }
        let index = (y * width + x) * 4
        return RGBA(r: pixels[index], g: pixels[index + 1], b: pixels[index + 2], a: pixels[index + 3])
    }

    /// The integer pixel bounds drawing may touch: canvas ∩ clip, as half-open ranges.
    var drawableBounds: (x0: Int, y0: Int, x1: Int, y1: Int) {
        var x0 = 0
        var y0 = 0
        var x1 = width
        var y1 = height
        if let clip {
            x0 = max(x0, Int(clip.x.rounded(.down)))
            y0 = max(y0, Int(clip.y.rounded(.down)))
            x1 = min(x1, Int(clip.maxX.rounded(.up)))
            y1 = min(y1, Int(clip.maxY.rounded(.up)))
        }
        return (x0, y0, max(x0, x1), max(y0, y1))
    }

    // MARK: - Filling

    /// Fills `path` with `color` using the non-zero winding rule and exact-area antialiasing.
    public mutating func fill(_ path: Path, color: RGBA) {
        guard color.a > 0 else { return }
        let contours = path.allContours
        guard !contours.isEmpty else { return }
        var minX = Double.infinity
        var minY = Double.infinity
        var maxX = -Double.infinity
        var maxY = -Double.infinity
        for contour in contours {
            for point in contour {
                guard point.x.isFinite, point.y.isFinite else { return }
                minX = min(minX, point.x)
                minY = min(minY, point.y)
                maxX = max(maxX, point.x)
                maxY = max(maxY, point.y)
            }
        }
        let bounds = drawableBounds
        let x0 = max(bounds.x0, Int(minX.rounded(.down)))
        let y0 = max(bounds.y0, Int(minY.rounded(.down)))
        let x1 = min(bounds.x1, Int(maxX.rounded(.up)))
        let y1 = min(bounds.y1, Int(maxY.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return }
        // Clip rectangles are whole pixels; sub-pixel clip edges are rounded outwards.
        let boxWidth = x1 - x0
        let boxHeight = y1 - y0
        let stride = boxWidth + 2
        let needed = stride * boxHeight
        if accumulator.count < needed {
            accumulator = [Float](repeating: 0, count: needed)
        }
        let canvasWidth = width
        accumulator.withUnsafeMutableBufferPointer { accumulation in
            let raster = CoverageAccumulator(
                buffer: accumulation,
                width: boxWidth,
                height: boxHeight,
                stride: stride,
                originX: Double(x0),
                originY: Double(y0)
            )
            for contour in contours {
                var previous = contour[contour.count - 1]
                for point in contour {
                    raster.addLine(from: previous, to: point)
                    previous = point
                }
            }
            let colorAlpha = Float(color.a)
            pixels.withUnsafeMutableBufferPointer { target in
                raster.resolve { row, column, coverage in
                    let alpha = Int(coverage * colorAlpha + 0.5)
                    if alpha > 0 {
                        Canvas.blend(
                            target,
                            index: ((y0 + row) * canvasWidth + x0 + column) * 4,
                            color: color,
                            alpha: alpha
                        )
                    }
                }
            }
        }
    }

    /// Fills a rectangle; pixel-aligned rectangles take a fast path without the rasterizer.
    public mutating func fill(_ rect: Rect, color: RGBA) {
        let aligned =
            rect.x == rect.x.rounded() && rect.y == rect.y.rounded() && rect.width == rect.width.rounded()
            && rect.height == rect.height.rounded()
        guard aligned else {
            var path = Path()
            path.addRect(rect)
            fill(path, color: color)
            return
        }
        let bounds = drawableBounds
        let x0 = max(bounds.x0, Int(rect.x))
        let y0 = max(bounds.y0, Int(rect.y))
        let x1 = min(bounds.x1, Int(rect.maxX))
        let y1 = min(bounds.y1, Int(rect.maxY))
        guard x1 > x0, y1 > y0, color.a > 0 else { return }
        let canvasWidth = width
        pixels.withUnsafeMutableBufferPointer { target in
            for y in y0..<y1 {
                var index = (y * canvasWidth + x0) * 4
                for _ in x0..<x1 {
                    Canvas.blend(target, index: index, color: color, alpha: Int(color.a))
                    index += 4
                }
            }
        }
    }

    /// Fills a circle (e.g. a data point marker).
    public mutating func fillCircle(center: Point, radius: Double, color: RGBA) {
        var path = Path()
        path.addCircle(center: center, radius: radius)
        fill(path, color: color)
    }

    /// Strokes a polyline with `style` (solid or dashed, any width, round/miter/bevel joins).
    public mutating func stroke(_ points: [Point], style: StrokeStyle, color: RGBA) {
        fill(Path.stroke(points, style: style), color: color)
    }

    /// Blends a coverage mask (one byte per pixel, 255 = full) whose top-left pixel lands at (`x`, `y`).
    /// Used for cached glyph bitmaps.
    mutating func blendMask(
        _ mask: [UInt8],
        maskWidth: Int,
        maskHeight: Int,
        x: Int,
        y: Int,
        color: RGBA
    ) {
        let bounds = drawableBounds
        let startX = max(bounds.x0, x)
        let startY = max(bounds.y0, y)
        let endX = min(bounds.x1, x + maskWidth)
        let endY = min(bounds.y1, y + maskHeight)
        guard endX > startX, endY > startY, color.a > 0 else { return }
        let canvasWidth = width
        let colorAlpha = Int(color.a)
        pixels.withUnsafeMutableBufferPointer { target in
            mask.withUnsafeBufferPointer { source in
                for row in startY..<endY {
                    let maskRow = (row - y) * maskWidth - x
                    for column in startX..<endX {
                        let coverage = Int(source[maskRow + column])
                        if coverage == 0 { continue }
                        let alpha = (coverage * colorAlpha + 127) / 255
                        Canvas.blend(target, index: (row * canvasWidth + column) * 4, color: color, alpha: alpha)
                    }
                }
            }
        }
    }

    /// Runs `body` with direct access to the pixel bytes.
    mutating func pixelsWithUnsafeMutableBuffer(_ body: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        pixels.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Source-over blending of `color` at `alpha` (0...255) into the pixel at byte `index`.
    @inline(__always)
    static func blend(_ target: UnsafeMutableBufferPointer<UInt8>, index: Int, color: RGBA, alpha: Int) {
        let destinationAlpha = Int(target[index + 3])
        if alpha >= 255 {
            target[index] = color.r
            target[index + 1] = color.g
            target[index + 2] = color.b
            target[index + 3] = 255
        } else if destinationAlpha == 255 {
            let inverse = 255 - alpha
            target[index] = UInt8((Int(color.r) * alpha + Int(target[index]) * inverse + 127) / 255)
            target[index + 1] = UInt8((Int(color.g) * alpha + Int(target[index + 1]) * inverse + 127) / 255)
            target[index + 2] = UInt8((Int(color.b) * alpha + Int(target[index + 2]) * inverse + 127) / 255)
        } else {
            // General straight-alpha "over": out = src·a + dst·da·(1-a), divided by the resulting alpha.
            let weightedDestination = destinationAlpha * (255 - alpha)
            let outAlpha255 = alpha * 255 + weightedDestination
            guard outAlpha255 > 0 else { return }
            func mix(_ source: UInt8, _ destination: UInt8) -> UInt8 {
                UInt8(
                    (Int(source) * alpha * 255 + Int(destination) * weightedDestination + outAlpha255 / 2) / outAlpha255
                )
            }
            target[index] = mix(color.r, target[index])
            target[index + 1] = mix(color.g, target[index + 1])
            target[index + 2] = mix(color.b, target[index + 2])
            target[index + 3] = UInt8((outAlpha255 + 127) / 255)
        }
    }
}
