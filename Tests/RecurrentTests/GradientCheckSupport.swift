import XCTest
@testable import Recurrent
import RecurrentInitializers

/// A random tensor with entries in U(−scale, scale).
func randomTensor<S: RecurrentScalar>(_ shape: [Int], scale: Double = 1, generator: inout RandomGenerator) -> Tensor<S> {
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ in S((generator.nextUniform() * 2 - 1) * scale) }
    return try! Tensor(shape: shape, scalars: values)
}

/// Weighted-sum loss touching every output step and the final state:
/// L = Σ wOut ⊙ outputs + Σ wFinal ⊙ finalState. Its gradients are exactly wOut and wFinal.
struct ProbeLoss<S: RecurrentScalar> {
    let outputWeights: Tensor<S>
    let finalWeights: Tensor<S>

    func value(_ pass: RecurrentLayer<some RecurrentCell<S>>.Pass) -> Double {
        var sum = 0.0
        for (a, b) in zip(pass.outputs.scalars, outputWeights.scalars) { sum += Double(a) * Double(b) }
        for (a, b) in zip(pass.finalState.scalars, finalWeights.scalars) { sum += Double(a) * Double(b) }
        return sum
    }
}

struct GradientReport {
    var worst: [(name: String, error: Double)] = []
    var maxError: Double { worst.map(\.error).max() ?? 0 }
}

/// Elementwise error measure |analytic − numeric| / max(1, |analytic|, |numeric|):
/// relative for large gradients, absolute for small ones (where relative error is meaningless).
func gradientError(_ analytic: Double, _ numeric: Double) -> Double {
    abs(analytic - numeric) / max(1, abs(analytic), abs(numeric))
}

/// Central finite differences in Double for every parameter, the input and the initial state.
///
/// With ε = 1e-6 the truncation error of the central difference is O(ε²·|L'''|) ≈ 1e-12 and the
/// rounding error is O(u·|L|/ε) ≈ 1e-16·10/1e-6 = 1e-9 for losses of order 10; so a correct
/// backward pass agrees to about 1e-9 and we require 1e-7, two orders of margin. A wrong term in a
/// gradient (a missing factor, a wrong gate) shows up at 1e-3 or larger.
func checkGradients<Cell: RecurrentCell>(
    _ cell: Cell, steps: Int = 6, batch: Int = 3, lengths: [Int]? = nil, seed: UInt64 = 11,
    file: StaticString = #filePath, line: UInt = #line
) throws -> GradientReport where Cell.Scalar == Double {
    var generator = RandomGenerator(seed: seed)
    let layer = RecurrentLayer(cell: cell)
    let x: Tensor<Double> = randomTensor([steps, batch, cell.inputSize], generator: &generator)
    let h0: Tensor<Double> = randomTensor([batch, cell.stateSize], scale: 0.5, generator: &generator)
    let loss = ProbeLoss<Double>(
        outputWeights: randomTensor([steps, batch, cell.outputSize], generator: &generator),
        finalWeights: randomTensor([batch, cell.stateSize], generator: &generator))

    let pass = try layer.forward(x, initialState: h0, lengths: lengths)
    var gradients = cell.zeroGradients()
    let (dx, dh0) = try layer.backward(pass, outputGradient: loss.outputWeights, finalStateGradient: loss.finalWeights,
                                      into: &gradients)
    let epsilon = 1e-6
    let tolerance = 1e-7
    var report = GradientReport()

    func lossAt(cell: Cell, x: Tensor<Double>, h0: Tensor<Double>) throws -> Double {
        loss.value(try RecurrentLayer(cell: cell).forward(x, initialState: h0, lengths: lengths))
    }
    func compare(_ name: String, _ analytic: Tensor<Double>, numeric: (Int, Double) throws -> Double) rethrows {
        var worst = 0.0
        for index in 0..<analytic.count {
            let plus = try numeric(index, epsilon), minus = try numeric(index, -epsilon)
            let estimate = (plus - minus) / (2 * epsilon)
            worst = max(worst, gradientError(analytic.scalars[index], estimate))
        }
        report.worst.append((name, worst))
        XCTAssertLessThan(worst, tolerance, "gradient of \(name)", file: file, line: line)
    }

    let parameters = cell.parameters
    for (k, name) in cell.parameterNames.enumerated() {
        try compare(name, gradients[k]) { index, delta in
            var perturbed = parameters
            var values = perturbed[k].scalars
            values[index] += delta
            perturbed[k] = try Tensor(shape: perturbed[k].shape, scalars: values)
            var shifted = cell
            try shifted.setParameters(perturbed)
            return try lossAt(cell: shifted, x: x, h0: h0)
        }
    }
    try compare("input", dx) { index, delta in
        var values = x.scalars
        values[index] += delta
        return try lossAt(cell: cell, x: Tensor(shape: x.shape, scalars: values), h0: h0)
    }
    try compare("initial state", dh0) { index, delta in
        var values = h0.scalars
        values[index] += delta
        return try lossAt(cell: cell, x: x, h0: Tensor(shape: h0.shape, scalars: values))
    }
    return report
}
