import Foundation
import XCTest
import Recurrent
import RecurrentInitializers

/// A model's input normalization: `predict`, `step` and the training forward read raw input and equal the model
/// without normalization on standardized input, bit for bit (Float and Double, stacked, bidirectional, ragged);
/// the input gradient is checked against central differences; it survives save / load through every loader;
/// files without it load as before; a broken one is refused naming the file and the tensor.
final class InputNormalizationTests: XCTestCase {
    var directory = ""
    let (steps, batch, inputSize, outputSize) = (6, 3, 2, 4)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("input-normalization-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Raw input far from standardized: feature 0 around 100 with spread 20, feature 1 around −3 with spread 0.01.
    func rawInput<S: RecurrentScalar>(_: S.Type, seed: UInt64 = 5) throws -> Tensor<S> {
        var generator = RandomGenerator(seed: seed)
        let values = (0..<steps * batch * inputSize).map { i in
            let u = generator.nextUniform() * 2 - 1
            return S(i % 2 == 0 ? 100 + 20 * u : -3 + 0.01 * u)
        }
        return try Tensor(shape: [steps, batch, inputSize], scalars: values)
    }

    func normalization<S: RecurrentScalar>(_: S.Type) throws -> InputNormalization<S> {
        try InputNormalization(mean: [S(101.5), S(-3.002)], scale: [S(17.25), S(0.0061)])
    }

    /// (x − μ) / σ by the documented formula, on the real steps only.
    func standardized<S: RecurrentScalar>(_ x: Tensor<S>, _ n: InputNormalization<S>, lengths: [Int]?) throws -> Tensor<S> {
        var values = x.scalars
        for t in 0..<steps {
            for b in 0..<batch where t < (lengths?[b] ?? steps) {
                for f in 0..<inputSize {
                    let i = (t * batch + b) * inputSize + f
                    values[i] = S((Double(values[i]) - Double(n.mean[f])) / Double(n.scale[f]))
                }
            }
        }
        return try Tensor(shape: x.shape, scalars: values)
    }

    func makeModel<S: RecurrentScalar>(_: S.Type, bidirectional: Bool, mode: OutputMode) throws -> RecurrentModel<GRUCell<S>> {
        try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, bidirectional: bidirectional,
                           outputMode: mode, seed: 4) { i, l, d in try GRUCell<S>(inputSize: i, hiddenSize: 5, seed: UInt64(10 * l + d)) }
    }

    func checkRawEqualsStandardized<S: RecurrentScalar>(_: S.Type) throws {
        let x = try rawInput(S.self), n = try normalization(S.self)
        for bidirectional in [false, true] {
            for mode in [OutputMode.lastStep, .everyStep] {
                for lengths in [nil, [6, 2, 4]] as [[Int]?] {
                    let label = "\(S.self) bidirectional \(bidirectional) \(mode) lengths \(String(describing: lengths))"
                    let plain = try makeModel(S.self, bidirectional: bidirectional, mode: mode)
                    var model = plain
                    model.inputNormalization = n
                    let z = try standardized(x, n, lengths: lengths)
                    let expected = try plain.forward(z, lengths: lengths).output   // the network on standardized input
                    XCTAssertEqual(try model.predict(x, lengths: lengths).scalars, expected.scalars, "\(label): predict(raw)")
                    XCTAssertEqual(try model.forward(x, lengths: lengths).output.scalars, expected.scalars, "\(label): forward(raw)")
                    XCTAssertEqual(try model.hiddenStates(x, lengths: lengths).scalars, try plain.hiddenStates(z, lengths: lengths).scalars, label)
                    XCTAssertNotEqual(try plain.predict(x, lengths: lengths).scalars, expected.scalars, "\(label): the normalization matters")
                    guard !bidirectional, lengths == nil else { continue }
                    // Streaming raw samples gives the same outputs.
                    var state: RecurrentModel<GRUCell<S>>.State? = nil
                    var last: [S] = []
                    for t in 0..<steps {
                        let sample = try Tensor(shape: [batch, inputSize], scalars: Array(x.scalars[t * batch * inputSize..<(t + 1) * batch * inputSize]))
                        let (y, next) = try model.step(sample, state: state)
                        state = next
                        last = y.scalars
                        if mode == .everyStep {
                            XCTAssertEqual(last, Array(expected.scalars[t * batch * outputSize..<(t + 1) * batch * outputSize]), "\(label): step \(t)")
                        }
                    }
                    if mode == .lastStep { XCTAssertEqual(last, expected.scalars, "\(label): streamed") }
                }
            }
        }
    }

