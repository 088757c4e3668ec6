import Recurrent
import RecurrentDiagnostics
import RecurrentInitializers

/// `rnn dynamics`: phase portraits of a two-unit ReLU RNN under zero input (the np-RNN paper's figure).
enum DynamicsCommand: Command {
    static let name = "dynamics"
    static let summary = "simulate a two-unit ReLU RNN under zero input and draw its phase portrait (SVG)"

    static var usage: String {
        """
        usage: rnn dynamics --eigenvalues A,B [--angle DEG] [--steps T] [--grid K] [--plot phase.svg]
               rnn dynamics --cases [--angle DEG] [--steps T] [--grid K] [--plot cases.svg]

        Simulates h_{t+1} = max(0, W h_t) (zero input, zero bias) with the symmetric matrix
        W = R(θ)·diag(A, B)·R(θ)ᵀ, whose eigenvalues are A (eigenvector (cos θ, sin θ)) and B
        (eigenvector (−sin θ, cos θ)), from a K × K grid of starting states in [−1, 1]², prints W and
        how many trajectories vanish, decay, keep their state or grow, and draws them in the phase
        plane (open circles: starts; red dots: final states; dashed: the eigenvector lines).

        With --cases, draws the four cases of Talathi & Vartak's figure as a 2 × 2 panel: (a) both
        eigenvalues < 1 (0.9, 0.5): all states decay; (b) both = 1 (W = I, the IRNN): every state is
        kept; (c) one = 1, one < 1 (1, 0.5, the np-RNN design): states collapse onto a line of fixed
        points; (d) one > 1 (1.1, 0.5): states grow along the expanding direction.

        \(renderOptions(sections, column: 19))

        Examples:
          rnn dynamics --eigenvalues 1,0.5 --steps 50 --plot phase.svg
          rnn dynamics --cases --steps 50 --plot docs/images/dynamics-cases.svg
        """
    }

    /// The settings of `rnn dynamics`.
    struct Settings {
        var eigenvalues: String? = nil, cases = false, degrees = 0.0, steps = 0, grid = 0, plot: String? = nil
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            .string("--eigenvalues", "A,B", \.eigenvalues, "the two eigenvalues of W (finite numbers)"),
            .flag("--cases", \.cases, "the paper's four cases instead of --eigenvalues"),
            .double("--angle", "DEG", \.degrees, default: 30, "θ in degrees (default {default}, so the eigenvectors are not the axes)"),
            Option(name: "--steps", placeholder: "T", help: "time steps (default 50)", apply: { settings, parsed in
                settings.steps = 50
                if let text = parsed.string("--steps") {
                    guard let value = Int(text), value >= 0, value <= 1_000_000 else {
                        throw UsageError("--steps expects an integer in 0 … 1000000, got '\(text)'")
                    }
                    settings.steps = value
                }
            }, json: nil),
            .int("--grid", "K", \.grid, default: 7, "starting states per axis (default {default}: 49 trajectories)",
                 require: .init(test: { $0 <= 101 }, message: "must be at most 101")),
            .string("--plot", "FILE.svg", \.plot, "the picture (default phase.svg, or cases.svg with --cases)"),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let settings = try OptionSection.parse(arguments, sections, into: Settings()).settings
        let cases = settings.cases, degrees = settings.degrees, steps = settings.steps, grid = settings.grid
        let angle = degrees * Double.pi / 180
        let plot = settings.plot ?? (cases ? "cases.svg" : "phase.svg")
        guard !plot.isEmpty else { throw UsageError("--plot needs a file name") }
        try Preflight.checkOutputs([("--plot", plot)])

        let svg: String
        if cases {
            guard settings.eigenvalues == nil else { throw UsageError("give --eigenvalues or --cases, not both") }
            let (figure, portraits) = try ReLUDynamics.casesFigure(angle: angle, steps: steps, pointsPerAxis: grid)
            for (c, portrait) in zip(ReLUDynamics.paperCases, portraits) {
                print(c.label)
                report(portrait)
            }
            svg = figure.render()
        } else {
            guard let text = settings.eigenvalues else { throw UsageError("give --eigenvalues A,B or --cases") }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b.isFinite else {
                throw UsageError("--eigenvalues expects two finite numbers A,B, got '\(text)'")
            }
            let portrait = try ReLUDynamics.phasePortrait(eigenvalues: (a, b), angle: angle, steps: steps, pointsPerAxis: grid)
            report(portrait)
            let degreesText = degrees.magnitude < 1e9 && degrees.rounded() == degrees ? "\(Int(degrees))" : "\(degrees)"
            let title = "h ← max(0, W h), λ = \(parts[0]), \(parts[1]), θ = \(degreesText)°, \(steps) steps"
            svg = portrait.chart(title: title, width: 760, height: 560, legend: .right).render()
        }
        try FileIO.writeAtomically(Array(svg.utf8), to: plot)
        print("plot: \(plot)")
        return 0
    }

    static func report(_ portrait: ReLUDynamics.PhasePortrait) {
        let w = portrait.weight.values.map { formatted($0) }
        print("  W = [[\(w[0]), \(w[1])], [\(w[2]), \(w[3])]]")
        let fates = portrait.fates
        print("  after \(portrait.steps) steps, of \(portrait.trajectories.count) trajectories: \(fates.vanished) vanished "
              + "(‖h‖ < 1e-6), \(fates.decayed) decayed (‖h‖ < 0.1·‖h₁‖), \(fates.kept) kept, \(fates.grew) grew (‖h‖ > 10·max(1, ‖h₀‖))")
    }

    static func formatted(_ x: Double) -> String {
        let rounded = (x * 1e6).rounded() / 1e6
        let text = rounded == 0 ? "0" : "\(rounded)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
