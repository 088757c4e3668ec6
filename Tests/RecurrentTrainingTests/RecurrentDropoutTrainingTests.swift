import XCTest
@testable import Recurrent
import RecurrentData
import RecurrentInitializers
@testable import RecurrentTraining

/// Variational recurrent dropout in language-model training: a fresh mask per window and layer, training only.
final class RecurrentDropoutTrainingTests: XCTestCase {
    let text = String(repeating: "to be or not to be, that is the question. ", count: 6)

    func makeModel<Cell: RecurrentCell>(_ vocabulary: Vocabulary, _ make: @escaping (Int, Int) throws -> Cell) throws -> LanguageModel<Cell> {
        try LanguageModel(vocabulary: vocabulary, embeddingSize: 5, layers: 2, seed: 1, makeCell: make)
    }

    func trainer(p: Double, dropoutBetweenLayers: Double = 0) throws -> LanguageModelTrainer<LSTMCell<Double>> {
        let vocabulary = try Vocabulary.characters(of: text)
        var model = try makeModel(vocabulary) { i, l in try LSTMCell<Double>(inputSize: i, hiddenSize: 8, seed: 3 + UInt64(l)) }
        model.network.dropout = dropoutBetweenLayers
        return try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
                                        schedule: StepDecay(initial: 0.01), recurrentDropout: p, seed: 4)
    }

    /// p = 0 trains exactly as a trainer without the option, bit for bit, with or without dropout between layers.
    func testZeroProbabilityIsBitIdenticalToNoRecurrentDropout() throws {
        for between in [0.0, 0.3] {
            var a = try trainer(p: 0, dropoutBetweenLayers: between)
            let model = a.model
            var b = try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
                                             schedule: StepDecay(initial: 0.01), seed: 4)
            let stream = try TokenStream(tokens: a.model.vocabulary.encode(text), batch: 3, window: 9)
            for k in 0..<4 {
                let (x, y) = stream.window(k)
                XCTAssertEqual(try a.trainStep(inputs: x, targets: y).loss, try b.trainStep(inputs: x, targets: y).loss)
            }
            XCTAssertEqual(a.model.parameters, b.model.parameters)
        }
    }

    /// With p > 0 the training loss changes (masks are drawn) and is reproducible from the seed; evaluation
    /// runs without masks.
    func testMasksApplyInTrainingOnlyAndAreSeeded() throws {
        let plain = try trainer(p: 0), dropped = try trainer(p: 0.5)
        let stream = try TokenStream(tokens: plain.model.vocabulary.encode(text), batch: 3, window: 9)
        let (x, y) = stream.window(0)
        let reference = try plain.lossAndGradients(inputs: x, targets: y).loss
        XCTAssertEqual(try dropped.lossAndGradients(inputs: x, targets: y).loss, reference, "no generator: no dropout")
        let one = try dropped.lossAndGradients(inputs: x, targets: y, dropoutGenerator: RandomGenerator(seed: 1)).loss
        XCTAssertNotEqual(one, reference)
        XCTAssertEqual(try dropped.lossAndGradients(inputs: x, targets: y, dropoutGenerator: RandomGenerator(seed: 1)).loss, one)
        XCTAssertNotEqual(try dropped.lossAndGradients(inputs: x, targets: y, dropoutGenerator: RandomGenerator(seed: 2)).loss, one)
        XCTAssertEqual(try dropped.evaluate(stream), try plain.evaluate(stream))
    }

    func testCellsWithoutSupportAreRefused() throws {
        let vocabulary = try Vocabulary.characters(of: text)
        let srnn = try makeModel(vocabulary) { i, l in try SimpleRNNCell<Double>(inputSize: i, hiddenSize: 8, seed: UInt64(l)) }
        XCTAssertThrowsError(try LanguageModelTrainer(model: srnn, optimizer: .init(name: "adam", learningRate: 0.01),
                                                      schedule: StepDecay(initial: 0.01), recurrentDropout: 0.2)) { error in
            XCTAssertTrue("\(error)".contains("LSTM or GRU"), "\(error)")
        }
        let gru = try makeModel(vocabulary) { i, l in try GRUCell<Double>(inputSize: i, hiddenSize: 8, seed: UInt64(l)) }
        XCTAssertNoThrow(try LanguageModelTrainer(model: gru, optimizer: .init(name: "adam", learningRate: 0.01),
                                                  schedule: StepDecay(initial: 0.01), recurrentDropout: 0.2))
        XCTAssertThrowsError(try trainer(p: 1))
    }
}
