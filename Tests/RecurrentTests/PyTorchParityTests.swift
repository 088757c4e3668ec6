import Foundation
import XCTest
@testable import Recurrent

/// Forward and backward parity with PyTorch's `nn.RNN`, `nn.LSTM` and `nn.GRU` (reset after, PyTorch's only form).
///
/// The fixtures in `Fixtures/pytorch/` were written by `Scripts/pytorch/make_fixtures.py` (float64 PyTorch on CPU):
/// a model's `state_dict`, an input x (T, B, I), h0 (and c0) of shape (L·D, B, H), the outputs, h_n (and c_n), the
/// fixed loss `L = Σ output ⊙ W_out + Σ h_n ⊙ W_h (+ Σ c_n ⊙ W_c)`, and the gradient of L with respect to every
/// parameter, x, h0 (and c0). Here the same model is built from our cells and ``RecurrentLayer``: ∂L/∂output = W_out
/// is the output gradient and [W_h, W_c] the final-state gradient of each layer and direction.
///
/// Single-layer unidirectional cases map 1:1 onto one layer. The stacked and bidirectional cases are composed by
/// hand and so document PyTorch's exact semantics:
/// - layer l + 1 reads layer l's output sequence (no dropout: PyTorch's default 0);
/// - the reverse direction is our layer run on the time-reversed input with its own h0/c0, and its outputs are
///   reversed back, so reverse output t is the state after reading x_{T−1} … x_t; its h_n is the state after x_0;
/// - the output is the feature concatenation [forward (H), reverse (H)] (width 2H), which is also the next layer's input;
/// - h0/c0/h_n/c_n index k = layer · D + direction; parameter names get `_l{layer}` and `_reverse` suffixes.
///
/// The `*_packed*` cases are ragged batches (`pack_padded_sequence(enforce_sorted: false)` in, `pad_packed_sequence`
/// out) and map onto `forward(_:initialState:lengths:)`: padded outputs are 0, h_n is each row's state after its
/// last valid step, and no gradient reaches padded inputs. The reverse direction of a row of length n reads
/// x_{n−1} … x_0: each row's valid prefix is reversed (not the whole padded sequence), run with the same lengths,
/// and reversed back.
///
/// Tolerances:
/// - Double: |ours − torch| ≤ 1e-10 · max(|torch|, 1e-3 · ‖torch tensor‖∞) elementwise. Both sides compute in float64
///   the same operations, differing only in summation order and in the libm/vectorized exp and tanh (≤ a few ulp);
///   each rounding is ~1.1e-16 relative, and it is carried through T ≤ 5 steps and sums of ≤ ~60 terms, so expected
///   errors are ~1e-16·T·sizes ≈ 1e-14. The floor of 1e-3 of the tensor's largest entry keeps the check relative for
///   entries that are small only by cancellation. 1e-10 leaves a margin of ~1e4 and still catches any formula mistake
///   (those show up at 1e-3 or worse).
/// - Float: weights and inputs rounded to Float, the whole computation in Float, compared with the float64 reference:
///   |ours − torch| ≤ 1e-5 · max(1, |torch|). Float rounding is ~6e-8 per operation, amplified through T steps of
///   recurrence (gains ≈ 1 here) and sums of tens of terms, giving ~1e-6; 1e-5 bounds that with a margin while a wrong
///   formula still fails by orders of magnitude.
///
/// The maximum errors of every case are printed (`PyTorchParity <case> …`).
final class PyTorchParityTests: XCTestCase {
    static let cases = [
        "rnn_tanh", "rnn_relu", "lstm", "gru",
        "lstm_2layer", "gru_2layer", "lstm_bidirectional", "gru_bidirectional",
        "lstm_2layer_bidirectional", "gru_2layer_bidirectional",
        "lstm_packed", "gru_packed_bidirectional", "lstm_packed_2layer_bidirectional",
    ]

    func testRNNTanh() throws { try checkParity("rnn_tanh") }
    func testRNNReLU() throws { try checkParity("rnn_relu") }
    func testLSTM() throws { try checkParity("lstm") }
    func testGRU() throws { try checkParity("gru") }
    func testLSTMTwoLayers() throws { try checkParity("lstm_2layer") }
    func testGRUTwoLayers() throws { try checkParity("gru_2layer") }
    func testLSTMBidirectional() throws { try checkParity("lstm_bidirectional") }
    func testGRUBidirectional() throws { try checkParity("gru_bidirectional") }
    func testLSTMTwoLayersBidirectional() throws { try checkParity("lstm_2layer_bidirectional") }
    func testGRUTwoLayersBidirectional() throws { try checkParity("gru_2layer_bidirectional") }
    func testLSTMPacked() throws { try checkParity("lstm_packed") }
    func testGRUPackedBidirectional() throws { try checkParity("gru_packed_bidirectional") }
    func testLSTMPackedTwoLayersBidirectional() throws { try checkParity("lstm_packed_2layer_bidirectional") }

