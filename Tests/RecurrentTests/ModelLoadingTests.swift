import Foundation
import XCTest
import Recurrent
import RecurrentInitializers

/// `ModelFile.load(from:)` builds a model from a saved file alone: every cell kind in Float and Double, stacked and
/// bidirectional, predicts bit for bit as the model that was saved; the committed checkpoints (written before
/// this loader existed) load; a file without a valid cell description is refused naming the file and the key.
final class ModelLoadingTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-loading-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Builds a randomly initialized model of a specification's cell and returns it type-erased.
    struct Build<Scalar: RecurrentScalar>: CellVisitor {
        var inputSize: Int, outputSize: Int, layers: Int, bidirectional: Bool, outputMode: OutputMode
        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> any SequenceModel<Scalar>
        where Cell.Scalar == Scalar {
            try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: layers, bidirectional: bidirectional,
                               dropout: 0.25, outputMode: outputMode, seed: 9, makeCell: makeCell)
        }
    }

    func input<S: RecurrentScalar>(_: S.Type, steps: Int, batch: Int, width: Int) throws -> Tensor<S> {
        var generator = RandomGenerator(seed: 5)
        return try Tensor(shape: [steps, batch, width], scalars: (0..<steps * batch * width).map { _ in S(generator.nextUniform() * 2 - 1) })
    }

    func roundTrip<S: RecurrentScalar>(_: S.Type, kind: CellKind, layers: Int, bidirectional: Bool, mode: OutputMode) throws {
        let label = "\(kind.rawValue) \(S.self) L\(layers)\(bidirectional ? " bidirectional" : "") \(mode)"
        var spec = CellSpecification(kind: kind, inputSize: 3, hiddenSize: 6)
        spec.seed = 4
        let model = try spec.visit(Build<S>(inputSize: 3, outputSize: 2, layers: layers, bidirectional: bidirectional, outputMode: mode))
        let path = directory + "/\(kind.rawValue)-\(S.self)-\(layers)-\(bidirectional)-\(mode).safetensors"
        try model.save(to: path, dtype: nil)
        let loaded = try ModelFile.load(from: path, as: S.self)
        XCTAssertEqual(loaded.description, model.description, label)
        XCTAssertEqual(loaded.metadata, model.metadata, label)
        XCTAssertEqual(loaded.parameterCount, model.parameterCount, label)
        XCTAssertEqual([loaded.inputSize, loaded.outputSize, loaded.layerCount], [3, 2, layers], label)
        XCTAssertEqual(loaded.isBidirectional, bidirectional, label)
        XCTAssertEqual(loaded.outputMode, mode, label)
        let x = try input(S.self, steps: 5, batch: 2, width: 3)
        let lengths = [5, 3]
        XCTAssertEqual(try loaded.predict(x, lengths: lengths).scalars, try model.predict(x, lengths: lengths).scalars, label)
        XCTAssertEqual(try loaded.hiddenStates(x, lengths: nil).scalars, try model.hiddenStates(x, lengths: nil).scalars, label)
        XCTAssertEqual(try loaded.hiddenStates(x, lengths: nil).shape, [5, 2, (kind == .scrn ? 6 + 1 : 6) * (bidirectional ? 2 : 1)], label)  // an SCRN outputs [h, s]
    }

    func testEveryCellKindRoundTripsInFloatAndDouble() throws {
        for kind in CellKind.allCases {
            try roundTrip(Float.self, kind: kind, layers: 1, bidirectional: false, mode: .lastStep)
            try roundTrip(Double.self, kind: kind, layers: 2, bidirectional: false, mode: .everyStep)
        }
        try roundTrip(Float.self, kind: .gru, layers: 1, bidirectional: true, mode: .meanOverTime)
    }

    func testStackedBidirectionalModelsRoundTrip() throws {
        for kind in [CellKind.lstm, .gruResetBefore, .scrn, .nprnn] {
            try roundTrip(Double.self, kind: kind, layers: 2, bidirectional: true, mode: .lastStep)
            try roundTrip(Float.self, kind: kind, layers: 3, bidirectional: true, mode: .everyStep)
        }
    }

    /// The checkpoints under results/ were written before `ModelFile` existed (no `kind` key): each loads from
    /// the file alone, and predicts exactly as the np-RNN / IRNN model built in code with `loadWeights`.
    func testCommittedCheckpointsLoad() throws {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results").path
        let files = try FileManager.default.contentsOfDirectory(atPath: results).filter { $0.hasSuffix(".ckpt.safetensors") }.sorted()
        XCTAssertFalse(files.isEmpty, "no checkpoints under \(results)")
        let x = try input(Float.self, steps: 50, batch: 2, width: 1)
        for file in files {
            let path = results + "/" + file
            let loaded = try ModelFile.load(from: path)
            XCTAssertEqual([loaded.inputSize, loaded.outputSize, loaded.layerCount, loaded.parameterCount], [1, 10, 1, 11_310], file)
            var built = try RecurrentModel(inputSize: 1, outputSize: 10) { i, _, _ in
                try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 100)
            }
            try built.loadWeights(from: path)
            let y = try loaded.predict(x, lengths: nil)
            XCTAssertEqual(y.shape, [2, 10], file)
            XCTAssertEqual(y.scalars, try built.predict(x).scalars, file)
        }
    }

    /// An older file with only the cell's descriptor: layers, direction and output width come from the tensors.
    func testMissingArchitectureKeysTakeTheDocumentedDefaults() throws {
        let model = try RecurrentModel(inputSize: 3, outputSize: 4, layers: 2, bidirectional: true) { i, l, d in
            try GRUCell<Float>(inputSize: i, hiddenSize: 5, seed: UInt64(10 * l + d))
        }
        let path = directory + "/old.safetensors"
        try SafeTensors.write(model.namedParameters, metadata: model.layers[0].cell.descriptor, to: path)
        let loaded = try ModelFile.load(from: path)
        XCTAssertEqual([loaded.layerCount, loaded.outputSize], [2, 4])
        XCTAssertTrue(loaded.isBidirectional)
        XCTAssertEqual(loaded.outputMode, .lastStep)
        let x = try input(Float.self, steps: 4, batch: 3, width: 3)
        XCTAssertEqual(try loaded.predict(x, lengths: nil).scalars, try model.predict(x).scalars)
    }

    func testMissingOrGarbledCellIsRefusedNamingFileAndSetting() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1) { i, _, _ in try LSTMCell<Float>(inputSize: i, hiddenSize: 3, seed: 1) }
        func refusal(_ change: (inout [String: String]) -> Void, name: String) -> String {
            var metadata = model.metadata
            change(&metadata)
            let path = directory + "/" + name
            do {
                try SafeTensors.write(model.namedParameters, metadata: metadata, to: path)
                _ = try ModelFile.load(from: path)
                return "loaded"
            } catch {
                XCTAssertTrue("\(error)".contains(path), "\(error) names the file")
                return "\(error)"
            }
        }
        XCTAssertTrue(refusal({ $0["cell"] = nil }, name: "no-cell.safetensors").contains("'cell' is missing"))
        XCTAssertTrue(refusal({ $0["cell"] = "transformer" }, name: "bad-cell.safetensors").contains("unknown cell 'transformer'"))
        XCTAssertTrue(refusal({ $0["kind"] = "gru" }, name: "bad-kind.safetensors").contains("kind 'gru' contradicts"))
        XCTAssertTrue(refusal({ $0["hidden_size"] = "many" }, name: "bad-size.safetensors").contains("'hidden_size'"))
        XCTAssertTrue(refusal({ $0["num_layers"] = "0" }, name: "bad-layers.safetensors").contains("'num_layers'"))
        XCTAssertTrue(refusal({ $0["output_mode"] = "sideways" }, name: "bad-mode.safetensors").contains("'output_mode'"))
        XCTAssertTrue(refusal({ $0["hidden_size"] = "4" }, name: "wrong-size.safetensors").contains("weight_ih_l0"))
    }

    /// A saved language model is not a sequence model (it reads token ids through an embedding): refused by name.
    func testLanguageModelFileIsRefused() throws {
        let vocabulary = try Vocabulary(level: .character, tokens: ["a", "b", "c"])
        let model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 2) { i, _ in try GRUCell<Float>(inputSize: i, hiddenSize: 3, seed: 1) }
        let path = directory + "/language.safetensors"
        try model.save(to: path)
        XCTAssertThrowsError(try ModelFile.load(from: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): a language model"), "\(error)")
        }
    }

    /// A loaded model streams: step by step from zeros, each step's output is that step's rows of `predict` on
    /// the whole sequence (every-step mode), bit for bit; a bidirectional one refuses.
    func testLoadedModelStreamsAsItPredicts() throws {
        let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2, outputMode: .everyStep) { i, _, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 4, seed: 2)
        }
        let path = directory + "/stream.safetensors"
        try model.save(to: path)
        let loaded = try ModelFile.load(from: path, as: Double.self)
        let (steps, batch) = (6, 2)
        let x = try input(Double.self, steps: steps, batch: batch, width: 3)
        let whole = try loaded.predict(x, lengths: nil).scalars    // (T·B, K)
        var states: [Tensor<Double>]? = nil
        for t in 0..<steps {
            let sample = try Tensor(shape: [batch, 3], scalars: Array(x.scalars[t * batch * 3..<(t + 1) * batch * 3]))
            let (y, next) = try loaded.step(sample, layerStates: states)
            XCTAssertEqual(y.scalars, Array(whole[t * batch * 2..<(t + 1) * batch * 2]), "step \(t)")
            XCTAssertEqual(next.map(\.shape), [[batch, 8], [batch, 8]])   // an LSTM layer's state is [h, c]
            states = next
        }
        let bidirectional = try RecurrentModel(inputSize: 3, outputSize: 2, bidirectional: true) { i, _, _ in
            try GRUCell<Double>(inputSize: i, hiddenSize: 4, seed: 2)
        }
        try bidirectional.save(to: path)
        XCTAssertThrowsError(try ModelFile.load(from: path, as: Double.self).step(try Tensor(shape: [1, 3], repeating: 0), layerStates: nil)) {
            XCTAssertTrue("\($0)".contains("cannot stream"), "\($0)")
        }
    }
}
