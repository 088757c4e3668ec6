#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-contained SVG chart: line charts (optionally log-scale y), scatter plots, and
/// equal-aspect plots such as the complex plane with the unit circle.
///
/// The chart maps data coordinates to a plot rectangle with "nice" ticks (1, 2 or 5 × 10ᵏ),
/// draws a frame, grid, axis labels, an optional legend, dashed horizontal or vertical
/// reference lines, and each ``Series`` as a polyline, markers, or both. Lines are clipped to
/// the plot rectangle in data space (Liang–Barsky), so trajectories that leave the window
/// (or grow without bound) are cut at its edge; non-finite points break a line. The output
/// needs no fonts or scripts beyond SVG 1.1 and renders in browsers and in cairosvg.
///
/// Several charts can be laid out as panels of one picture with ``SVGFigure``.
///
/// ```swift
/// // A learning curve with a baseline.
/// var chart = SVGChart(title: "addition (T = 150)", xLabel: "steps", yLabel: "test MSE", logY: true,
///                      series: [.init(name: "nprnn", points: [(0, 0.17), (500, 0.02), (1000, 0.001)])],
///                      references: [(0.167, "baseline")])
/// let svg = chart.render()
///
/// // Eigenvalues in the complex plane.
/// var plane = SVGChart(title: "spectrum", xLabel: "Re λ", yLabel: "Im λ")
/// plane.series = [.init(name: "W_hh", points: [(0.5, 0.5), (0.5, -0.5)], style: .markers)]
/// plane.equalAspect = true
/// plane.unitCircle = true
/// plane.zeroAxes = true
/// ```
public struct SVGChart: Sendable {
    /// How a series is drawn.
    ///
    /// ```swift
    /// let scatter = SVGChart.Series(name: "λ", points: [(1, 0)], style: .markers)
    /// ```
    public enum Style: Sendable, Equatable {
        /// A polyline through the points in order.
        case line
        /// A filled circle at each point.
        case markers
        /// An unfilled circle at each point.
        case openMarkers
        /// A polyline with a filled circle at each point.
        case lineAndMarkers
    }

    /// Where the legend goes (only series with a non-empty name are listed).
    ///
    /// ```swift
    /// var chart = SVGChart(title: "", xLabel: "x", yLabel: "y")
    /// chart.legend = .insideTopLeft
    /// ```
    public enum LegendPlacement: Sendable, Equatable {
        /// To the right of the plot (the chart reserves a margin for it).
        case right
        /// In the plot's top-left corner, on a white box.
        case insideTopLeft
        /// In the plot's top-right corner, on a white box.
        case insideTopRight
        /// No legend.
        case hidden
    }

    /// One data set: points in data coordinates and how to draw them.
    ///
    /// ```swift
    /// var s = SVGChart.Series(name: "before", points: [(0.9, 0), (0.2, 0.1)], style: .openMarkers)
    /// s.color = "#888888"
    /// s.markerRadius = 4
    /// ```
    public struct Series: Sendable {
        /// Legend text; an empty name keeps the series out of the legend.
        public var name: String
        /// (x, y) in data coordinates; a non-finite point breaks a line.
        public var points: [(x: Double, y: Double)]
        /// Line, markers or both.
        public var style: Style
        /// Any SVG colour (`"#1f77b4"`, `"red"`); `nil` takes the next colour of ``SVGChart/palette``.
        public var color: String?
        /// Stroke width of the line in pixels.
        public var lineWidth: Double
        /// Marker radius in pixels.
        public var markerRadius: Double
        /// Opacity in [0, 1] of lines and markers.
        public var opacity: Double
        /// Draw the line dashed.
        public var dashed: Bool

        /// Creates a series.
        ///
        /// - Parameters:
        ///   - name: legend text (empty: not listed).
        ///   - points: the data, (x, y) pairs.
        ///   - style: default ``Style/line``.
        ///   - color: default `nil` (palette).
        ///
        /// ```swift
        /// let s = SVGChart.Series(name: "lstm", points: [(0, 1), (1, 0.5)])
        /// ```
        public init(name: String, points: [(x: Double, y: Double)], style: Style = .line, color: String? = nil) {
            self.name = name
            self.points = points
            self.style = style
            self.color = color
            self.lineWidth = 2
            self.markerRadius = 3
            self.opacity = 1
            self.dashed = false
        }
    }

