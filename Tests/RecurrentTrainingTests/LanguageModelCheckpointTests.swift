import Foundation
import XCTest
@testable import Recurrent
import RecurrentData
import RecurrentInitializers
@testable import RecurrentTraining

/// A language-model checkpoint continues a run exactly: weights, optimizer, step, dropout generator, carried state.
final class LanguageModelCheckpointTests: XCTestCase {
    let text = String(repeating: "all the world's a stage. ", count: 8)

    func makeTrainer(_ vocabulary: Vocabulary) throws -> LanguageModelTrainer<LSTMCell<Float>> {
        var model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 6, layers: 2, tieWeights: true, seed: 1) { input, layer in
            try LSTMCell<Float>(inputSize: input, hiddenSize: 6, seed: 5 + UInt64(layer))
        }
        model.network.dropout = 0.2
        return try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
                                        schedule: StepDecay(initial: 0.01), recurrentDropout: 0.25, seed: 9)
    }

    func testResumedRunEqualsTheUninterruptedOne() throws {
        let vocabulary = try Vocabulary.characters(of: text)
        let stream = try TokenStream(tokens: vocabulary.encode(text), batch: 2, window: 6)
        func run(_ trainer: inout LanguageModelTrainer<LSTMCell<Float>>, _ windows: Range<Int>, _ state: [[Tensor<Float>]]?) throws
            -> [[Tensor<Float>]]? {
            var state = state
            for k in windows { state = try trainer.trainStep(inputs: stream.window(k).inputs, targets: stream.window(k).targets,
                                                               initialStates: state).finalStates }
            return state
        }
        var whole = try makeTrainer(vocabulary)
        _ = try run(&whole, 0..<6, nil)

        var first = try makeTrainer(vocabulary)
        let carried = try run(&first, 0..<3, nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lm-\(UUID()).ckpt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.saveCheckpoint(to: path, settings: ["bptt": "6"], extra: ["next_window": "3"], carriedStates: carried)
        XCTAssertEqual(try LanguageModelFile.architecture(of: path).vocabulary, vocabulary)

        var resumed = try makeTrainer(vocabulary)
        let restored = try resumed.restoreCheckpoint(from: path, expecting: ["bptt": "6"], maximumStep: 6)
        XCTAssertEqual(restored.extra, ["next_window": "3"])
        XCTAssertEqual(restored.carriedStates?.map { $0.map(\.scalars) }, carried?.map { $0.map(\.scalars) })
        XCTAssertEqual(resumed.step, 3)
        _ = try run(&resumed, 3..<6, restored.carriedStates)
        XCTAssertEqual(resumed.model.parameters, whole.model.parameters)

        // Another run's settings, another vocabulary, or a step beyond the run: refused, trainer unchanged.
        var other = try makeTrainer(vocabulary)
        XCTAssertThrowsError(try other.restoreCheckpoint(from: path, expecting: ["bptt": "7"])) { error in
            XCTAssertTrue("\(error)".contains("saved with bptt = 6, but this run has bptt = 7"), "\(error)")
        }
        XCTAssertThrowsError(try other.restoreCheckpoint(from: path, maximumStep: 2))
        var foreign = try makeTrainer(try Vocabulary.characters(of: text + "?"))
        XCTAssertThrowsError(try foreign.restoreCheckpoint(from: path)) { error in
            XCTAssertTrue("\(error)".contains("another vocabulary"), "\(error)")
        }
        XCTAssertEqual(other.step, 0)
        // A saved model is not a checkpoint.
        try whole.model.save(to: path)
        XCTAssertThrowsError(try other.restoreCheckpoint(from: path)) { error in
            XCTAssertTrue("\(error)".contains("not a language-model checkpoint"), "\(error)")
        }
    }
}
