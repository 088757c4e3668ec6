import Foundation
import XCTest
@testable import Recurrent
import RecurrentData
import RecurrentInitializers
@testable import RecurrentTraining

final class LanguageModelTests: XCTestCase {
    let text = String(repeating: "the cat sat on the mat. ", count: 12)

    func makeModel(_ vocabulary: Vocabulary, layers: Int = 2) throws -> LanguageModel<LSTMCell<Double>> {
        try LanguageModel(vocabulary: vocabulary, embeddingSize: 6, layers: layers, seed: 1) { input, layer in
            try LSTMCell<Double>(inputSize: input, hiddenSize: 10, forgetBias: 1, seed: 10 + UInt64(layer))
        }
    }

    func testGenerationIsSeededAndGreedyAtLowTemperature() throws {
        let vocabulary = try Vocabulary.characters(of: text)
        let model = try makeModel(vocabulary)
        let a = try model.generate(prime: "the ", length: 40, temperature: 1, seed: 5)
        XCTAssertEqual(a, try model.generate(prime: "the ", length: 40, temperature: 1, seed: 5))
        XCTAssertNotEqual(a, try model.generate(prime: "the ", length: 40, temperature: 1, seed: 6))
        XCTAssertTrue(a.hasPrefix("the "))
        XCTAssertEqual(a.unicodeScalars.count, 44)
        // Greedy by hand: the argmax of the logits after each token, through the same streaming steps.
        var state = try model.network.zeroState(batch: 1)
        var logits = try Tensor<Double>.zeros([1, vocabulary.count])
        for id in try vocabulary.encode("the ") { (logits, state) = try model.advance(id, state) }
        var greedy: [Int32] = []
        for _ in 0..<30 {
            let best = Int32(logits.scalars.indices.max { logits.scalars[$0] < logits.scalars[$1] }!)
            greedy.append(best)
            (logits, state) = try model.advance(best, state)
        }
        let expected = try "the " + vocabulary.decode(greedy)
        for seed in [UInt64(1), 2, 3] {
            XCTAssertEqual(try model.generate(prime: "the ", length: 30, temperature: 1e-4, seed: seed), expected)
            XCTAssertEqual(try model.generate(prime: "the ", length: 30, temperature: 1.5, topK: 1, seed: seed), expected)
        }
        var streamed = ""
        let full = try model.generate(prime: "t", length: 12, seed: 9) { streamed += $0 }
        XCTAssertEqual("t" + streamed, full)
    }

    func testTopKSamplesOnlyTheKMostLikely() {
        var generator = RandomGenerator(seed: 1)
        let logits: [Double] = [0.1, 3, -1, 2.9, 0]
        var seen = Set<Int32>()
        for _ in 0..<500 {
            seen.insert(LanguageModel<LSTMCell<Double>>.sample(logits: logits, temperature: 5, topK: 2, using: &generator))
        }
        XCTAssertEqual(seen, [1, 3])
        for _ in 0..<2000 {
            seen.insert(LanguageModel<LSTMCell<Double>>.sample(logits: logits, temperature: 5, topK: nil, using: &generator))
        }
        XCTAssertEqual(seen, [0, 1, 2, 3, 4])
    }

    func testBadGenerationSettingsAreRefused() throws {
        let model = try makeModel(try Vocabulary.characters(of: text), layers: 1)
        XCTAssertThrowsError(try model.generate(prime: "the", length: 5, temperature: 0))
        XCTAssertThrowsError(try model.generate(prime: "the", length: 5, temperature: -1))
        XCTAssertThrowsError(try model.generate(prime: "the", length: 5, topK: 0))
        XCTAssertThrowsError(try model.generate(prime: "the", length: -1))
        XCTAssertThrowsError(try model.generate(prime: "", length: 5))
        XCTAssertThrowsError(try model.generate(prime: "ROMEO:", length: 5)) { error in
            XCTAssertTrue("\(error)".contains("\"R\" (U+0052) at position 0"), "\(error)")
        }
    }

