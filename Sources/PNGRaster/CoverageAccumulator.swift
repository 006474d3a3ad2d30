/// Exact-area coverage rasterizer working on a signed accumulation buffer.
///
/// Every edge deposits, in each pixel it crosses, the signed area it sweeps to the right edge of that pixel
/// row; a running sum along the row then gives each pixel's winding-weighted coverage. Taking `min(1, |sum|)`
/// approximates the non-zero rule (exact wherever contours do not overlap inside a pixel). Cost is linear in
/// edge length plus the box area, with no per-pixel allocation.
struct CoverageAccumulator {
    let buffer: UnsafeMutableBufferPointer<Float>
    let width: Int
    let height: Int
    let stride: Int
    let originX: Double
    let originY: Double

    /// Accumulates one directed edge (canvas coordinates).
    func addLine(from start: Point, to end: Point) {
        let ax = start.x - originX
        let ay = start.y - originY
        let bx = end.x - originX
        let by = end.y - originY
        if ay == by { return }
        let (direction, top, bottom): (Float, (Double, Double), (Double, Double)) =
            ay < by ? (1, (ax, ay), (bx, by)) : (-1, (bx, by), (ax, ay))
        let slope = (bottom.0 - top.0) / (bottom.1 - top.1)
        let limitY = Double(height)
        let startY = max(0, top.1)
        let endY = min(limitY, bottom.1)
        guard endY > startY else { return }
        let maxX = Double(width)
        var x = top.0 + (startY - top.1) * slope
        let firstRow = Int(startY)
        let lastRow = Int(endY.rounded(.up))
        for row in firstRow..<lastRow {
            let rowTop = max(Double(row), startY)
            let rowBottom = min(Double(row + 1), endY)
            let dy = rowBottom - rowTop
            if dy <= 0 { continue }
            let nextX = x + slope * dy
            let delta = Float(dy) * direction
            let left = min(max(min(x, nextX), 0), maxX)
            let right = min(max(max(x, nextX), 0), maxX)
            let base = row * stride
            // Both are clamped to 0...maxX, where truncation is floor; `rounded` would call libm on baseline x86-64.
            let leftIndex = Int(left)
            let leftFloor = Double(leftIndex)
            let rightTruncated = Int(right)
            let rightIndex = Double(rightTruncated) < right ? rightTruncated + 1 : rightTruncated
            let rightCeil = Double(rightIndex)
            if rightIndex <= leftIndex + 1 {
                // The edge stays within one pixel column in this row: split by its mean x.
                let mid = Float((left + right) * 0.5 - leftFloor)
                buffer[base + leftIndex] += delta * (1 - mid)
                buffer[base + leftIndex + 1] += delta * mid
            } else {
                let inverse = 1 / (right - left)
                let leftFraction = left - leftFloor
                let firstArea = 0.5 * inverse * (1 - leftFraction) * (1 - leftFraction)
                let rightFraction = right - rightCeil + 1
                let lastArea = 0.5 * inverse * rightFraction * rightFraction
                buffer[base + leftIndex] += delta * Float(firstArea)
                if rightIndex == leftIndex + 2 {
                    buffer[base + leftIndex + 1] += delta * Float(1 - firstArea - lastArea)
                } else {
                    let secondArea = inverse * (1.5 - leftFraction)
                    buffer[base + leftIndex + 1] += delta * Float(secondArea - firstArea)
                    let perColumn = delta * Float(inverse)
                    if leftIndex + 2 < rightIndex - 1 {
                        for column in (leftIndex + 2)..<(rightIndex - 1) {
                            buffer[base + column] += perColumn
                        }
                    }
                    let beforeLast = secondArea + Double(rightIndex - leftIndex - 3) * inverse
                    buffer[base + rightIndex - 1] += delta * Float(1 - beforeLast - lastArea)
                }
                buffer[base + rightIndex] += delta * Float(lastArea)
            }
            x = nextX
        }
    }

    /// Walks the box row by row, reporting each covered pixel's coverage (0...1], and clears the buffer.
    @inline(__always)
    func resolve(_ body: (_ row: Int, _ column: Int, _ coverage: Float) -> Void) {
        for row in 0..<height {
            let base = row * stride
            var sum: Float = 0
            for column in 0..<width {
                let cell = buffer[base + column]
                // Outside every shape: nothing to add and nothing to draw.
                if cell == 0, sum == 0 { continue }
                sum += cell
                buffer[base + column] = 0
                // Snap rounding residue after a shape closes, so the skip above applies again.
                if abs(sum) < 1e-4 { sum = 0 }
                let coverage = min(1, abs(sum))
                if coverage >= 0.5 / 255 {
                    body(row, column, coverage)
                }
            }
            buffer[base + width] = 0
            buffer[base + width + 1] = 0
        }
    }

    /// Like ``resolve(_:)`` but reports runs: each call covers columns `start..<end` of `row` with one coverage
    /// (0...1]. Inside a shape, where no edge deposits anything, whole spans come in one call, so callers can
    /// fill them without per-pixel coverage work. Clears the buffer.
    @inline(__always)
    func resolveSpans(_ body: (_ row: Int, _ start: Int, _ end: Int, _ coverage: Float) -> Void) {
        for row in 0..<height {
            let base = row * stride
            var sum: Float = 0
            var column = 0
            while column < width {
                let cell = buffer[base + column]
                if cell == 0 {
                    // A run without edges keeps the running sum: find where it ends.
                    var end = column + 1
                    end = zeroRunEnd(from: end, limit: base + width, base: base)
                    while end < width, buffer[base + end] == 0 { end += 1 }
                    if sum != 0 {
                        let coverage = min(1, abs(sum))
                        if coverage >= 0.5 / 255 { body(row, column, end, coverage) }
                    }
                    column = end
                    continue
                }
                sum += cell
                buffer[base + column] = 0
                if abs(sum) < 1e-4 { sum = 0 }
                let coverage = min(1, abs(sum))
                if coverage >= 0.5 / 255 { body(row, column, column + 1, coverage) }
                column += 1
            }
            buffer[base + width] = 0
            buffer[base + width + 1] = 0
        }
    }

    /// Skips cells in chunks while all of them are exactly zero (as bits), from column `start` of the row
    /// starting at `base`; returns the first column of the first chunk that is not all zero (or where fewer than
    /// four cells remain). The caller finishes the scan cell by cell.
    @inline(__always)
    private func zeroRunEnd(from start: Int, limit: Int, base: Int) -> Int {
        guard let pointer = buffer.baseAddress else { return start }
        let raw = UnsafeRawPointer(pointer)
        var index = base &+ start
        // Sixteen cells per step as bit patterns: packed compares even on baseline x86-64.
        while index &+ 16 <= limit,
            !any(raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<UInt32>.self) .!= .zero)
        {
            index &+= 16
        }
        while index &+ 4 <= limit,
            !any(raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD4<UInt32>.self) .!= .zero)
        {
            index &+= 4
        }
        return index &- base
    }
}
