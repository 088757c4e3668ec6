#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Several ``SVGChart``s arranged as panels of one SVG picture, row by row.
///
/// Each row is laid out left to right at the charts' own sizes; rows are stacked top to
/// bottom and the picture is as wide as the widest row. An optional title goes on top.
///
/// ```swift
/// let a = SVGChart(title: "(a)", xLabel: "x", yLabel: "y", width: 360, height: 360)
/// let b = SVGChart(title: "(b)", xLabel: "x", yLabel: "y", width: 360, height: 360)
/// let grid = SVGFigure(title: "four cases", panels: [a, b, a, b], columns: 2)   // 2 × 2
/// let mixed = SVGFigure(rows: [[SVGChart(title: "curves", xLabel: "step", yLabel: "MSE")], [a, b]])
/// let svg = grid.render()
/// ```
public struct SVGFigure: Sendable {
    /// Text above all panels (empty: none).
    public var title: String
    /// The panels, row by row.
    public var rows: [[SVGChart]]
    /// Smaller grey text under all panels, e.g. a key to the symbols; `\n` starts a new line (empty: none).
    public var caption: String = ""

    /// A figure from explicit rows of panels.
    ///
    /// - Parameters:
    ///   - title: text above the panels (default none).
    ///   - rows: panels row by row; rows may differ in length and panel size.
    ///
    /// ```swift
    /// let figure = SVGFigure(rows: [[chart], [left, right]])
    /// ```
    public init(title: String = "", rows: [[SVGChart]]) {
        self.title = title
        self.rows = rows
    }

    /// A figure with panels filling a grid of `columns` columns, row by row.
    ///
    /// - Parameters:
    ///   - title: text above the panels (default none).
    ///   - panels: the charts in reading order.
    ///   - columns: panels per row (at least 1).
    ///
    /// ```swift
    /// let figure = SVGFigure(title: "spectra", panels: charts, columns: 3)
    /// ```
    public init(title: String = "", panels: [SVGChart], columns: Int) {
        let perRow = max(columns, 1)
        self.title = title
        self.rows = stride(from: 0, to: panels.count, by: perRow).map { Array(panels[$0..<min($0 + perRow, panels.count)]) }
    }

    /// The whole figure as one SVG document.
    ///
    /// - Returns: UTF-8 text starting with `<svg xmlns=…>`.
    ///
    /// ```swift
    /// try FileIO.writeAtomically(Array(figure.render().utf8), to: "figure.svg")
    /// ```
    public func render() -> String {
        let titleHeight = title.isEmpty ? 0.0 : 34.0
        let width = rows.map { $0.reduce(0) { $0 + $1.width } }.max() ?? 0
        let captionLines = caption.isEmpty ? [] : caption.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let captionHeight = captionLines.isEmpty ? 0.0 : 10 + 16 * Double(captionLines.count)
        let height = titleHeight + captionHeight + rows.reduce(0) { $0 + ($1.map(\.height).max() ?? 0) }
        var svg = svgHeader(width: max(width, 1), height: max(height, 1))
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if !title.isEmpty {
            svg += "<text x=\"\(n(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">\(escapeXML(title))</text>\n"
        }
        var y = titleHeight
        for row in rows {
            var x = 0.0
            for chart in row {
                svg += "<g transform=\"translate(\(n(x)),\(n(y)))\">\n" + chart.elements() + "</g>\n"
                x += chart.width
            }
            y += row.map(\.height).max() ?? 0
        }
        for (index, line) in captionLines.enumerated() {
            svg += "<text x=\"\(n(width / 2))\" y=\"\(n(y + 16 + 16 * Double(index)))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444\">\(escapeXML(line))</text>\n"
        }
        return svg + "</svg>\n"
    }
}

// MARK: Helpers

func svgHeader(width: Double, height: Double) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
}

/// A pixel coordinate with one decimal, e.g. "123.4" or "-5".
func n(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    return trimZeros(formatFixed(max(-1e7, min(1e7, v)), decimals: 1))
}

/// Text safe inside an SVG text node or attribute.
func escapeXML(_ text: String) -> String {
    var result = ""
    for c in text {
        switch c {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        default: result.append(c)
        }
    }
    return result
}

/// About `target` round tick values (1, 2 or 5 × 10ᵏ apart) inside [low, high].
func niceTicks(_ low: Double, _ high: Double, target: Int = 6) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [] }
    let step = tickStep(low, high, target: target)
    var ticks: [Double] = []
    var k = (low / step).rounded(.up)
    while k * step <= high + step * 1e-9 && ticks.count < 50 {
        let value = k * step
        ticks.append(value.magnitude < step * 1e-9 ? 0 : value)
        k += 1
    }
    return ticks
}

func tickStep(_ low: Double, _ high: Double, target: Int) -> Double {
    let raw = (high - low) / Double(max(target, 1))
    let power = pow(10, floor(log10(raw)))
    let fraction = raw / power
    let nice: Double = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10
    return nice * power
}

/// A tick label with just enough decimals for the tick spacing of [low, high].
func tickLabel(_ value: Double, _ low: Double, _ high: Double) -> String {
    let step = tickStep(low, high, target: 6)
    let largest = max(low.magnitude, high.magnitude)
    if largest >= 1e6 || (largest < 1e-3 && largest > 0) { return formatSignificant(value, digits: 3) }
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    return formatFixed(value, decimals: decimals)
}