    /// Every fixture on disk is one of the cases above (a new fixture without a test fails here).
    func testEveryFixtureIsChecked() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ParityFixture.directory.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        XCTAssertEqual(Set(files), Set(Self.cases), "fixtures in \(ParityFixture.directory.path)")
    }

    /// Our cells' parameter names are PyTorch's names without the layer suffix.
    func testParameterNamesMatchStateDict() throws {
        for name in ["rnn_tanh", "lstm", "gru"] {
            let fixture = try ParityFixture.load(name)
            let expected = Set(fixture.parameters.keys.map { $0.replacingOccurrences(of: "_l0", with: "") })
            let cell = try ParityModel<Double>.makeCell(fixture: fixture, layer: 0, direction: 0)
            XCTAssertEqual(Set(cell.names), expected, name)
        }
    }

    func checkParity(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try ParityFixture.load(name)
        let double = try ParityModel<Double>.run(fixture)
        let float = try ParityModel<Float>.run(fixture)
        let doubleReport = compare(double, fixture) { ours, torch, scale in
            abs(ours - torch) <= 1e-10 * max(abs(torch), 1e-3 * scale)
        }
        let floatReport = compare(float, fixture) { ours, torch, _ in
            abs(ours - torch) <= 1e-5 * max(1, abs(torch))
        }
        print("PyTorchParity \(name) Double: \(doubleReport.summary)")
        print("PyTorchParity \(name) Float:  \(floatReport.summary)")
        for failure in doubleReport.failures.prefix(20) { XCTFail("\(name) Double: \(failure)", file: file, line: line) }
        for failure in floatReport.failures.prefix(20) { XCTFail("\(name) Float: \(failure)", file: file, line: line) }
    }

    /// Compares every quantity PyTorch recorded; the worst relative error (|Δ| / max(|torch|, 1e-3·‖torch‖∞)) and the
    /// worst error relative to max(1, |torch|) are reported with the quantity they occur in.
    func compare(_ result: ParityResult, _ fixture: ParityFixture,
                 within tolerance: (_ ours: Double, _ torch: Double, _ scale: Double) -> Bool) -> ParityReport {
        var report = ParityReport()
        var expected: [(String, ParityFixture.TensorData)] = []
        expected += fixture.outputs.sorted { $0.key < $1.key }.map { ("\($0.key)", $0.value) }
        expected += fixture.gradients.sorted { $0.key < $1.key }.map { ("grad \($0.key)", $0.value) }
        for (key, torch) in expected {
            guard let ours = result.values[key] else {
                report.failures.append("\(key): not computed by the Swift model")
                continue
            }
            guard ours.shape == torch.shape else {
                report.failures.append("\(key): shape \(ours.shape), PyTorch \(torch.shape)")
                continue
            }
            let scale = torch.data.reduce(0) { max($0, abs($1)) }
            var failed = 0
            for (index, (a, b)) in zip(ours.data, torch.data).enumerated() {
                let difference = abs(a - b)
                let relative = difference / max(abs(b), 1e-3 * scale, .leastNormalMagnitude)
                let mixed = difference / max(1, abs(b))
                if relative > report.maxRelative.error { report.maxRelative = (relative, key) }
                if mixed > report.maxMixed.error { report.maxMixed = (mixed, key) }
                if !a.isFinite || !tolerance(a, b, scale) {
                    failed += 1
                    if failed <= 3 {
                        report.failures.append("\(key)[\(index)] (shape \(torch.shape)) = \(a), PyTorch \(b), |Δ| = \(difference)")
                    }
                }
            }
            if failed > 3 { report.failures.append("\(key): \(failed) of \(torch.data.count) entries out of tolerance") }
        }
        return report
    }
}