    /// Chart title, drawn above the plot.
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis.
    public var yLabel: String
    /// Logarithmic y axis (decades as ticks; points with y ≤ 0 are skipped).
    public var logY: Bool
    /// The data sets, drawn in order (later ones on top).
    public var series: [Series]
    /// Dashed horizontal lines y = value with a label, e.g. a baseline.
    public var references: [(Double, String)]
    /// Dashed vertical lines x = value with a label.
    public var verticalReferences: [(Double, String)]
    /// Text placed at data coordinates (x, y), drawn just above and to the right of the point;
    /// skipped when the point is outside the window.
    public var annotations: [(x: Double, y: Double, text: String)]
    /// Fixed x range; `nil` fits the data (with 5 % padding).
    public var xRange: ClosedRange<Double>?
    /// Fixed y range; `nil` fits the data (with 5 % padding, or whole decades with ``logY``).
    public var yRange: ClosedRange<Double>?
    /// One data unit has the same length on both axes (ranges are widened to fill the plot).
    public var equalAspect: Bool
    /// Draw the dashed unit circle |z| = 1 (and include it in the automatic ranges).
    public var unitCircle: Bool
    /// Draw thin lines along x = 0 and y = 0 when they are inside the ranges.
    public var zeroAxes: Bool
    /// Legend placement.
    public var legend: LegendPlacement
    /// Total width in pixels.
    public var width: Double
    /// Total height in pixels.
    public var height: Double

