/// A minimal SVG line chart: axes with ticks, labels, a legend, optional log-scale y.
struct SVGChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var logY: Bool
    var series: [Series]
    /// Horizontal reference lines (value, label), e.g. a baseline.
    var references: [(Double, String)] = []
    var width = 720.0, height = 440.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    func render() -> String {
        let left = 70.0, right = 170.0, top = 40.0, bottom = 55.0
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.y.isFinite && (!logY || $0.y > 0) }
        let refs = references.map(\.0).filter { !logY || $0 > 0 }
        let xs = all.map(\.x), ys = all.map(\.y) + refs
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, xMin + 1)
        var yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        func ty(_ v: Double) -> Double { logY ? Swift_log10(v) : v }
        if logY {
            yMin = Swift_pow10(Swift_floor(Swift_log10(max(yMin, 1e-12))))
            yMax = Swift_pow10(Swift_ceil(Swift_log10(max(yMax, yMin * 10))))
        } else {
            let pad = (yMax - yMin) * 0.05 + 1e-12
            yMin -= pad; yMax += pad
        }
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (ty(y) - ty(yMin)) / (ty(yMax) - ty(yMin)) * plotH }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left + plotW / 2)" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>
            <rect x="\(left)" y="\(top)" width="\(plotW)" height="\(plotH)" fill="none" stroke="#333"/>

            """
        // x ticks
        for i in 0...5 {
            let x = xMin + (xMax - xMin) * Double(i) / 5
            svg += "<line x1=\"\(r(px(x)))\" y1=\"\(top + plotH)\" x2=\"\(r(px(x)))\" y2=\"\(top + plotH + 5)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(r(px(x)))\" y=\"\(top + plotH + 19)\" text-anchor=\"middle\">\(tick(x))</text>\n"
        }
        // y ticks
        if logY {
            var decade = ty(yMin)
            while decade <= ty(yMax) + 1e-9 {
                let y = Swift_pow10(decade)
                svg += "<line x1=\"\(left)\" y1=\"\(r(py(y)))\" x2=\"\(left + plotW)\" y2=\"\(r(py(y)))\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(left - 6)\" y=\"\(r(py(y)) + 4)\" text-anchor=\"end\">1e\(Int(decade.rounded()))</text>\n"
                decade += 1
            }
        } else {
            for i in 0...5 {
                let y = yMin + (yMax - yMin) * Double(i) / 5
                svg += "<line x1=\"\(left)\" y1=\"\(r(py(y)))\" x2=\"\(left + plotW)\" y2=\"\(r(py(y)))\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(left - 6)\" y=\"\(r(py(y)) + 4)\" text-anchor=\"end\">\(tick(y))</text>\n"
            }
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text x=\"18\" y=\"\(top + plotH / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(top + plotH / 2))\">\(escape(yLabel))</text>\n"
        for (value, label) in references where !logY || value > 0 {
            svg += "<line x1=\"\(left)\" y1=\"\(r(py(value)))\" x2=\"\(left + plotW)\" y2=\"\(r(py(value)))\" stroke=\"#777\" stroke-dasharray=\"5,4\"/>"
            svg += "<text x=\"\(left + plotW - 4)\" y=\"\(r(py(value)) - 4)\" text-anchor=\"end\" fill=\"#555\">\(escape(label))</text>\n"
        }
        for (index, s) in series.enumerated() {
            let color = SVGChart.palette[index % SVGChart.palette.count]
            let points = s.points.filter { $0.y.isFinite && (!logY || $0.y > 0) }
            let path = points.map { "\(r(px($0.x))),\(r(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            let ly = top + 16 + Double(index) * 20
            svg += "<line x1=\"\(left + plotW + 15)\" y1=\"\(ly - 4)\" x2=\"\(left + plotW + 40)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            svg += "<text x=\"\(left + plotW + 46)\" y=\"\(ly)\">\(escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    func r(_ v: Double) -> Double { (v * 10).rounded() / 10 }
    func tick(_ v: Double) -> String {
        if abs(v) >= 1000 { return String(Int(v.rounded())) }
        return String(describing: (v * 1000).rounded() / 1000)
    }
    func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
func Swift_log10(_ x: Double) -> Double { log10(x) }
func Swift_pow10(_ x: Double) -> Double { pow(10, x) }
func Swift_floor(_ x: Double) -> Double { floor(x) }
func Swift_ceil(_ x: Double) -> Double { ceil(x) }
