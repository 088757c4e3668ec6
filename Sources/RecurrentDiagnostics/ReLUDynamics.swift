#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RecurrentInitializers

/// Hidden-state dynamics of a ReLU RNN under zero input: h_{t+1} = max(0, W h_t).
///
/// With zero input and zero biases an SRNN with ReLU units is the piecewise-linear map
/// h ↦ ReLU(W h). Talathi & Vartak (2015, the np-RNN paper, §2) study it for two units and a
/// symmetric positive-definite W, and classify the phase portraits by W's eigenvalues:
///
/// - (a) both eigenvalues < 1: every trajectory decays to the origin (memory is lost);
/// - (b) both = 1 (W = I, the IRNN): every non-negative state is a fixed point, so the
///   network keeps any perturbation forever (maximally sensitive to its input);
/// - (c) one = 1, one < 1: trajectories collapse onto the line spanned by the eigenvector
///   of eigenvalue 1, a one-dimensional manifold of fixed points (the np-RNN design);
/// - (d) one > 1: trajectories grow without bound along the expanding eigenvector.
///
/// After the first step every state is in the non-negative quadrant (components are
/// clipped at zero), so a trajectory is ReLU followed by the linear map restricted to where
/// it stays non-negative. For W = diag(a, b) with a, b ≥ 0 the solution is closed-form:
/// h_t = (aᵗ·max(0, x₀), bᵗ·max(0, y₀)) for t ≥ 1.
///
/// ```swift
/// let w = ReLUDynamics.rotatedDiagonal(eigenvalues: (1, 0.5), angle: Double.pi / 6)
/// let path = try ReLUDynamics.trajectory(weight: w, from: [0.2, 0.9], steps: 50)   // 51 states
/// let portrait = try ReLUDynamics.phasePortrait(eigenvalues: (1, 0.5), steps: 50)
/// let svg = portrait.chart(title: "(c) λ = 1, 0.5").render()
/// ```
public enum ReLUDynamics {
    /// The symmetric 2 × 2 matrix W = R(θ)·diag(λ₁, λ₂)·R(θ)ᵀ.
    ///
    /// R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]], so W has eigenvalue λ₁ with eigenvector
    /// (cos θ, sin θ) and λ₂ with eigenvector (−sin θ, cos θ):
    ///
    ///     W = [[λ₁c² + λ₂s², (λ₁ − λ₂)cs], [(λ₁ − λ₂)cs, λ₁s² + λ₂c²]],  c = cos θ, s = sin θ.
    ///
    /// θ = 0 gives diag(λ₁, λ₂) exactly. The result is exactly symmetric.
    ///
    /// - Parameters:
    ///   - eigenvalues: (λ₁, λ₂).
    ///   - angle: θ in radians (default π/6 = 30°, so that the eigenvectors are not the axes).
    /// - Returns: W, 2 × 2.
    ///
    /// ```swift
    /// let w = ReLUDynamics.rotatedDiagonal(eigenvalues: (1, 0.5), angle: 0)   // [[1, 0], [0, 0.5]]
    /// ```
    public static func rotatedDiagonal(eigenvalues: (Double, Double), angle: Double = Double.pi / 6) -> Matrix {
        let (a, b) = eigenvalues
        let c = angle == 0 ? 1 : cos(angle), s = angle == 0 ? 0 : sin(angle)
        let off = (a - b) * c * s
        return Matrix(rows: 2, columns: 2, values: [a * c * c + b * s * s, off, off, a * s * s + b * c * c])
    }

