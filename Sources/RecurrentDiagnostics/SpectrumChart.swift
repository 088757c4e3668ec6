extension Spectrum {
    /// A named set of eigenvalues to draw, e.g. one gate's block or a matrix before training.
    ///
    /// ```swift
    /// let set = Spectrum.PlotSet(name: "W_hh", eigenvalues: try Spectrum.eigenvalues(of: w))
    /// ```
    public struct PlotSet: Sendable {
        /// Legend text.
        public var name: String
        /// The eigenvalues.
        public var eigenvalues: [Complex]
        /// Marker style (default filled).
        public var style: SVGChart.Style
        /// SVG colour, or `nil` for the palette.
        public var color: String?

        /// Creates a set.
        ///
        /// - Parameters:
        ///   - name: legend text.
        ///   - eigenvalues: the points.
        ///   - style: ``SVGChart/Style/markers`` (default) or ``SVGChart/Style/openMarkers``.
        ///   - color: SVG colour or `nil` (palette).
        ///
        /// ```swift
        /// let before = Spectrum.PlotSet(name: "before", eigenvalues: λ0, style: .openMarkers, color: "#888888")
        /// ```
        public init(name: String, eigenvalues: [Complex], style: SVGChart.Style = .markers, color: String? = nil) {
            self.name = name
            self.eigenvalues = eigenvalues
            self.style = style
            self.color = color
        }
    }

    /// Eigenvalues in the complex plane: one marker per λ at (Re λ, Im λ), equal axes, the
    /// dashed unit circle |λ| = 1 and the axes through 0.
    ///
    /// The window always contains the unit circle and every eigenvalue. Points on the circle
    /// are the directions a linear recurrence keeps; inside decay, outside grow. A repeated
    /// eigenvalue (equal within 10⁻⁹·max(1, |λ|), e.g. the identity's λ = 1 of multiplicity N)
    /// is labelled with its multiplicity, "×N".
    ///
    /// - Parameters:
    ///   - title: the chart title.
    ///   - sets: one or more sets, each with its own colour and legend entry.
    ///   - width: pixels (default 520, plus room for the legend when there is more than one set).
    ///   - height: pixels (default 440).
    /// - Returns: the chart (legend on the right when there is more than one set).
    ///
    /// ```swift
    /// let λ = try Spectrum.eigenvalues(of: w)
    /// let svg = Spectrum.chart(title: "np-RNN, N = 100", sets: [.init(name: "W_hh", eigenvalues: λ)]).render()
    /// ```
    public static func chart(title: String, sets: [PlotSet], width: Double? = nil, height: Double = 440) -> SVGChart {
        let legendWidth = sets.count > 1 ? max(170, 50 + 7 * Double(sets.map(\.name.count).max() ?? 0)) - 25 : 0
        var chart = SVGChart(title: title, xLabel: "Re λ", yLabel: "Im λ", width: width ?? 520 + legendWidth, height: height)
        chart.equalAspect = true
        chart.unitCircle = true
        chart.zeroAxes = true
        chart.legend = sets.count > 1 ? .right : .hidden
        for set in sets {
            var series = SVGChart.Series(name: set.name, points: set.eigenvalues.map { ($0.re, $0.im) }, style: set.style,
                                         color: set.color)
            series.markerRadius = 3
            series.opacity = set.style == .markers ? 0.8 : 1
            chart.series.append(series)
            for (value, count) in multiplicities(set.eigenvalues) where count > 1 {
                chart.annotations.append((value.re, value.im, "×\(count)"))
            }
        }
        return chart
    }

    /// Groups of (nearly) equal eigenvalues with more than one member: each group's first value and size.
    static func multiplicities(_ values: [Complex]) -> [(Complex, Int)] {
        var groups: [(Complex, Int)] = []
        for value in values {
            let tolerance = 1e-9 * max(1, value.magnitude)
            if let index = groups.firstIndex(where: { ($0.0 - value).magnitude <= tolerance }) {
                groups[index].1 += 1
            } else if groups.count < 10_000 {
                groups.append((value, 1))
            }
        }
        return groups
    }
}