    func testRawInputEqualsStandardizedInputFloat() throws { try checkRawEqualsStandardized(Float.self) }
    func testRawInputEqualsStandardizedInputDouble() throws { try checkRawEqualsStandardized(Double.self) }

    /// ∂L/∂x through the normalization, against central differences on the raw input, L = Σ w ⊙ output.
    ///
    /// The raw inputs are of order 100 with σ ≈ 17 (feature 0) and of order 3 with σ = 0.0061 (feature 1); a step
    /// ε = 1e-7 moves x′ by at most 1.6e-5, so the truncation error O(ε²·|L'''|/σ³) is below 1e-9, and the rounding
    /// error O(u·|L|/ε) ≈ 1e-16·10/1e-7 = 1e-8. A correct gradient agrees to about 1e-8 relative to
    /// max(1, |g|); we require 1e-6. Forgetting the 1/σ factor is off by a factor 17 or 164.
    func testInputGradientMatchesFiniteDifferences() throws {
        let n = try normalization(Double.self)
        for bidirectional in [false, true] {
            var model = try makeModel(Double.self, bidirectional: bidirectional, mode: .everyStep)
            model.inputNormalization = n
            let x = try rawInput(Double.self), lengths = [6, 3, 5]
            var generator = RandomGenerator(seed: 21)
            let pass = try model.forward(x, lengths: lengths)
            let w: Tensor<Double> = try Tensor(shape: pass.output.shape,
                                               scalars: (0..<pass.output.count).map { _ in generator.nextUniform() * 2 - 1 })
            func loss(_ input: Tensor<Double>) throws -> Double {
                zip(try model.forward(input, lengths: lengths).output.scalars, w.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            }
            var gradients = model.zeroGradients()
            let dx = try model.backward(pass, outputGradient: w, into: &gradients)
            var worst = 0.0
            let epsilon = 1e-7
            for i in 0..<x.count {
                var plus = x, minus = x
                plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
                minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
                let numeric = try (loss(plus) - loss(minus)) / (2 * epsilon)
                let analytic = dx.scalars[i]
                worst = max(worst, abs(analytic - numeric) / max(1, abs(analytic), abs(numeric)))
            }
            XCTAssertLessThan(worst, 1e-6, "bidirectional \(bidirectional)")
            XCTAssertGreaterThan(dx.scalars.map(abs).max() ?? 0, 1e-3, "the check is not vacuous")
        }
    }

    func checkSaveAndLoad<S: RecurrentScalar>(_: S.Type) throws {
        var model = try makeModel(S.self, bidirectional: false, mode: .lastStep)
        model.inputNormalization = try normalization(S.self)
        let path = directory + "/normalized-\(S.self).safetensors"
        try model.save(to: path)
        let x = try rawInput(S.self), expected = try model.predict(x)

        let loaded = try ModelFile.load(from: path, as: S.self)
        XCTAssertEqual(loaded.inputNormalization, model.inputNormalization)
        XCTAssertEqual(try loaded.predict(x, lengths: nil).scalars, expected.scalars, "ModelFile.load")
        XCTAssertTrue(loaded.description.contains("input normalization: (x − mean) / scale per feature, mean [101.5, -3.002]"),
                      loaded.description)

        var fresh = try makeModel(S.self, bidirectional: false, mode: .lastStep)
        XCTAssertNil(fresh.inputNormalization)
        try fresh.loadWeights(from: path)
        XCTAssertEqual(try fresh.predict(x).scalars, expected.scalars, "loadWeights")

        // The tensors have clear names and the model's shapes.
        let contents = try SafeTensors.read(from: path, as: S.self)
        XCTAssertEqual(try contents.tensor("input_normalization.mean").scalars, model.inputNormalization?.mean)
        XCTAssertEqual(try contents.tensor("input_normalization.scale").scalars, model.inputNormalization?.scale)

        // Loading a file without one removes it: the file describes the model.
        let plainPath = directory + "/plain-\(S.self).safetensors"
        try makeModel(S.self, bidirectional: false, mode: .lastStep).save(to: plainPath)
        try fresh.loadWeights(from: plainPath)
        XCTAssertNil(fresh.inputNormalization)
        XCTAssertNil(try ModelFile.load(from: plainPath, as: S.self).inputNormalization)
    }

    func testSaveAndLoadFloat() throws { try checkSaveAndLoad(Float.self) }
    func testSaveAndLoadDouble() throws { try checkSaveAndLoad(Double.self) }

    /// The committed checkpoints were written before the normalization existed: they load without one.
    func testCommittedCheckpointsHaveNoNormalization() throws {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results").path
        let files = try FileManager.default.contentsOfDirectory(atPath: results).filter { $0.hasSuffix(".ckpt.safetensors") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let loaded = try ModelFile.load(from: results + "/" + file)
            XCTAssertNil(loaded.inputNormalization, file)
            XCTAssertFalse(loaded.description.contains("input normalization"), file)
        }
    }

    /// The example in the documentation of `RecurrentModel.loadWeights(from:)`, as written (its relative path
    /// resolved from the package root), and a checkpoint without a normalization leaves none.
    func testLoadWeightsDocumentationExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var model = try RecurrentModel(inputSize: 1, outputSize: 10) { i, _, _ in
            try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 100)
        }
        model.inputNormalization = try InputNormalization(mean: [0.5], scale: [0.25])
        try model.loadWeights(from: root.appendingPathComponent("results/mnist-nprnn.ckpt.safetensors").path)
        XCTAssertNil(model.inputNormalization)
        XCTAssertEqual(model.parameterCount, 11_310)
    }

    /// A file whose normalization is broken is refused, naming the file and the tensor, and the model is unchanged.
    func testBrokenNormalizationIsRefusedNamingFileAndTensor() throws {
        let model = try makeModel(Float.self, bidirectional: false, mode: .lastStep)
        let cases: [(String, [(String, Tensor<Float>)], String)] = [
            ("zero-scale", [("input_normalization.mean", try Tensor(shape: [2], scalars: [0, 0])),
                            ("input_normalization.scale", try Tensor(shape: [2], scalars: [1, 0]))], "input_normalization.scale"),
            ("negative-scale", [("input_normalization.mean", try Tensor(shape: [2], scalars: [0, 0])),
                                ("input_normalization.scale", try Tensor(shape: [2], scalars: [-1, 2]))], "input_normalization.scale"),
            ("infinite-scale", [("input_normalization.mean", try Tensor(shape: [2], scalars: [0, 0])),
                                ("input_normalization.scale", try Tensor(shape: [2], scalars: [1, .infinity]))], "input_normalization.scale"),
            ("nan-mean", [("input_normalization.mean", try Tensor(shape: [2], scalars: [.nan, 0])),
                          ("input_normalization.scale", try Tensor(shape: [2], scalars: [1, 1]))], "input_normalization.mean"),
            ("half", [("input_normalization.mean", try Tensor(shape: [2], scalars: [0, 0]))], "input_normalization.scale"),
            ("wrong-shape", [("input_normalization.mean", try Tensor(shape: [3], scalars: [0, 0, 0])),
                             ("input_normalization.scale", try Tensor(shape: [2], scalars: [1, 1]))], "input_normalization.mean"),
        ]
        for (name, extra, tensor) in cases {
            let path = directory + "/\(name).safetensors"
            try SafeTensors.write(model.namedParameters + extra, metadata: model.metadata, to: path)
            for load in [{ _ = try ModelFile.load(from: path) }, {
                var target = model
                try target.loadWeights(from: path)
            }] as [() throws -> Void] {
                XCTAssertThrowsError(try load(), name) { error in
                    let message = "\(error)"
                    XCTAssertTrue(message.contains(path) && message.contains(tensor), "\(name): \(message)")
                }
            }
        }
        XCTAssertThrowsError(try InputNormalization<Double>(mean: [0], scale: [0]))
        XCTAssertThrowsError(try InputNormalization<Double>(mean: [0, 1], scale: [1]))
    }

    /// A normalization of the wrong width is refused at use and at save, not silently broadcast.
    func testWrongWidthIsRefused() throws {
        var model = try makeModel(Float.self, bidirectional: false, mode: .lastStep)
        model.inputNormalization = try InputNormalization(mean: [0, 0, 0], scale: [1, 1, 1])
        XCTAssertThrowsError(try model.predict(rawInput(Float.self)))
        XCTAssertThrowsError(try model.save(to: directory + "/never.safetensors"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/never.safetensors"))
    }
}
