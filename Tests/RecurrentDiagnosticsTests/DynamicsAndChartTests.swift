import XCTest
import RecurrentInitializers
@testable import RecurrentDiagnostics
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class ReLUDynamicsTests: XCTestCase {
    /// Closed form for W = diag(a, b), a, b ≥ 0: h_t = (aᵗ max(0, x₀), bᵗ max(0, y₀)) for t ≥ 1.
    func testDiagonalMatchesClosedForm() throws {
        let starts = try ReLUDynamics.gridStates(pointsPerAxis: 5) + [[0.3, -0.7], [-0.2, 0.9], [1e-3, 2]]
        for (a, b) in [(0.9, 0.5), (1.0, 1.0), (1.0, 0.5), (1.1, 0.5), (0.0, 2.0)] {
            let w = ReLUDynamics.rotatedDiagonal(eigenvalues: (a, b), angle: 0)
            XCTAssertEqual(w.values, [a, 0, 0, b], "θ = 0 gives the diagonal exactly")
            for start in starts {
                let path = try ReLUDynamics.trajectory(weight: w, from: start, steps: 40)
                XCTAssertEqual(path.count, 41)
                XCTAssertEqual(path[0], start)
                // Repeated multiplication is what the simulation computes (0·y adds an exact zero), so the
                // states agree bit for bit; pow(a, t) agrees to a few ulp (tolerance 1e-14 relative).
                var x = max(0, start[0]), y = max(0, start[1])
                for t in 1...40 {
                    XCTAssertEqual(path[t], [x * a, y * b].map { $0 + 0 }, "a = \(a), b = \(b), start \(start), t = \(t)")
                    x *= a
                    y *= b
                    let closed = [pow(a, Double(t)) * max(0, start[0]), pow(b, Double(t)) * max(0, start[1])]
                    for i in 0..<2 { XCTAssertEqual(path[t][i], closed[i], accuracy: 1e-14 * max(1, closed[i])) }
                }
                // Negative components die at step 1 and stay dead.
                for i in 0..<2 where start[i] < 0 {
                    XCTAssertTrue(path.dropFirst().allSatisfy { $0[i] == 0 })
                }
            }
        }
    }

    func testRotatedDiagonalHasTheRequestedEigenpairs() throws {
        let theta = Double.pi / 6
        let w = ReLUDynamics.rotatedDiagonal(eigenvalues: (1, 0.5), angle: theta)
        XCTAssertTrue(Spectrum.isSymmetric(w))
        let values = try SymmetricEigensolver.eigenvalues(of: w)
        XCTAssertEqual(values[0], 0.5, accuracy: 1e-15)
        XCTAssertEqual(values[1], 1, accuracy: 1e-15)
        let v = [cos(theta), sin(theta)]
        let wv = [w[0, 0] * v[0] + w[0, 1] * v[1], w[1, 0] * v[0] + w[1, 1] * v[1]]
        XCTAssertEqual(wv[0], v[0], accuracy: 1e-15)
        XCTAssertEqual(wv[1], v[1], accuracy: 1e-15)
    }

    func testThePaperCasesBehaveAsDescribed() throws {
        let cases = ReLUDynamics.paperCases.map(\.eigenvalues)
        // (a) both < 1: everything decays; 0.9³⁰⁰ ≈ 2e-14.
        let a = try ReLUDynamics.phasePortrait(eigenvalues: cases[0], steps: 300)
        XCTAssertEqual(a.fates, .init(vanished: 49, decayed: 0, kept: 0, grew: 0))
        let a50 = try ReLUDynamics.phasePortrait(eigenvalues: cases[0], steps: 50).fates
        XCTAssertEqual(a50.vanished + a50.decayed, 49)
        XCTAssertEqual(a50.vanished, 16, "starts with no positive component (4 × 4 of the 7 × 7 grid) die at step 1")
        // (b) W = I up to rounding: after the first step, states are fixed (to 1e-12 over 50 steps).
        let b = try ReLUDynamics.phasePortrait(eigenvalues: cases[1], steps: 50)
        for path in b.trajectories {
            XCTAssertEqual(path[1][0], max(0, path[0][0]), accuracy: 1e-15)
            XCTAssertEqual(path[50][0], path[1][0], accuracy: 1e-12)
            XCTAssertEqual(path[50][1], path[1][1], accuracy: 1e-12)
        }
        // (c) one = 1, one < 1: states converge onto the line of the eigenvector (cos θ, sin θ);
        // the other component decays like 0.5ᵗ (< 1e-15 after 60 steps).
        let c = try ReLUDynamics.phasePortrait(eigenvalues: cases[2], steps: 60)
        let (v1, _) = c.eigenvectors
        for path in c.trajectories {
            let h = path[60]
            XCTAssertEqual(h[0] * v1[1] - h[1] * v1[0], 0, accuracy: 1e-14)
            XCTAssertTrue(h.allSatisfy { $0 >= 0 })
        }
        XCTAssertEqual(c.fates.kept, 49 - c.fates.vanished)
        XCTAssertEqual(b.fates.kept, 33)
        // (d) one > 1: any state with a positive component along v₁ grows (1.1⁵⁰ ≈ 117).
        let d = try ReLUDynamics.phasePortrait(eigenvalues: cases[3], steps: 50)
        XCTAssertGreaterThan(d.fates.grew, 20)
    }

    func testInvalidArguments() {
        XCTAssertThrowsError(try ReLUDynamics.gridStates(pointsPerAxis: 0))
        XCTAssertThrowsError(try ReLUDynamics.trajectory(weight: Matrix(rows: 2, columns: 2), from: [1], steps: 3))
        XCTAssertThrowsError(try ReLUDynamics.trajectory(weight: Matrix(rows: 1, columns: 1), from: [1], steps: -1))
        XCTAssertThrowsError(try ReLUDynamics.phasePortrait(eigenvalues: (.nan, 1)))
        XCTAssertEqual(try ReLUDynamics.gridStates(pointsPerAxis: 1), [[0, 0]])
        XCTAssertEqual(try ReLUDynamics.gridStates(pointsPerAxis: 3)[1], [0, -1])
    }
}