struct ParityReport {
    var maxRelative: (error: Double, key: String) = (0, "-")
    var maxMixed: (error: Double, key: String) = (0, "-")
    var failures: [String] = []
    var summary: String {
        let relative = String(format: "%.2e", maxRelative.error), mixed = String(format: "%.2e", maxMixed.error)
        return "max rel err \(relative) (\(maxRelative.key)), max |Δ|/max(1,|v|) \(mixed) (\(maxMixed.key))"
            + (failures.isEmpty ? "" : " — \(failures.count) FAILURES")
    }
}

/// One fixture written by `Scripts/pytorch/make_fixtures.py`.
struct ParityFixture: Decodable {
    /// A row-major tensor.
    struct TensorData: Decodable {
        let shape: [Int]
        let data: [Double]
    }

    let name: String
    /// "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
    let mode: String
    let numLayers: Int
    let bidirectional: Bool
    let steps: Int
    let batch: Int
    let inputSize: Int
    let hiddenSize: Int
    /// Per-row lengths of a ragged (packed) batch; `nil` when every row has T steps.
    let lengths: [Int]?
    /// The `state_dict`: `weight_ih_l0`, `bias_hh_l1_reverse`, …
    let parameters: [String: TensorData]
    /// `input` (T, B, I), `h0` and for LSTM `c0` (L·D, B, H).
    let inputs: [String: TensorData]
    /// `output` (T, B, D·H), `h_n` and for LSTM `c_n` (L·D, B, H).
    let outputs: [String: TensorData]
    /// W_out, W_h (and W_c) under the keys `output`, `h_n`, `c_n`.
    let lossWeights: [String: TensorData]
    /// ∂L/∂ every `state_dict` tensor, `input`, `h0` (and `c0`).
    let gradients: [String: TensorData]

    enum CodingKeys: String, CodingKey {
        case name = "case", mode, numLayers = "num_layers", bidirectional, steps, batch, inputSize = "input_size"
        case hiddenSize = "hidden_size", lengths, parameters, inputs, outputs, lossWeights = "loss_weights", gradients
    }

    var directions: Int { bidirectional ? 2 : 1 }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("pytorch")

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads `<name>.json`; any problem throws an error naming the file and how to regenerate it.
    static func load(_ name: String) throws -> ParityFixture {
        let url = directory.appendingPathComponent("\(name).json")
        let hint = "regenerate with: PY=$(Scripts/pytorch/env.sh) && \"$PY\" Scripts/pytorch/make_fixtures.py"
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError(description: "cannot read PyTorch fixture \(url.path): \(error) — \(hint)")
        }
        let fixture: ParityFixture
        do {
            fixture = try JSONDecoder().decode(ParityFixture.self, from: data)
        } catch {
            throw LoadError(description: "cannot decode PyTorch fixture \(url.path): \(error) — \(hint)")
        }
        guard fixture.name == name else {
            throw LoadError(description: "\(url.path) holds case \"\(fixture.name)\", expected \"\(name)\"")
        }
        return fixture
    }

    func tensor(_ key: String, in table: [String: TensorData], _ what: String) throws -> TensorData {
        guard let value = table[key] else {
            throw LoadError(description: "PyTorch fixture \(name): no \(what) \"\(key)\" (has \(table.keys.sorted()))")
        }
        return value
    }
}

/// What the Swift model computed, keyed like the fixture: "output", "h_n", "c_n", "grad <name>".
struct ParityResult {
    var values: [String: ParityFixture.TensorData] = [:]
}

/// A type-erased cell: its parameter names and a layer that runs forward and backward in one call.
struct ParityCell<S: RecurrentScalar> {
    let names: [String]
    let stateSize: Int
    /// (input, initial state, lengths) → (outputs, final state, backward(dOutputs, dFinalState) → (dInput, dInitial, dParameters)).
    let run: (Tensor<S>, Tensor<S>, [Int]?) throws -> (
        outputs: Tensor<S>, finalState: Tensor<S>,
        backward: (Tensor<S>, Tensor<S>) throws -> (Tensor<S>, Tensor<S>, [Tensor<S>]))

    init<Cell: RecurrentCell>(_ cell: Cell) where Cell.Scalar == S {
        names = cell.parameterNames
        stateSize = cell.stateSize
        let layer = RecurrentLayer(cell: cell)
        run = { input, initial, lengths in
            let pass = try layer.forward(input, initialState: initial, lengths: lengths)
            return (pass.outputs, pass.finalState, { dOutputs, dFinal in
                var gradients = layer.cell.zeroGradients()
                let (dInput, dInitial) = try layer.backward(pass, outputGradient: dOutputs, finalStateGradient: dFinal,
                                                            into: &gradients)
                return (dInput, dInitial, gradients)
            })
        }
    }
}

