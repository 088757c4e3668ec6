import Recurrent
import RecurrentDiagnostics

/// Draws recorded gradient flows: one line per training step at which it was measured, each normalized by its
/// value at the last time step, on a log scale.
func writeGradientFlowChart(_ flows: [(step: Int, norms: [Double])], to path: String, title: String) throws {
    let series = flows.map { flow -> SVGChart.Series in
        let last = flow.norms.last ?? 1
        let points = flow.norms.enumerated().map { (x: Double($0.offset), y: last > 0 ? $0.element / last : .nan) }
        return SVGChart.Series(name: "step \(flow.step)", points: points)
    }
    let chart = SVGChart(title: title, xLabel: "time step t", yLabel: "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖", logY: true,
                         series: series, references: [(1, "last step")])
    try FileIO.writeAtomically(Array(chart.render().utf8), to: path)
}