final class SVGChartTests: XCTestCase {
    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func testLineChartWithLogYLegendAndReference() {
        let chart = SVGChart(title: "a < b & c", xLabel: "step", yLabel: "MSE", logY: true,
                             series: [.init(name: "srnn", points: [(0, 0.2), (100, 0.01), (200, 0)]),
                                      .init(name: "lstm", points: [(0, 0.2), (200, 0.001)])],
                             references: [(0.167, "baseline")])
        let svg = chart.render()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("a &lt; b &amp; c"))
        XCTAssertTrue(svg.contains(">1e-3<"))
        XCTAssertTrue(svg.contains(">baseline<"))
        XCTAssertTrue(svg.contains(">srnn<") && svg.contains(">lstm<"))
        XCTAssertEqual(count("<polyline", in: svg), 2, "y = 0 is dropped on a log axis, not drawn")
    }

    func testScatterOnTheComplexPlaneHasEqualAspect() {
        let chart = Spectrum.chart(title: "λ", sets: [.init(name: "W", eigenvalues: [Complex(0.5, 0.5), Complex(0.5, -0.5), Complex(3)])])
        let f = chart.frame()
        let xScale = f.width / (f.xMax - f.xMin), yScale = f.height / (f.yMax - f.yMin)
        XCTAssertEqual(xScale, yScale, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(f.xMin, -1)
        XCTAssertGreaterThanOrEqual(f.xMax, 3)
        let svg = chart.render()
        XCTAssertEqual(count("<circle", in: svg), 3)
        XCTAssertTrue(svg.contains("stroke-dasharray=\"6,4\""), "unit circle")
    }

    func testRepeatedEigenvaluesAreLabelledWithTheirMultiplicity() throws {
        let values = try Spectrum.eigenvalues(of: Initializers.identity(size: 100))
        let svg = Spectrum.chart(title: "IRNN", sets: [.init(name: "W", eigenvalues: values)]).render()
        XCTAssertTrue(svg.contains(">×100<"))
        XCTAssertEqual(Spectrum.multiplicities([Complex(1), Complex(2), Complex(1 + 1e-12)]).map(\.1), [2, 1])
        // Two sets with a repeated λ = 1 (before and after training): the labels do not overlap.
        let both = Spectrum.chart(title: "IRNN", sets: [.init(name: "before", eigenvalues: values),
                                                         .init(name: "after", eigenvalues: Array(values.dropFirst(2)))]).render()
        let labels = both.components(separatedBy: "<text").filter { $0.contains(">×") }
        XCTAssertEqual(labels.count, 2)
        let ys = labels.compactMap { label -> Double? in
            guard let start = label.range(of: "y=\"")?.upperBound, let end = label[start...].firstIndex(of: "\"") else { return nil }
            return Double(label[start..<end])
        }
        XCTAssertEqual(ys.count, 2)
        XCTAssertGreaterThanOrEqual(abs(ys[0] - ys[1]), 13, "\(labels)")
    }

    func testDenseLinesAreThinnedToHalfAPixel() {
        var chart = SVGChart(title: "", xLabel: "x", yLabel: "y")
        chart.xRange = 0...1
        chart.yRange = 0...1
        let points = (0...3000).map { (x: Double($0) / 3000, y: 0.5) }   // 3001 points over 625 px, 0.21 px apart
        chart.series = [.init(name: "", points: points)]
        let svg = chart.render()
        let polyline = svg.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
        let count = polyline.split(separator: " ").count
        XCTAssertLessThanOrEqual(count, 1251, "at least 0.5 px apart")
        XCTAssertGreaterThan(count, 625, "at most 1 px apart")
        XCTAssertTrue(polyline.hasSuffix(",\(n(chart.frame().py(0.5)))"), "the last point is kept")
    }

    func testLinesAreClippedToTheWindow() {
        var chart = SVGChart(title: "", xLabel: "x", yLabel: "y")
        chart.xRange = 0...1
        chart.yRange = 0...1
        chart.series = [.init(name: "", points: [(0.5, 0.5), (1e300, 0.5), (.nan, 0), (0.2, 0.2), (0.4, 0.4)])]
        let f = chart.frame()
        let clipped = chart.clipSegment((0.5, 0.5), (3, 0.5), f)
        XCTAssertEqual(clipped?.1.0, 1)
        XCTAssertEqual(clipped?.1.1, 0.5)
        XCTAssertNil(chart.clipSegment((2, 2), (3, 3), f))
        let svg = chart.render()
        XCTAssertEqual(count("<polyline", in: svg), 2, "NaN breaks the line into two visible pieces")
        XCTAssertFalse(svg.contains("e+"), "no huge coordinates")
    }

    func testMultiPanelFigure() throws {
        let (figure, portraits) = try ReLUDynamics.casesFigure(steps: 20)
        XCTAssertEqual(portraits.count, 4)
        XCTAssertEqual(figure.rows.count, 2)
        let svg = figure.render()
        XCTAssertEqual(count("<g transform=\"translate(", in: svg), 4)
        XCTAssertTrue(svg.contains("translate(420,454)"), "second row below the first and the title")
        XCTAssertTrue(svg.contains("width=\"840\""))
        XCTAssertTrue(svg.contains("(c) one = 1, one &lt; 1"))
    }

    func testNiceTicks() {
        let ticks = niceTicks(0, 1)
        XCTAssertEqual(ticks.count, 6)
        for (t, e) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]) { XCTAssertEqual(t, e, accuracy: 1e-15) }
        XCTAssertEqual(niceTicks(-1.1, 1.1).first, -1)
        XCTAssertEqual(tickLabel(0.5, -1, 1), "0.5")
        XCTAssertEqual(tickLabel(1000, 0, 5000), "1000")
    }
}
