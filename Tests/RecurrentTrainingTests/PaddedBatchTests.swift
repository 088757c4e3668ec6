import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentInitializers
import RecurrentData

/// A padded batch of different lengths against the same cases run one by one, unpadded (B = 1, T = Tᵢ).
///
/// The batch loss is the mean over cases (sequence to one) or over real steps (sequence to sequence), so it equals
/// Σᵢ wᵢ Lᵢ with wᵢ = 1/B or Nᵢ/N, and the batch's parameter gradients equal Σᵢ wᵢ ∂Lᵢ/∂θ. The model's outputs on
/// real steps are compared bit for bit. The loss and the parameter gradients are sums of the same terms in another
/// order (the batch sums over cases inside each GEMM, the reference adds whole cases), and wᵢ rounds; so they agree
/// to a few ulps of the largest term, not bit for bit. We require a difference ≤ 1e-15 relative to the largest
/// magnitude (measured: at most 3.6e-16, i.e. ≈ 3 ulps of 1.1e-16, one or two roundings per term).
final class PaddedBatchTests: XCTestCase {
    let lengths = [5, 2, 4]

    func cases(width: Int, seed: UInt64) -> [[[Double]]] {
        var g = RandomGenerator(seed: seed)
        return lengths.map { t in (0..<t).map { _ in (0..<width).map { _ in g.nextUniform() * 2 - 1 } } }
    }

    func assertClose(_ a: [Double], _ b: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = max(a.map(abs).max() ?? 0, 1e-300)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, 1e-15, what, file: file, line: line)
    }

    /// Runs `model` on the padded batch and on each case alone; compares loss and gradients.
    func compare<Cell: RecurrentCell>(_ model: RecurrentModel<Cell>, _ data: SequenceDataset<Double>,
                                      file: StaticString = #filePath, line: UInt = #line) throws where Cell.Scalar == Double {
        let batch = try data.batch(Array(0..<data.count))
        XCTAssertGreaterThan(batch.steps, lengths.min()!)   // really padded
        let pass = try model.forward(batch.inputs, lengths: batch.lengths)
        let loss = try Trainer<Cell>.loss(pass.output, batch)
        var gradients = model.zeroGradients()
        try model.backwardWithoutInputGradient(pass, outputGradient: loss.gradient, into: &gradients)

        var referenceLoss = 0.0
        var reference = model.zeroGradients().map { [Double](repeating: 0, count: $0.count) }
        let total = Double(batch.realStepCount)
        for i in 0..<data.count {
            let single = try data.batch([i])
            XCTAssertEqual(single.steps, lengths[i])
            let p = try model.forward(single.inputs)
            let l = try Trainer<Cell>.loss(p.output, single)
            // The outputs on real steps are the padded batch's, bit for bit.
            let k = p.output.shape[1], b = data.count
            var padded: [Double] = []
            if model.outputMode == .lastStep {
                padded = Array(pass.output.scalars[i * k..<(i + 1) * k])
            } else {
                for t in 0..<lengths[i] { padded += pass.output.scalars[(t * b + i) * k..<(t * b + i + 1) * k] }
            }
            XCTAssertEqual(p.output.scalars, padded, "outputs of case \(i)", file: file, line: line)
            let w = batch.stepTargets != nil ? Double(lengths[i]) / total : 1 / Double(b)
            referenceLoss += w * l.value
            var g = model.zeroGradients()
            try model.backwardWithoutInputGradient(p, outputGradient: l.gradient, into: &g)
            for k in g.indices { for j in 0..<g[k].count { reference[k][j] += w * g[k].scalars[j] } }
        }
        assertClose([loss.value], [referenceLoss], "loss", file: file, line: line)
        for (k, name) in model.parameterNames.enumerated() {
            assertClose(gradients[k].scalars, reference[k], "gradient of \(name)", file: file, line: line)
        }
    }

    func testSequenceToOneBidirectionalGRU() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2, bidirectional: true, seed: 2) { i, l, d in
            try GRUCell<Double>(inputSize: i, hiddenSize: 4, seed: UInt64(10 * l + d))
        }
        let data = try SequenceDataset<Double>(cases: cases(width: 2, seed: 5), labels: [2, 0, 1], classCount: 3)
        try compare(model, data)
    }

    func testSequenceToSequenceLSTM() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 2, layers: 2, outputMode: .everyStep, seed: 3) { i, l, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 3, seed: UInt64(l + 1))
        }
        let inputs = cases(width: 2, seed: 6)
        let targets = cases(width: 2, seed: 7)
        let data = try SequenceDataset<Double>(cases: inputs, stepTargets: targets)
        try compare(model, data)
    }
}