    /// One step h ↦ max(0, W h) (zero input, zero bias).
    ///
    /// Each component is Σⱼ wᵢⱼ hⱼ accumulated in increasing j, then clipped at 0 (a result of
    /// −0 or NaN becomes 0 / stays NaN respectively: max(0, x) with x = NaN returns NaN).
    ///
    /// - Parameters:
    ///   - weight: W, n × n.
    ///   - state: h, n values.
    /// - Returns: the next state.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` if the sizes disagree.
    ///
    /// ```swift
    /// let next = try ReLUDynamics.step(weight: Matrix(rows: 1, columns: 1, values: [2]), state: [-1])   // [0]
    /// ```
    public static func step(weight: Matrix, state: [Double]) throws -> [Double] {
        let count = state.count
        guard weight.rows == count, weight.columns == count else {
            throw DiagnosticsError.invalidArgument(
                "ReLUDynamics.step(weight:state:): W is \(weight.rows) × \(weight.columns) but the state has \(count) values")
        }
        return stepUnchecked(weight, state)
    }

    static func stepUnchecked(_ weight: Matrix, _ state: [Double]) -> [Double] {
        let count = state.count
        var next = [Double](repeating: 0, count: count)
        for i in 0..<count {
            var sum = 0.0
            for j in 0..<count { sum += weight.values[i * count + j] * state[j] }
            next[i] = sum.isNaN ? sum : (sum > 0 ? sum : 0)
        }
        return next
    }

    /// The trajectory h₀, h₁, …, h_T of h_{t+1} = max(0, W h_t).
    ///
    /// - Parameters:
    ///   - weight: W, n × n.
    ///   - start: h₀, n values (any signs).
    ///   - steps: T ≥ 0.
    /// - Returns: T + 1 states, the first being `start` unchanged.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` for mismatched sizes or T < 0.
    ///
    /// ```swift
    /// let w = ReLUDynamics.rotatedDiagonal(eigenvalues: (0.9, 0.5))
    /// let path = try ReLUDynamics.trajectory(weight: w, from: [1, -1], steps: 50)
    /// path.last!   // ≈ (0, 0): both eigenvalues < 1
    /// ```
    public static func trajectory(weight: Matrix, from start: [Double], steps: Int) throws -> [[Double]] {
        guard steps >= 0 else {
            throw DiagnosticsError.invalidArgument("ReLUDynamics.trajectory(weight:from:steps:): steps must be ≥ 0, got \(steps)")
        }
        var states = [start]
        states.reserveCapacity(steps + 1)
        var h = start
        for _ in 0..<steps {
            h = try step(weight: weight, state: h)
            states.append(h)
        }
        return states
    }

    /// Starting states on a regular k × k grid over [−extent, extent]², row by row (y outer, x inner).
    ///
    /// Coordinates are −e + 2e·i/(k − 1), i = 0 … k − 1 (k = 1 gives the origin only).
    ///
    /// - Parameters:
    ///   - k: the points per axis, k ≥ 1 (argument label `pointsPerAxis`).
    ///   - extent: e > 0 (default 1).
    /// - Returns: k² two-element states.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` for k < 1 or a non-positive extent.
    ///
    /// ```swift
    /// let starts = try ReLUDynamics.gridStates(pointsPerAxis: 3)   // (−1,−1), (0,−1), (1,−1), (−1,0), …
    /// ```
    public static func gridStates(pointsPerAxis k: Int, extent: Double = 1) throws -> [[Double]] {
        guard k >= 1, k <= 1000 else {
            throw DiagnosticsError.invalidArgument("ReLUDynamics.gridStates(pointsPerAxis:extent:): pointsPerAxis must be in 1 … 1000, got \(k)")
        }
        guard extent > 0, extent.isFinite else {
            throw DiagnosticsError.invalidArgument("ReLUDynamics.gridStates(pointsPerAxis:extent:): extent must be positive, got \(extent)")
        }
        let coordinates = k == 1 ? [0.0] : (0..<k).map { -extent + 2 * extent * Double($0) / Double(k - 1) }
        return coordinates.flatMap { y in coordinates.map { x in [x, y] } }
    }

