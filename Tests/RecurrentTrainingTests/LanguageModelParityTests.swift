import Foundation
import XCTest
import Recurrent
import RecurrentData
import RecurrentInitializers
@testable import RecurrentTraining

/// A character model — Embedding → 2-layer LSTM → Linear, softmax cross-entropy at every step — against PyTorch's
/// float64 `nn.Embedding` / `nn.LSTM` / `nn.Linear` / `nn.CrossEntropyLoss` on the same weights and token stream
/// (Scripts/pytorch/make_charlm_fixture.py), over two windows with the state carried between them.
final class LanguageModelParityTests: XCTestCase {
    struct Fixture {
        let v, e, h, layers, steps, batch: Int
        let tokens: [Int]
        let weights: [String: Tensor<Double>]
        let windows: [(loss: Double, hN: Tensor<Double>, cN: Tensor<Double>, gradients: [String: Tensor<Double>])]
    }

    static func tensor(_ any: Any?) throws -> Tensor<Double> {
        let object = try XCTUnwrap(any as? [String: Any])
        return try Tensor(shape: try XCTUnwrap(object["shape"] as? [Int]), scalars: try XCTUnwrap(object["data"] as? [Double]))
    }

    static func load() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/charlm_lstm2.json")
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let weights = try XCTUnwrap(doc["weights"] as? [String: Any]).mapValues { try tensor($0) }
        let windows = try XCTUnwrap(doc["windows"] as? [[String: Any]]).map { w in
            (loss: try XCTUnwrap(w["loss"] as? Double), hN: try tensor(w["h_n"]), cN: try tensor(w["c_n"]),
             gradients: try XCTUnwrap(w["gradients"] as? [String: Any]).mapValues { try tensor($0) })
        }
        func int(_ key: String) throws -> Int { try XCTUnwrap(doc[key] as? Int) }
        return Fixture(v: try int("V"), e: try int("E"), h: try int("H"), layers: try int("layers"), steps: try int("T"),
                       batch: try int("B"), tokens: try XCTUnwrap(doc["tokens"] as? [Int]), weights: weights, windows: windows)
    }

    /// Our name of a parameter → PyTorch's.
    static func pytorchName(_ name: String) -> String {
        name.hasPrefix("readout.") ? "decoder." + name.dropFirst("readout.".count) : "rnn." + name
    }

    func check<S: RecurrentScalar>(_: S.Type, tolerance: Double) throws {
        let f = try Self.load()
        let embedding = try Embedding<S>(weight: XCTUnwrap(f.weights["encoder.weight"]).converted())
        var model = try RecurrentModel(inputSize: f.e, outputSize: f.v, layers: f.layers, outputMode: .everyStep) { i, _, _ in
            try LSTMCell<S>(inputSize: i, hiddenSize: f.h)
        }
        try model.setParameters(model.parameterNames.map { try XCTUnwrap(f.weights[Self.pytorchName($0)], $0).converted() })
        let stream = try TokenStream(tokens: f.tokens, batch: f.batch, window: f.steps)
        XCTAssertEqual(stream.windowCount, 2)
        var state: [[Tensor<S>]]? = nil
        var noDropout: RandomGenerator? = nil
        for (k, expected) in f.windows.enumerated() {
            let (inputs, targets) = stream.window(k)
            let x = try embedding.forward(inputs)                                           // (T, B, E)
            let pass = try model.forward(x, initialStates: state, generator: &noDropout)
            let loss = try Loss.softmaxCrossEntropy(logits: pass.output, labels: targets.ids.map(Int.init))
            XCTAssertEqual(loss.value, expected.loss, accuracy: tolerance, "window \(k) loss")
            var gradients = model.zeroGradients()
            let dx = try model.backward(pass, outputGradient: loss.gradient, into: &gradients)
            var dEmbedding = try Tensor<S>.zeros(embedding.weight.shape)
            try embedding.backward(inputs, outputGradient: dx, into: &dEmbedding)
            let ours = Dictionary(uniqueKeysWithValues: zip(model.parameterNames.map(Self.pytorchName), gradients)
                .map { ($0, $1.converted(to: Double.self)) } + [("encoder.weight", dEmbedding.converted(to: Double.self))])
            XCTAssertEqual(Set(ours.keys), Set(expected.gradients.keys))
            for (name, reference) in expected.gradients {
                let mine = try XCTUnwrap(ours[name])
                XCTAssertEqual(mine.shape, reference.shape, name)
                for (a, b) in zip(mine.scalars, reference.scalars) { XCTAssertEqual(a, b, accuracy: tolerance, "window \(k) \(name)") }
            }
            // Final (h, c) of every layer: ours (B, [h, c]) per layer, PyTorch's (layers, B, H) each.
            for l in 0..<f.layers {
                let final = pass.finalStates[l][0].converted(to: Double.self)
                for b in 0..<f.batch { for j in 0..<f.h {
                    XCTAssertEqual(final[b, j], expected.hN[l, b, j], accuracy: tolerance, "window \(k) h_n")
                    XCTAssertEqual(final[b, f.h + j], expected.cN[l, b, j], accuracy: tolerance, "window \(k) c_n")
                } }
            }
            // The fused output layer gives the same loss and readout gradients from the top layer's outputs.
            let features = try model.topOutputs(of: pass).reshaped(to: [inputs.steps * inputs.batch, f.h])
            var readoutGradients = [try Tensor<S>.zeros([f.v, f.h]), try Tensor<S>.zeros([f.v])]
            let fused = try Loss.readoutCrossEntropy(features: features, readout: model.readout, targets: targets.ids,
                                                     readoutGradients: &readoutGradients)
            XCTAssertEqual(fused.mean, expected.loss, accuracy: tolerance)
            for (a, b) in zip(readoutGradients[0].scalars, try XCTUnwrap(expected.gradients["decoder.weight"]).scalars) {
                XCTAssertEqual(Double(a), b, accuracy: tolerance)
            }
            state = pass.finalStates                  // carried into the next window (values: the gradient stops here)
        }
    }

    /// Double: the two sides differ only by summation order, ~1e-16 relative; 1e-12 on values of order 0.1–2.
    func testDoubleMatchesPyTorch() throws { try check(Double.self, tolerance: 1e-12) }

    /// Float: one rounding per operation over a few dozen chained operations; 1e-5 (the bound) holds.
    func testFloatMatchesPyTorch() throws { try check(Float.self, tolerance: 1e-5) }

    /// Stream continuity: two windows with the carried state give the same per-token losses as one pass over
    /// the same 2T steps (the forward computation is the same; only the gradient is truncated at the cut).
    func testCarriedStateEqualsOnePass() throws {
        let f = try Self.load()
        let embedding = try Embedding<Double>(weight: XCTUnwrap(f.weights["encoder.weight"]))
        var model = try RecurrentModel(inputSize: f.e, outputSize: f.v, layers: f.layers, outputMode: .everyStep) { i, _, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: f.h)
        }
        try model.setParameters(model.parameterNames.map { try XCTUnwrap(f.weights[Self.pytorchName($0)]) })
        var noDropout: RandomGenerator? = nil
        let windows = try TokenStream(tokens: f.tokens, batch: f.batch, window: f.steps)
        let whole = try TokenStream(tokens: f.tokens, batch: f.batch, window: 2 * f.steps)
        XCTAssertEqual(whole.windowCount, 1)
        let (allInputs, allTargets) = whole.window(0)
        let onePass = try model.forward(embedding.forward(allInputs), generator: &noDropout)
        let oneLoss = try Loss.readoutCrossEntropy(features: model.topOutputs(of: onePass).reshaped(to: [2 * f.steps * f.batch, f.h]),
                                                   readout: model.readout, targets: allTargets.ids)
        var state: [[Tensor<Double>]]? = nil, total = 0.0
        var windowOutputs: [Double] = []
        for k in 0..<2 {
            let (inputs, targets) = windows.window(k)
            let pass = try model.forward(embedding.forward(inputs), initialStates: state, generator: &noDropout)
            let top = try model.topOutputs(of: pass)
            windowOutputs += top.scalars
            total += try Loss.readoutCrossEntropy(features: top.reshaped(to: [f.steps * f.batch, f.h]), readout: model.readout,
                                                  targets: targets.ids).total
            state = pass.finalStates
        }
        XCTAssertEqual(windowOutputs, try model.topOutputs(of: onePass).scalars, "states at every step, bit for bit")
        XCTAssertEqual(total, oneLoss.total, accuracy: 1e-12)
    }
}