/// PyTorch's multi-layer, optionally bidirectional network composed from ``RecurrentLayer``s, in scalar type S.
enum ParityModel<S: RecurrentScalar> {
    static func tensor(_ array: ParityFixture.TensorData) throws -> Tensor<S> {
        try Tensor(shape: array.shape, scalars: array.data.map { S($0) })
    }

    static func suffix(layer: Int, direction: Int) -> String { "_l\(layer)" + (direction == 1 ? "_reverse" : "") }

    /// The cell of one layer and direction from the `state_dict` tensors, in our parameter order.
    static func makeCell(fixture: ParityFixture, layer: Int, direction: Int) throws -> ParityCell<S> {
        let suffix = suffix(layer: layer, direction: direction)
        func p(_ name: String) throws -> Tensor<S> {
            try tensor(fixture.tensor(name + suffix, in: fixture.parameters, "parameter"))
        }
        let (wIH, bIH, wHH, bHH) = try (p("weight_ih"), p("bias_ih"), p("weight_hh"), p("bias_hh"))
        switch fixture.mode {
        case "RNN_TANH":
            return ParityCell(try SimpleRNNCell(nonlinearity: .tanh, weightIH: wIH, biasIH: bIH, weightHH: wHH, biasHH: bHH))
        case "RNN_RELU":
            return ParityCell(try SimpleRNNCell(nonlinearity: .relu, weightIH: wIH, biasIH: bIH, weightHH: wHH, biasHH: bHH))
        case "LSTM":
            return ParityCell(try LSTMCell(weightIH: wIH, biasIH: bIH, weightHH: wHH, biasHH: bHH))
        case "GRU":
            return ParityCell(try GRUCell(reset: .afterMatrix, weightIH: wIH, biasIH: bIH, weightHH: wHH, biasHH: bHH))
        default:
            throw ParityFixture.LoadError(description: "PyTorch fixture \(fixture.name): unknown mode \(fixture.mode)")
        }
    }

    // MARK: (T, B, F) sequence helpers

    /// The sequence with its time axis reversed; with `lengths`, only each row's valid prefix is reversed
    /// (x'[t, b] = x[n_b − 1 − t, b] for t < n_b; padding stays in place). Its own inverse.
    static func reversedInTime(_ x: Tensor<S>, lengths: [Int]?) -> Tensor<S> {
        let (steps, batch, width) = (x.shape[0], x.shape[1], x.shape[2])
        var scalars = x.scalars
        for t in 0..<steps {
            for b in 0..<batch {
                let n = lengths?[b] ?? steps
                guard t < n else { continue }
                let (to, from) = ((t * batch + b) * width, ((n - 1 - t) * batch + b) * width)
                scalars.replaceSubrange(to..<to + width, with: x.scalars[from..<from + width])
            }
        }
        return try! Tensor(shape: x.shape, scalars: scalars)
    }

    /// Concatenation along the last axis.
    static func concatenatedFeatures(_ parts: [Tensor<S>]) -> Tensor<S> {
        let rows = parts[0].count / parts[0].shape.last!
        var scalars = [S](); scalars.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for r in 0..<rows {
            for part in parts {
                let w = part.shape.last!
                scalars += part.scalars[r * w..<(r + 1) * w]
            }
        }
        var shape = parts[0].shape
        shape[shape.count - 1] = parts.reduce(0) { $0 + $1.shape.last! }
        return try! Tensor(shape: shape, scalars: scalars)
    }

    /// Columns `range` of the last axis.
    static func features(_ x: Tensor<S>, _ range: Range<Int>) -> Tensor<S> {
        let w = x.shape.last!, rows = x.count / w
        var scalars = [S](); scalars.reserveCapacity(rows * range.count)
        for r in 0..<rows { scalars += x.scalars[r * w + range.lowerBound..<r * w + range.upperBound] }
        var shape = x.shape
        shape[shape.count - 1] = range.count
        return try! Tensor(shape: shape, scalars: scalars)
    }

    /// Slice k of an (L·D, B, H) tensor as (B, H).
    static func slice(_ x: Tensor<S>, _ k: Int) -> Tensor<S> {
        let size = x.shape[1] * x.shape[2]
        return try! Tensor(shape: [x.shape[1], x.shape[2]], scalars: Array(x.scalars[k * size..<(k + 1) * size]))
    }