    /// The evaluation path (one step of memory per layer, logits a chunk at a time) gives the losses of the
    /// training path over the same windows with the same carried state.
    func testEvaluationEqualsTheTrainingLossesWithTheCarriedState() throws {
        let vocabulary = try Vocabulary.characters(of: text)
        let model = try makeModel(vocabulary)
        let trainer = try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
                                               schedule: StepDecay(initial: 0.01))
        let stream = try TokenStream(tokens: vocabulary.encode(text), batch: 3, window: 7)
        var state: [[Tensor<Double>]]? = nil, total = 0.0, count = 0
        for k in 0..<stream.windowCount {
            let (inputs, targets) = stream.window(k)
            let result = try trainer.lossAndGradients(inputs: inputs, targets: targets, initialStates: state)
            total += result.loss * Double(inputs.steps * inputs.batch)
            count += inputs.steps * inputs.batch
            state = result.finalStates
        }
        XCTAssertEqual(count, stream.predictionCount)
        XCTAssertEqual(try trainer.evaluate(stream), total / Double(count), accuracy: 1e-12)
    }

    /// Training on a repetitive text lowers the validation loss well below the uniform model's log V.
    func testTrainingLearnsARepetitiveText() throws {
        let vocabulary = try Vocabulary.characters(of: text)
        var trainer = try LanguageModelTrainer(model: try makeModel(vocabulary, layers: 1),
                                               optimizer: .init(name: "adam", learningRate: 0.02),
                                               schedule: StepDecay(initial: 0.02), seed: 2)
        let stream = try TokenStream(tokens: vocabulary.encode(text), batch: 4, window: 12)
        let uniform = Double.log(Double(vocabulary.count))
        let before = try trainer.evaluate(stream)
        for _ in 0..<8 {
            var state: [[Tensor<Double>]]? = nil
            for k in 0..<stream.windowCount {
                let (inputs, targets) = stream.window(k)
                state = try trainer.trainStep(inputs: inputs, targets: targets, initialStates: state).finalStates
            }
        }
        let after = try trainer.evaluate(stream)
        XCTAssertGreaterThan(before, 0.8 * uniform)
        XCTAssertLessThan(after, 0.5 * uniform, "before \(before), after \(after), log V \(uniform)")
        XCTAssertEqual(trainer.step, 8 * stream.windowCount)
    }

    func testPartsMustAgree() throws {
        let vocabulary = try Vocabulary.characters(of: "abc")
        let model = try makeModel(vocabulary, layers: 1)
        XCTAssertThrowsError(try LanguageModel(vocabulary: Vocabulary.characters(of: "abcd"), embedding: model.embedding,
                                               network: model.network))
        var copy = model
        XCTAssertThrowsError(try copy.setParameters(Array(model.parameters.dropLast())))
        try copy.setParameters(model.parameters)
        XCTAssertEqual(copy.parameterNames.last, "embedding.weight")
    }
}

final class LanguageModelFileTests: XCTestCase {
    func testSaveAndLoadKeepWeightsVocabularyAndArchitecture() throws {
        let vocabulary = try Vocabulary.characters(of: "hello, world\n")
        let model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 5, layers: 2, seed: 4) { input, layer in
            try GRUCell<Float>(inputSize: input, hiddenSize: 7, seed: 20 + UInt64(layer))
        }
        let path = NSTemporaryDirectory() + "lm-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).safetensors"
        defer { unlink(path) }
        try model.save(to: path)
        let architecture = try LanguageModelFile.architecture(of: path)
        XCTAssertEqual(architecture.vocabulary, vocabulary)
        XCTAssertEqual(architecture.embeddingSize, 5)
        XCTAssertEqual(architecture.layers, 2)
        XCTAssertEqual(architecture.cell["cell"], "gru")
        var fresh = try LanguageModel(vocabulary: vocabulary, embeddingSize: 5, layers: 2, seed: 99) { input, _ in
            try GRUCell<Float>(inputSize: input, hiddenSize: 7, seed: 99)
        }
        XCTAssertNotEqual(fresh.parameters, model.parameters)
        try fresh.loadWeights(from: path)
        XCTAssertEqual(fresh.parameters, model.parameters)
        XCTAssertEqual(try fresh.generate(prime: "he", length: 20, seed: 1), try model.generate(prime: "he", length: 20, seed: 1))
        // Another vocabulary or architecture is refused, naming the setting.
        var other = try LanguageModel(vocabulary: Vocabulary.characters(of: "hello, world!"), embeddingSize: 5, layers: 2) { input, _ in
            try GRUCell<Float>(inputSize: input, hiddenSize: 7)
        }
        XCTAssertThrowsError(try other.loadWeights(from: path)) { XCTAssertTrue("\($0)".contains("another vocabulary"), "\($0)") }
        var lstm = try LanguageModel(vocabulary: vocabulary, embeddingSize: 5, layers: 2) { input, _ in
            try LSTMCell<Float>(inputSize: input, hiddenSize: 7)
        }
        XCTAssertThrowsError(try lstm.loadWeights(from: path)) { XCTAssertTrue("\($0)".contains("cell = gru"), "\($0)") }
        // A plain model file is not a language model.
        let plain = path + ".model"
        defer { unlink(plain) }
        try model.network.save(to: plain)
        XCTAssertThrowsError(try LanguageModelFile.architecture(of: plain)) { XCTAssertTrue("\($0)".contains("not a saved language model"), "\($0)") }
    }
}
