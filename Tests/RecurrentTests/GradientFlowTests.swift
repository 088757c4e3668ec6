import XCTest
@testable import Recurrent
import RecurrentInitializers

/// The recorded gradient flow ‖∂L/∂h_t‖ equals the norm obtained independently from explicit backward passes:
/// ∂L/∂state_t = (this step's output gradient) + ∂L/∂(initial state) of the same layer run on the suffix
/// x_{t+1…T−1} from state_t. The two are computed along different code paths (one pass vs T passes), so
/// agreement to 1e-12 relative checks the recorder reads the right buffer at the right step.
final class GradientFlowTests: XCTestCase {
    func check<Cell: RecurrentCell>(_ cell: Cell, steps: Int = 7, batch: Int = 3) throws where Cell.Scalar == Double {
        var generator = RandomGenerator(seed: 4)
        let layer = RecurrentLayer(cell: cell)
        let x: Tensor<Double> = randomTensor([steps, batch, cell.inputSize], generator: &generator)
        let dOut: Tensor<Double> = randomTensor([steps, batch, cell.outputSize], generator: &generator)
        let pass = try layer.forward(x)
        var gradients = cell.zeroGradients(), plain = cell.zeroGradients()
        var norms: [Double] = []
        let recorded = try layer.backward(pass, outputGradient: dOut, into: &gradients, recordingGradientFlow: &norms)
        let reference = try layer.backward(pass, outputGradient: dOut, into: &plain)
        XCTAssertEqual(recorded.input, reference.input, "recording must not change results")
        XCTAssertEqual(gradients, plain)
        XCTAssertEqual(norms.count, steps)
        let (o, s, i) = (cell.outputSize, cell.stateSize, cell.inputSize)
        for t in 0..<steps {
            var total = Array(dOut.scalars[t * batch * o..<(t + 1) * batch * o])   // (B, O)
            if t < steps - 1 {
                let suffixSteps = steps - 1 - t
                let xStart: Int = (t + 1) * batch * i
                let outStart: Int = (t + 1) * batch * o
                let suffixValues: [Double] = Array(x.scalars[xStart...])
                let suffixOutValues: [Double] = Array(dOut.scalars[outStart...])
                let suffix = try Tensor<Double>(shape: [suffixSteps, batch, i], scalars: suffixValues)
                let suffixOut = try Tensor<Double>(shape: [suffixSteps, batch, o], scalars: suffixOutValues)
                let suffixPass = try layer.forward(suffix, initialState: pass.state(afterStep: t))
                var unused = cell.zeroGradients()
                let dState = try layer.backward(suffixPass, outputGradient: suffixOut, into: &unused).initialState
                for b in 0..<batch { for j in 0..<o { total[b * o + j] += dState.scalars[b * s + j] } }
            }
            let expected = total.reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertEqual(norms[t], expected, accuracy: 1e-12 * max(1, expected), "step \(t)")
        }
    }

    func testLSTM() throws { try check(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 1)) }
    func testNpRNN() throws { try check(SimpleRNNCell<Double>.npRNN(inputSize: 2, hiddenSize: 5, seed: 2)) }
    func testGRU() throws { try check(GRUCell<Double>(inputSize: 2, hiddenSize: 4, seed: 3)) }
    func testSCRN() throws { try check(SCRNCell<Double>(inputSize: 2, hiddenSize: 3, contextSize: 2, seed: 4)) }
}