    /// Colours assigned in turn to series without an explicit colour (Tableau 10).
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// Creates a chart; every appearance option can be changed afterwards.
    ///
    /// - Parameters:
    ///   - title: text above the plot.
    ///   - xLabel: x-axis label.
    ///   - yLabel: y-axis label.
    ///   - logY: log-scale y (default `false`).
    ///   - series: the data (default none).
    ///   - references: dashed horizontal lines (value, label) (default none).
    ///   - width: pixels (default 720).
    ///   - height: pixels (default 440).
    ///
    /// ```swift
    /// let chart = SVGChart(title: "loss", xLabel: "step", yLabel: "MSE", logY: true,
    ///                      series: [.init(name: "srnn", points: [(0, 1), (10, 0.1)])])
    /// ```
    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series] = [],
                references: [(Double, String)] = [], width: Double = 720, height: Double = 440) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
        self.references = references
        self.verticalReferences = []
        self.annotations = []
        self.xRange = nil
        self.yRange = nil
        self.equalAspect = false
        self.unitCircle = false
        self.zeroAxes = false
        self.legend = .right
        self.width = width
        self.height = height
    }

    /// The chart as a complete SVG document.
    ///
    /// - Returns: UTF-8 text starting with `<svg xmlns=…>`.
    ///
    /// ```swift
    /// try FileIO.writeAtomically(Array(chart.render().utf8), to: "chart.svg")
    /// ```
    public func render() -> String {
        svgHeader(width: width, height: height) + elements() + "</svg>\n"
    }

    // MARK: Layout

    struct Frame {
        var left: Double, top: Double, width: Double, height: Double
        var xMin: Double, xMax: Double, yMin: Double, yMax: Double  // y in transformed (log10) units when logY
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * width }
        func py(_ ty: Double) -> Double { top + height - (ty - yMin) / (yMax - yMin) * height }
    }

    var hasLegendEntries: Bool { series.contains { !$0.name.isEmpty } }

    func transformY(_ y: Double) -> Double { logY ? log10(y) : y }

    func usable(_ p: (x: Double, y: Double)) -> Bool { p.x.isFinite && p.y.isFinite && (!logY || p.y > 0) }

    func frame() -> Frame {
        let left = 70.0, top = title.isEmpty ? 20.0 : 40.0, bottom = 55.0
        let longestName = series.map(\.name.count).max() ?? 0
        let right = legend == .right && hasLegendEntries ? max(170.0, 50 + 7 * Double(longestName)) : 25.0
        let plotW = max(width - left - right, 10), plotH = max(height - top - bottom, 10)

        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for p in s.points where usable(p) {
                xs.append(p.x)
                ys.append(transformY(p.y))
            }
        }
        ys += references.map(\.0).filter { !logY || $0 > 0 }.map(transformY)
        xs += verticalReferences.map(\.0)
        if unitCircle {
            xs += [-1, 1]
            ys += [-1, 1]
        }
        var xMin = xs.min() ?? 0, xMax = xs.max() ?? 1
        var yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        if let xRange {
            (xMin, xMax) = (xRange.lowerBound, xRange.upperBound)
        } else {
            let pad = (xMax - xMin) * 0.05
            (xMin, xMax) = pad > 0 ? (xMin - pad, xMax + pad) : (xMin - 0.5 - xMin.magnitude * 0.05, xMax + 0.5 + xMax.magnitude * 0.05)
        }
        if let yRange {
            (yMin, yMax) = (transformY(yRange.lowerBound), transformY(yRange.upperBound))
        } else if logY {
            yMin = floor(yMin)
            yMax = max(ceil(yMax), yMin + 1)
        } else {
            let pad = (yMax - yMin) * 0.05
            (yMin, yMax) = pad > 0 ? (yMin - pad, yMax + pad) : (yMin - 0.5 - yMin.magnitude * 0.05, yMax + 0.5 + yMax.magnitude * 0.05)
        }
        if equalAspect && !logY {
            // Widen the range that is short relative to its pixels, about its centre.
            let unitsPerPixel = max((xMax - xMin) / plotW, (yMax - yMin) / plotH)
            let xCentre = (xMin + xMax) / 2, yCentre = (yMin + yMax) / 2
            xMin = xCentre - unitsPerPixel * plotW / 2
            xMax = xCentre + unitsPerPixel * plotW / 2
            yMin = yCentre - unitsPerPixel * plotH / 2
            yMax = yCentre + unitsPerPixel * plotH / 2
        }
        return Frame(left: left, top: top, width: plotW, height: plotH, xMin: xMin, xMax: xMax, yMin: yMin, yMax: yMax)
    }

    // MARK: Rendering

    /// The chart's elements without the `<svg>` wrapper, in a `width` × `height` box at the origin.
    func elements() -> String {
        let f = frame()
        var svg = "<rect width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>\n"
        if !title.isEmpty {
            // Centred over the plot, or over the whole chart when (at ≈ 8 px per character) it would not fit.
            let centre = Double(title.count) * 8 > f.width ? width / 2 : f.left + f.width / 2
            svg += "<text x=\"\(n(centre))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escapeXML(title))</text>\n"
        }
        // Grid and ticks.
        for x in niceTicks(f.xMin, f.xMax) {
            let X = n(f.px(x))
            svg += "<line x1=\"\(X)\" y1=\"\(n(f.top))\" x2=\"\(X)\" y2=\"\(n(f.top + f.height))\" stroke=\"#eee\"/>"
            svg += "<line x1=\"\(X)\" y1=\"\(n(f.top + f.height))\" x2=\"\(X)\" y2=\"\(n(f.top + f.height + 5))\" stroke=\"#333\"/>"
            svg += "<text x=\"\(X)\" y=\"\(n(f.top + f.height + 19))\" text-anchor=\"middle\">\(tickLabel(x, f.xMin, f.xMax))</text>\n"
        }
        if logY {
            var decade = ceil(f.yMin - 1e-9)
            let step = max(1, ((f.yMax - f.yMin) / 8).rounded(.up))
            while decade <= f.yMax + 1e-9 {
                let Y = n(f.py(decade))
                svg += "<line x1=\"\(n(f.left))\" y1=\"\(Y)\" x2=\"\(n(f.left + f.width))\" y2=\"\(Y)\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(n(f.left - 6))\" y=\"\(n(f.py(decade) + 4))\" text-anchor=\"end\">1e\(Int(decade.rounded()))</text>\n"
                decade += step
            }
        } else {
            for y in niceTicks(f.yMin, f.yMax) {
                let Y = n(f.py(y))
                svg += "<line x1=\"\(n(f.left))\" y1=\"\(Y)\" x2=\"\(n(f.left + f.width))\" y2=\"\(Y)\" stroke=\"#eee\"/>"
                svg += "<line x1=\"\(n(f.left - 5))\" y1=\"\(Y)\" x2=\"\(n(f.left))\" y2=\"\(Y)\" stroke=\"#333\"/>"
                svg += "<text x=\"\(n(f.left - 8))\" y=\"\(n(f.py(y) + 4))\" text-anchor=\"end\">\(tickLabel(y, f.yMin, f.yMax))</text>\n"
            }
        }
        svg += "<text x=\"\(n(f.left + f.width / 2))\" y=\"\(n(height - 14))\" text-anchor=\"middle\">\(escapeXML(xLabel))</text>\n"
        let yLabelX = 18.0, yLabelY = f.top + f.height / 2
        svg += "<text x=\"\(n(yLabelX))\" y=\"\(n(yLabelY))\" text-anchor=\"middle\" transform=\"rotate(-90 \(n(yLabelX)) \(n(yLabelY)))\">\(escapeXML(yLabel))</text>\n"

        if zeroAxes {
            if f.yMin < 0 && f.yMax > 0 && !logY {
                svg += polylines([[(f.xMin, 0), (f.xMax, 0)]], f, attributes: "stroke=\"#999\" stroke-width=\"1\"")
            }
            if f.xMin < 0 && f.xMax > 0 {
                svg += polylines([[(0, f.yMin), (0, f.yMax)]], f, attributes: "stroke=\"#999\" stroke-width=\"1\"", transformed: true)
            }
        }
        if unitCircle {
            let circle = (0...256).map { k -> (x: Double, y: Double) in
                let angle = 2 * Double.pi * Double(k) / 256
                return (cos(angle), sin(angle))
            }
            svg += polylines([circle], f, attributes: "stroke=\"#555\" stroke-width=\"1.2\" stroke-dasharray=\"6,4\"")
        }
        for (value, label) in references where !logY || value > 0 {
            let ty = transformY(value)
            guard ty >= f.yMin && ty <= f.yMax else { continue }
            svg += "<line x1=\"\(n(f.left))\" y1=\"\(n(f.py(ty)))\" x2=\"\(n(f.left + f.width))\" y2=\"\(n(f.py(ty)))\" stroke=\"#777\" stroke-dasharray=\"5,4\"/>"
            svg += "<text x=\"\(n(f.left + f.width - 4))\" y=\"\(n(f.py(ty) - 4))\" text-anchor=\"end\" fill=\"#555\">\(escapeXML(label))</text>\n"
        }
        for (value, label) in verticalReferences where value >= f.xMin && value <= f.xMax {
            svg += "<line x1=\"\(n(f.px(value)))\" y1=\"\(n(f.top))\" x2=\"\(n(f.px(value)))\" y2=\"\(n(f.top + f.height))\" stroke=\"#777\" stroke-dasharray=\"5,4\"/>"
            svg += "<text x=\"\(n(f.px(value) + 4))\" y=\"\(n(f.top + 14))\" fill=\"#555\">\(escapeXML(label))</text>\n"
        }

        // Data.
        var paletteIndex = 0
        var legendEntries: [(name: String, color: String, style: Style, dashed: Bool)] = []
        for s in series {
            let color: String
            if let explicit = s.color {
                color = explicit
            } else {
                color = SVGChart.palette[paletteIndex % SVGChart.palette.count]
                paletteIndex += 1
            }
            let opacity = s.opacity < 1 ? " stroke-opacity=\"\(n(s.opacity))\"" : ""
            if s.style == .line || s.style == .lineAndMarkers {
                var pieces: [[(x: Double, y: Double)]] = [[]]
                for p in s.points {
                    if usable(p) { pieces[pieces.count - 1].append(p) } else if !pieces[pieces.count - 1].isEmpty { pieces.append([]) }
                }
                let dash = s.dashed ? " stroke-dasharray=\"6,4\"" : ""
                svg += polylines(pieces, f, attributes: "stroke=\"\(color)\" stroke-width=\"\(n(s.lineWidth))\"\(opacity)\(dash)")
            }
            if s.style != .line {
                let fill = s.style == .openMarkers ? "fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\"" : "fill=\"\(color)\""
                let fillOpacity = s.opacity < 1 ? " fill-opacity=\"\(n(s.opacity))\"" + opacity : ""
                var markers = ""
                for p in s.points where usable(p) {
                    let ty = transformY(p.y)
                    guard p.x >= f.xMin && p.x <= f.xMax && ty >= f.yMin && ty <= f.yMax else { continue }
                    markers += "<circle cx=\"\(n(f.px(p.x)))\" cy=\"\(n(f.py(ty)))\" r=\"\(n(s.markerRadius))\"/>"
                }
                if !markers.isEmpty { svg += "<g \(fill)\(fillOpacity)>\(markers)</g>\n" }
            }
            if !s.name.isEmpty { legendEntries.append((s.name, color, s.style, s.dashed)) }
        }
        // Labels that would overlap (e.g. "×100" before and "×98" after training at λ = 1) are stacked downwards.
        var placed: [(x: Double, y: Double)] = []
        for note in annotations where note.x.isFinite && note.y.isFinite && (!logY || note.y > 0) {
            let ty = transformY(note.y)
            guard note.x >= f.xMin && note.x <= f.xMax && ty >= f.yMin && ty <= f.yMax else { continue }
            let anchor = f.px(note.x) > f.left + f.width - 60 ? "end" : "start"
            let dx = anchor == "end" ? -6.0 : 6.0
            let x = f.px(note.x) + dx
            var y = f.py(ty) - 7
            while placed.contains(where: { abs($0.x - x) < 40 && abs($0.y - y) < 13 }) { y += 14 }
            placed.append((x, y))
            svg += "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"#222\">\(escapeXML(note.text))</text>\n"
        }
        svg += "<rect x=\"\(n(f.left))\" y=\"\(n(f.top))\" width=\"\(n(f.width))\" height=\"\(n(f.height))\" fill=\"none\" stroke=\"#333\"/>\n"

        // Legend.
        if legend != .hidden && !legendEntries.isEmpty {
            let rowHeight = 20.0
            let textWidth = Double(legendEntries.map(\.name.count).max() ?? 0) * 7
            var x0: Double, y0: Double
            switch legend {
            case .right: (x0, y0) = (f.left + f.width + 15, f.top + 6)
            case .insideTopLeft: (x0, y0) = (f.left + 10, f.top + 8)
            default: (x0, y0) = (f.left + f.width - 10 - 40 - textWidth, f.top + 8)
            }
            if legend != .right {
                svg += "<rect x=\"\(n(x0 - 6))\" y=\"\(n(y0 - 4))\" width=\"\(n(textWidth + 50))\" height=\"\(n(Double(legendEntries.count) * rowHeight + 4))\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#ccc\"/>\n"
            }
            for (index, entry) in legendEntries.enumerated() {
                let y = y0 + 10 + Double(index) * rowHeight
                if entry.style == .line || entry.style == .lineAndMarkers {
                    let dash = entry.dashed ? " stroke-dasharray=\"5,3\"" : ""
                    svg += "<line x1=\"\(n(x0))\" y1=\"\(n(y))\" x2=\"\(n(x0 + 25))\" y2=\"\(n(y))\" stroke=\"\(entry.color)\" stroke-width=\"3\"\(dash)/>"
                }
                if entry.style != .line {
                    let fill = entry.style == .openMarkers ? "fill=\"none\" stroke=\"\(entry.color)\" stroke-width=\"1.2\"" : "fill=\"\(entry.color)\""
                    svg += "<circle cx=\"\(n(x0 + 12.5))\" cy=\"\(n(y))\" r=\"4\" \(fill)/>"
                }
                svg += "<text x=\"\(n(x0 + 32))\" y=\"\(n(y + 4))\">\(escapeXML(entry.name))</text>\n"
            }
        }
        return svg
    }
}
