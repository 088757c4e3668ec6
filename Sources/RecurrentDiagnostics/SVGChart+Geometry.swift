#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Polylines clipped to the plotting frame.
extension SVGChart {
    /// Polylines of data points clipped to the frame; `transformed` means y is already in axis units.
    func polylines(_ pieces: [[(x: Double, y: Double)]], _ f: Frame, attributes: String, transformed: Bool = false) -> String {
        var paths: [String] = []
        for piece in pieces where !piece.isEmpty {
            let points = piece.map { (x: $0.x, y: transformed ? $0.y : transformY($0.y)) }
            var current: [(Double, Double)] = []
            func flush() {
                if current.count >= 2 {
                    // Pixel coordinates, dropping points within 0.5 px of the previous kept one (the last is kept).
                    var kept: [(Double, Double)] = []
                    for (index, point) in current.enumerated() {
                        let pixel = (f.px(point.0), f.py(point.1))
                        if let last = kept.last, index < current.count - 1,
                           (pixel.0 - last.0) * (pixel.0 - last.0) + (pixel.1 - last.1) * (pixel.1 - last.1) < 0.25 { continue }
                        kept.append(pixel)
                    }
                    paths.append(kept.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))
                }
                current = []
            }
            if points.count == 1 { continue }
            for i in 1..<points.count {
                guard let (a, b) = clipSegment(points[i - 1], points[i], f) else {
                    flush()
                    continue
                }
                if let last = current.last, last == a {
                    current.append(b)
                } else {
                    flush()
                    current = [a, b]
                }
                if b != points[i] { flush() }
            }
            flush()
        }
        guard !paths.isEmpty else { return "" }
        return paths.map { "<polyline fill=\"none\" \(attributes) points=\"\($0)\"/>" }.joined(separator: "\n") + "\n"
    }

    /// Liang–Barsky: the part of segment p→q inside the frame's data rectangle, or `nil`.
    func clipSegment(_ p: (x: Double, y: Double), _ q: (x: Double, y: Double), _ f: Frame) -> ((Double, Double), (Double, Double))? {
        let dx = q.x - p.x, dy = q.y - p.y
        var t0 = 0.0, t1 = 1.0
        let checks = [(-dx, p.x - f.xMin), (dx, f.xMax - p.x), (-dy, p.y - f.yMin), (dy, f.yMax - p.y)]
        for (pk, qk) in checks {
            if pk == 0 {
                if qk < 0 { return nil }
            } else {
                let r = qk / pk
                if pk < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
                if t0 > t1 { return nil }
            }
        }
        let a = t0 == 0 ? (p.x, p.y) : (p.x + t0 * dx, p.y + t0 * dy)
        let b = t1 == 1 ? (q.x, q.y) : (p.x + t1 * dx, p.y + t1 * dy)
        return (a, b)
    }
}
