import Foundation
import XCTest
@testable import Recurrent
import RecurrentData
import RecurrentInitializers
@testable import RecurrentTraining

/// Weight tying (Press & Wolf 2017; Inan et al. 2017): the output matrix is the embedding matrix.
final class WeightTyingTests: XCTestCase {
    let text = String(repeating: "a rose is a rose. ", count: 5)

    func tiedModel(hidden: Int = 5, embedding: Int = 5) throws -> LanguageModel<LSTMCell<Double>> {
        let vocabulary = try Vocabulary.characters(of: text)
        return try LanguageModel(vocabulary: vocabulary, embeddingSize: embedding, layers: 2, tieWeights: true, seed: 3) { input, layer in
            try LSTMCell<Double>(inputSize: input, hiddenSize: hidden, seed: 20 + UInt64(layer))
        }
    }

    func trainer(_ model: LanguageModel<LSTMCell<Double>>) throws -> LanguageModelTrainer<LSTMCell<Double>> {
        try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01), schedule: StepDecay(initial: 0.01))
    }

    func testTiedModelSharesOneMatrix() throws {
        let model = try tiedModel()
        XCTAssertTrue(model.tiesWeights)
        XCTAssertEqual(model.network.readout.weight, model.embedding.weight)
        XCTAssertFalse(model.parameterNames.contains("readout.weight"))
        XCTAssertEqual(model.parameterNames.last, "embedding.weight")
        XCTAssertEqual(model.parameters.count, model.network.parameters.count)   // − readout.weight + embedding.weight
        XCTAssertThrowsError(try tiedModel(hidden: 6, embedding: 5)) { error in
            XCTAssertTrue("\(error)".contains("embedding size (5)") && "\(error)".contains("output size (6)"), "\(error)")
        }
    }

    /// Central differences in Double on every parameter of the tied model, the shared matrix included (moving it
    /// moves both the embedding and the output layer). The loss is a mean cross-entropy of order log V ≈ 2, so
    /// with ε = 1e-6 the rounding error is about u·|L|/ε ≈ 1e-16·2/1e-6 = 2e-10 and the truncation error O(ε²);
    /// we require 1e-7 (relative, absolute below 1). Forgetting one of the two uses of the shared matrix is an
    /// error of the size of that use's gradient, far above it.
    func testGradientsOfTheSharedMatrixSumBothUses() throws {
        let model = try tiedModel()
        let trainer = try trainer(model)
        let stream = try TokenStream(tokens: model.vocabulary.encode(text), batch: 2, window: 5)
        let (x, y) = stream.window(1)
        let analytic = try trainer.lossAndGradients(inputs: x, targets: y).gradients
        let parameters = model.parameters, epsilon = 1e-6
        func loss(_ list: [Tensor<Double>]) throws -> Double {
            var shifted = trainer
            try shifted.model.setParameters(list)
            return try shifted.lossAndGradients(inputs: x, targets: y).loss
        }
        for (k, name) in model.parameterNames.enumerated() {
            var worst = 0.0
            for index in 0..<parameters[k].count {
                var plus = parameters, minus = parameters
                var values = parameters[k].scalars
                values[index] += epsilon
                plus[k] = try Tensor(shape: parameters[k].shape, scalars: values)
                values[index] -= 2 * epsilon
                minus[k] = try Tensor(shape: parameters[k].shape, scalars: values)
                let numeric = (try loss(plus) - loss(minus)) / (2 * epsilon)
                let a = analytic[k].scalars[index]
                worst = max(worst, abs(a - numeric) / max(1, abs(a), abs(numeric)))
            }
            XCTAssertLessThan(worst, 1e-7, name)
        }
        // And it is exactly the sum of the two uses' gradients in the same model untied.
        let untied = try LanguageModel(vocabulary: model.vocabulary, embedding: model.embedding, network: model.network)
        let separate = try self.trainer(untied).lossAndGradients(inputs: x, targets: y).gradients
        var sum = separate[separate.count - 1]
        try sum.add(separate[separate.count - 3])   // readout.weight, before readout.bias and embedding.weight
        XCTAssertEqual(analytic.last, sum)
    }

    func testTrainingKeepsTheMatricesEqualAndSaveLoadRoundTrips() throws {
        var trainer = try trainer(try tiedModel())
        let stream = try TokenStream(tokens: trainer.model.vocabulary.encode(text), batch: 2, window: 5)
        for k in 0..<3 { _ = try trainer.trainStep(inputs: stream.window(k).inputs, targets: stream.window(k).targets) }
        let model = trainer.model
        XCTAssertEqual(model.network.readout.weight, model.embedding.weight)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tied-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let contents = try SafeTensors.read(from: path, as: Double.self)
        XCTAssertFalse(contents.tensors.contains { $0.name == "readout.weight" }, "the shared matrix is saved once")
        XCTAssertEqual(contents.metadata["tie_weights"], "true")
        XCTAssertTrue(try LanguageModelFile.architecture(of: path).tiesWeights)
        var fresh = try tiedModel()
        try fresh.loadWeights(from: path)
        XCTAssertEqual(fresh.parameters, model.parameters)
        XCTAssertEqual(fresh.network.readout.weight, model.embedding.weight)
        var untied = try LanguageModel(vocabulary: model.vocabulary, embeddingSize: 5, layers: 2, seed: 3) { input, layer in
            try LSTMCell<Double>(inputSize: input, hiddenSize: 5, seed: UInt64(layer))
        }
        XCTAssertThrowsError(try untied.loadWeights(from: path)) { error in
            XCTAssertTrue("\(error)".contains("tie_weights"), "\(error)")
        }
        try untied.save(to: path)
        XCTAssertThrowsError(try fresh.loadWeights(from: path)) { error in
            XCTAssertTrue("\(error)".contains("tie_weights"), "\(error)")
        }
    }

    /// The summary names the vocabulary and counts the tied matrix once (the sum over `parameters`).
    func testDescriptionCountsTheTiedMatrixOnce() throws {
        let tied = try tiedModel()
        let total = tied.parameters.reduce(0) { $0 + $1.count }
        let untiedTotal = total + tied.embedding.weight.count   // a separate output matrix of the same shape
        XCTAssertTrue(tied.description.contains("total with the embedding: \(total) parameters (the tied output matrix counted once)"),
                      tied.description)
        XCTAssertFalse(tied.description.contains("\(untiedTotal) parameters"))
        XCTAssertTrue(tied.description.hasPrefix("LanguageModel: character vocabulary of \(tied.vocabulary.count) tokens"))
    }
}