    static func array(_ x: Tensor<S>) -> ParityFixture.TensorData {
        ParityFixture.TensorData(shape: x.shape, data: x.scalars.map { Double($0) })
    }

    /// Stacks (B, H) slices into (count, B, H).
    static func stacked(_ slices: [Tensor<S>]) -> ParityFixture.TensorData {
        ParityFixture.TensorData(shape: [slices.count] + slices[0].shape, data: slices.flatMap { $0.scalars.map { Double($0) } })
    }

    // MARK: The network

    /// Forward through all layers and directions, then backward from the fixture's loss weights.
    static func run(_ fixture: ParityFixture) throws -> ParityResult {
        let (layers, directions, h) = (fixture.numLayers, fixture.directions, fixture.hiddenSize)
        let isLSTM = fixture.mode == "LSTM", lengths = fixture.lengths
        func reversed(_ x: Tensor<S>) -> Tensor<S> { reversedInTime(x, lengths: lengths) }
        func input(_ key: String) throws -> Tensor<S> { try tensor(fixture.tensor(key, in: fixture.inputs, "input")) }
        func weight(_ key: String) throws -> Tensor<S> { try tensor(fixture.tensor(key, in: fixture.lossWeights, "loss weight")) }
        let x = try input("input"), h0 = try input("h0"), c0 = isLSTM ? try input("c0") : nil
        let wOutput = try weight("output"), wH = try weight("h_n"), wC = isLSTM ? try weight("c_n") : nil

        /// Our state row: h, or [h, c] for LSTM.
        func state(_ h: Tensor<S>, _ c: Tensor<S>?, _ k: Int) -> Tensor<S> {
            c.map { concatenatedFeatures([slice(h, k), slice($0, k)]) } ?? slice(h, k)
        }

        typealias Backward = (Tensor<S>, Tensor<S>) throws -> (Tensor<S>, Tensor<S>, [Tensor<S>])
        var backwards = [[Backward]](), cells = [[ParityCell<S>]]()
        var hN = [Tensor<S>](), cN = [Tensor<S>]()
        var sequence = x
        for layer in 0..<layers {
            var outputs = [Tensor<S>](), layerBackwards = [Backward](), layerCells = [ParityCell<S>]()
            for direction in 0..<directions {
                let cell = try makeCell(fixture: fixture, layer: layer, direction: direction)
                let k = layer * directions + direction
                let source = direction == 0 ? sequence : reversed(sequence)
                let (out, final, backward) = try cell.run(source, state(h0, c0, k), lengths)
                outputs.append(direction == 0 ? out : reversed(out))
                hN.append(features(final, 0..<h))
                if isLSTM { cN.append(features(final, h..<2 * h)) }
                layerBackwards.append(backward)
                layerCells.append(cell)
            }
            sequence = concatenatedFeatures(outputs)
            backwards.append(layerBackwards)
            cells.append(layerCells)
        }

        var result = ParityResult()
        result.values["output"] = array(sequence)
        result.values["h_n"] = stacked(hN)
        if isLSTM { result.values["c_n"] = stacked(cN) }

        // Backward: ∂L/∂output = W_out; ∂L/∂h_n = W_h, ∂L/∂c_n = W_c.
        var dSequence = wOutput
        var dH0 = [Tensor<S>](repeating: slice(h0, 0), count: layers * directions)
        var dC0 = dH0
        for layer in (0..<layers).reversed() {
            var dInput: Tensor<S>? = nil
            for direction in 0..<directions {
                let k = layer * directions + direction
                let dOut = features(dSequence, direction * h..<(direction + 1) * h)
                let (dx, dInitial, gradients) = try backwards[layer][direction](
                    direction == 0 ? dOut : reversed(dOut), state(wH, wC, k))
                let dxForward = direction == 0 ? dx : reversed(dx)
                if dInput == nil { dInput = dxForward } else { try dInput!.add(dxForward) }
                dH0[k] = features(dInitial, 0..<h)
                if isLSTM { dC0[k] = features(dInitial, h..<2 * h) }
                let suffix = suffix(layer: layer, direction: direction)
                for (name, gradient) in zip(cells[layer][direction].names, gradients) {
                    result.values["grad \(name)\(suffix)"] = array(gradient)
                }
            }
            dSequence = dInput!
        }
        result.values["grad input"] = array(dSequence)
        result.values["grad h0"] = stacked(dH0)
        if isLSTM { result.values["grad c0"] = stacked(dC0) }
        return result
    }
}