    /// The trajectories of a two-unit ReLU RNN from a grid of starting states.
    ///
    /// ```swift
    /// let p = try ReLUDynamics.phasePortrait(eigenvalues: (1, 1), steps: 10)
    /// p.trajectories.count   // 49 (7 × 7 grid)
    /// ```
    public struct PhasePortrait: Sendable {
        /// W = R(θ) diag(λ₁, λ₂) R(θ)ᵀ.
        public var weight: Matrix
        /// (λ₁, λ₂) as requested.
        public var eigenvalues: [Double]
        /// θ in radians.
        public var angle: Double
        /// Number of steps T.
        public var steps: Int
        /// One trajectory (T + 1 states of 2 values) per starting state.
        public var trajectories: [[[Double]]]

        /// The eigenvectors (cos θ, sin θ) for λ₁ and (−sin θ, cos θ) for λ₂.
        ///
        /// ```swift
        /// let (v1, v2) = portrait.eigenvectors
        /// ```
        public var eigenvectors: ([Double], [Double]) {
            ([cos(angle), sin(angle)], [-sin(angle), cos(angle)])
        }

        /// How many trajectories end in each way after T steps.
        ///
        /// ```swift
        /// let fates = try ReLUDynamics.phasePortrait(eigenvalues: (1, 0.5)).fates
        /// // vanished 17, decayed 0, kept 32, grew 0: the 1-D line of fixed points keeps what survives step 1
        /// ```
        public struct Fates: Sendable, Equatable {
            /// ‖h_T‖ < 10⁻⁶ (for example every state that ReLU maps to the origin at step 1).
            public var vanished = 0
            /// Not vanished, but ‖h_T‖ < 0.1·‖h₁‖: shrinking towards the origin.
            public var decayed = 0
            /// 0.1·‖h₁‖ ≤ ‖h_T‖ ≤ 10·max(1, ‖h₀‖): the state is (mostly) retained.
            public var kept = 0
            /// ‖h_T‖ > 10·max(1, ‖h₀‖) or not finite: growing without bound.
            public var grew = 0

            /// Creates counts.
            ///
            /// - Parameters:
            ///   - vanished: trajectories that reached the origin.
            ///   - decayed: trajectories shrinking towards it.
            ///   - kept: trajectories that retained their state.
            ///   - grew: trajectories growing without bound.
            ///
            /// ```swift
            /// let none = ReLUDynamics.PhasePortrait.Fates()
            /// ```
            public init(vanished: Int = 0, decayed: Int = 0, kept: Int = 0, grew: Int = 0) {
                self.vanished = vanished
                self.decayed = decayed
                self.kept = kept
                self.grew = grew
            }
        }

        /// Counts of trajectories by fate after T steps (see ``Fates``).
        ///
        /// ```swift
        /// let fates = portrait.fates
        /// print(fates.vanished, fates.decayed, fates.kept, fates.grew)
        /// ```
        public var fates: Fates {
            var result = Fates()
            for path in trajectories {
                let first = norm(path[0]), afterOne = norm(path[min(1, path.count - 1)]), last = norm(path[path.count - 1])
                if last < 1e-6 {
                    result.vanished += 1
                } else if !(last <= 10 * max(1, first)) {
                    result.grew += 1
                } else if last < 0.1 * afterOne {
                    result.decayed += 1
                } else {
                    result.kept += 1
                }
            }
            return result
        }

        func norm(_ h: [Double]) -> Double { h.reduce(0) { $0 + $1 * $1 }.squareRoot() }

        /// A phase-plane chart: trajectories (thin lines), starting states (open circles), final
        /// states (filled), and the eigenvector directions (dashed), with equal axes.
        ///
        /// The window is [−1.1, 1.1]² widened to the largest coordinate reached, capped at `limit`;
        /// trajectories that leave it are cut at the edge.
        ///
        /// - Parameters:
        ///   - title: the panel title.
        ///   - limit: the largest coordinate shown (default 2.5).
        ///   - width: pixels (default 420).
        ///   - height: pixels (default 420).
        ///   - legend: where to list starts, final states and eigenvector lines (default hidden).
        /// - Returns: the chart.
        ///
        /// ```swift
        /// let svg = portrait.chart(title: "λ = 1, 0.5").render()
        /// let withLegend = portrait.chart(title: "λ = 1, 0.5", width: 720, height: 540, legend: .right)
        /// ```
        public func chart(title: String, limit: Double = 2.5, width: Double = 420, height: Double = 420,
                          legend: SVGChart.LegendPlacement = .hidden) -> SVGChart {
            var reach = 1.0
            for path in trajectories {
                for h in path where h.allSatisfy(\.isFinite) { reach = max(reach, h.map(\.magnitude).max() ?? 0) }
            }
            let high = min(max(1.1, reach * 1.05), max(limit, 1.1))
            var chart = SVGChart(title: title, xLabel: "h₁", yLabel: "h₂", width: width, height: height)
            chart.xRange = -1.1...high
            chart.yRange = -1.1...high
            chart.equalAspect = true
            chart.zeroAxes = true
            chart.legend = legend
            let (v1, v2) = eigenvectors
            let reachLine = 4 * high
            for (index, v) in [v1, v2].enumerated() {
                let label = "eigenvector of λ\(index == 0 ? "₁" : "₂") = \(formatSignificant(eigenvalues[index]))"
                var line = SVGChart.Series(name: legend == .hidden ? "" : label, points: [(-reachLine * v[0], -reachLine * v[1]), (reachLine * v[0], reachLine * v[1])],
                                           color: index == 0 ? "#2ca02c" : "#9467bd")
                line.dashed = true
                line.lineWidth = 1.2
                chart.series.append(line)
            }
            for path in trajectories {
                var s = SVGChart.Series(name: "", points: path.map { ($0[0], $0[1]) }, color: "#1f77b4")
                s.lineWidth = 1
                s.opacity = 0.7
                chart.series.append(s)
            }
            var starts = SVGChart.Series(name: "start h₀", points: trajectories.map { ($0[0][0], $0[0][1]) }, style: .openMarkers,
                                         color: "#555555")
            starts.markerRadius = 2.5
            var ends = SVGChart.Series(name: "h after \(steps) steps", points: trajectories.map { ($0[$0.count - 1][0], $0[$0.count - 1][1]) },
                                       style: .markers, color: "#d62728")
            ends.markerRadius = 3
            chart.series.append(starts)
            chart.series.append(ends)
            return chart
        }
    }

    /// Simulates the two-unit network W = R(θ) diag(λ₁, λ₂) R(θ)ᵀ from a k × k grid over [−1, 1]².
    ///
    /// - Parameters:
    ///   - eigenvalues: (λ₁, λ₂), finite.
    ///   - angle: θ in radians (default π/6).
    ///   - steps: T ≥ 0 (default 50).
    ///   - pointsPerAxis: k ≥ 1 (default 7, 49 starting states).
    /// - Returns: the portrait.
    /// - Throws: ``DiagnosticsError/invalidArgument(_:)`` for non-finite eigenvalues or angle, T < 0, k < 1.
    ///
    /// ```swift
    /// let p = try ReLUDynamics.phasePortrait(eigenvalues: (1.2, 0.5), steps: 50)
    /// p.fates.grew   // most starting states with a positive component: one eigenvalue > 1
    /// ```
    public static func phasePortrait(eigenvalues: (Double, Double), angle: Double = Double.pi / 6, steps: Int = 50,
                                     pointsPerAxis: Int = 7) throws -> PhasePortrait {
        guard eigenvalues.0.isFinite, eigenvalues.1.isFinite, angle.isFinite else {
            throw DiagnosticsError.invalidArgument(
                "ReLUDynamics.phasePortrait: eigenvalues and angle must be finite, got \(eigenvalues), \(angle)")
        }
        let weight = rotatedDiagonal(eigenvalues: eigenvalues, angle: angle)
        let starts = try gridStates(pointsPerAxis: pointsPerAxis)
        let paths = try starts.map { try trajectory(weight: weight, from: $0, steps: steps) }
        return PhasePortrait(weight: weight, eigenvalues: [eigenvalues.0, eigenvalues.1], angle: angle, steps: steps,
                             trajectories: paths)
    }

    /// One of the eigenvalue cases of the np-RNN paper's two-unit figure.
    ///
    /// ```swift
    /// for c in ReLUDynamics.paperCases { print(c.label, c.eigenvalues) }
    /// ```
    public struct Case: Sendable {
        /// Panel label and description, e.g. "(c) one = 1, one < 1".
        public var label: String
        /// (λ₁, λ₂).
        public var eigenvalues: (Double, Double)

        /// Creates a case.
        ///
        /// - Parameters:
        ///   - label: panel text.
        ///   - eigenvalues: (λ₁, λ₂).
        ///
        /// ```swift
        /// let c = ReLUDynamics.Case(label: "spiral", eigenvalues: (0.99, 0.2))
        /// ```
        public init(label: String, eigenvalues: (Double, Double)) {
            self.label = label
            self.eigenvalues = eigenvalues
        }
    }

    /// The four cases of the paper's figure, with representative eigenvalues:
    /// (a) both < 1: (0.9, 0.5); (b) both = 1: (1, 1); (c) one = 1, one < 1: (1, 0.5);
    /// (d) one > 1: (1.1, 0.5).
    ///
    /// ```swift
    /// let figure = try ReLUDynamics.casesFigure(steps: 50)
    /// ```
    public static let paperCases: [Case] = [
        Case(label: "(a) both < 1: λ = 0.9, 0.5", eigenvalues: (0.9, 0.5)),
        Case(label: "(b) both = 1: λ = 1, 1", eigenvalues: (1, 1)),
        Case(label: "(c) one = 1, one < 1: λ = 1, 0.5", eigenvalues: (1, 0.5)),
        Case(label: "(d) one > 1: λ = 1.1, 0.5", eigenvalues: (1.1, 0.5)),
    ]

    /// The paper's four cases as a 2 × 2 panel figure of phase portraits.
    ///
    /// - Parameters:
    ///   - cases: the panels (default ``paperCases``), laid out two per row.
    ///   - angle: θ in radians (default π/6).
    ///   - steps: T (default 50).
    ///   - pointsPerAxis: k (default 7).
    /// - Returns: the figure and the portraits (in the order of `cases`).
    /// - Throws: as ``phasePortrait(eigenvalues:angle:steps:pointsPerAxis:)``.
    ///
    /// ```swift
    /// let (figure, _) = try ReLUDynamics.casesFigure()
    /// try FileIO.writeAtomically(Array(figure.render().utf8), to: "cases.svg")
    /// ```
    public static func casesFigure(cases: [Case] = paperCases, angle: Double = Double.pi / 6, steps: Int = 50,
                                   pointsPerAxis: Int = 7) throws -> (figure: SVGFigure, portraits: [PhasePortrait]) {
        let portraits = try cases.map {
            try phasePortrait(eigenvalues: $0.eigenvalues, angle: angle, steps: steps, pointsPerAxis: pointsPerAxis)
        }
        let charts = zip(cases, portraits).map { $1.chart(title: $0.label) }
        let degrees = formatSignificant(angle * 180 / Double.pi, digits: 4)
        let title = "Two-unit ReLU RNN, h ← max(0, W h), W = R(\(degrees)°) diag(λ₁, λ₂) R(\(degrees)°)ᵀ, \(steps) steps"
        var figure = SVGFigure(title: title, panels: charts, columns: 2)
        figure.caption = "Open circles: starting states on a \(pointsPerAxis) × \(pointsPerAxis) grid in [−1, 1]²; red dots: states after "
            + "\(steps) steps;\ndashed green: eigenvector of λ₁; dashed purple: eigenvector of λ₂."
        return (figure, portraits)
    }
}
