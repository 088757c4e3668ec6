import XCTest
import RecurrentTraining
import Recurrent
import RecurrentData
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A checkpoint resumes only into the run it was saved from: architecture, settings, step and optimizer layout.
final class CheckpointTests: XCTestCase {
    let task = AdditionTask(length: 10, testSize: 100, seed: 5)
    let configuration = TrainingConfiguration(steps: 20, batchSize: 4, learningRate: 0.003, seed: 5, evaluationInterval: 10)

    func trainer(nonlinearity: Nonlinearity = .tanh, optimizer: String = "adam") throws -> Trainer<SimpleRNNCell<Float>> {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 1) { i, _, _ in
            try SimpleRNNCell<Float>(inputSize: i, hiddenSize: 6, nonlinearity: nonlinearity, seed: 1)
        }
        return Trainer(model: model, optimizer: try AnyOptimizer(name: optimizer, learningRate: 0.003), seed: 1)
    }

    /// A checkpoint after 10 Adam steps, saved with the settings of an `rnn train` run.
    func savedCheckpoint(_ name: String) throws -> String {
        let path = FileManagerPath.temporary("\(name)-\(getpid()).safetensors")
        var first = try trainer()
        _ = try first.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
        try first.saveCheckpoint(to: path, settings: ["task": "addition", "optimizer": "adam"])
        return path
    }

    /// Rewrites one metadata entry of a file (as a hostile or hand-edited checkpoint would have it).
    func setMetadata(_ key: String, _ value: String, in path: String) throws {
        var contents = try SafeTensors.read(from: path, as: Float.self)
        contents.metadata[key] = value
        try SafeTensors.write(contents.tensors.map { ($0.name, $0.tensor) }, metadata: contents.metadata, to: path)
    }

    func assertRefused(_ body: @autoclosure () throws -> Any, _ fragments: [String], file: StaticString = #filePath,
                       line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for fragment in fragments { XCTAssertTrue("\(error)".contains(fragment), "\(error) lacks '\(fragment)'", file: file, line: line) }
        }
    }

    func testMatchingCheckpointResumes() throws {
        let path = try savedCheckpoint("ckpt-match")
        defer { unlink(path) }
        var resumed = try trainer()
        let settings = try resumed.restoreCheckpoint(from: path, expecting: ["task": "addition", "optimizer": "adam"],
                                                     maximumStep: 20, optimizerStateTensors: 2 * resumed.model.parameters.count)
        XCTAssertEqual(settings, ["task": "addition", "optimizer": "adam"])
        XCTAssertEqual(resumed.step, 10)
    }

    /// A tanh SRNN's checkpoint does not resume into a ReLU SRNN of the same shapes, and the trainer is unchanged.
    func testAnotherArchitectureIsRefusedAndNothingChanges() throws {
        let path = try savedCheckpoint("ckpt-relu")
        defer { unlink(path) }
        var relu = try trainer(nonlinearity: .relu)
        let before = relu.model.parameters
        assertRefused(try relu.restoreCheckpoint(from: path), [path, "saved with nonlinearity = tanh, but the model has nonlinearity = relu"])
        XCTAssertEqual(relu.model.parameters, before)
        XCTAssertEqual(relu.step, 0)
    }

    func testAnotherSettingIsRefusedNamingBothValues() throws {
        let path = try savedCheckpoint("ckpt-setting")
        defer { unlink(path) }
        var other = try trainer()
        assertRefused(try other.restoreCheckpoint(from: path, expecting: ["task": "multiplication"]),
                      ["saved with task = addition, but this run has task = multiplication"])
        // A setting the file does not record passes (files written before it was recorded).
        XCTAssertNoThrow(try other.restoreCheckpoint(from: path, expecting: ["length": "10"]))
    }

    /// Adam's state (m and v: 2 per parameter) is not silently taken by an optimizer that keeps one buffer.
    func testAnotherOptimizerStateLayoutIsRefused() throws {
        let path = try savedCheckpoint("ckpt-layout")
        defer { unlink(path) }
        var sgd = try trainer(optimizer: "sgd")
        let count = sgd.model.parameters.count
        assertRefused(try sgd.restoreCheckpoint(from: path, optimizerStateTensors: count),
                      ["optimizer state of \(2 * count) tensors", "keeps \(count)"])
    }

    func testImpossibleStepsAreRefused() throws {
        let path = try savedCheckpoint("ckpt-steps")
        defer { unlink(path) }
        var resumed = try trainer()
        assertRefused(try resumed.restoreCheckpoint(from: path, maximumStep: 5), ["saved at step 10, beyond this run's 5 steps"])
        try setMetadata("step", "-5", in: path)
        assertRefused(try resumed.restoreCheckpoint(from: path), ["impossible counters: step -5"])
        try setMetadata("step", "\(Int.max)", in: path)
        assertRefused(try resumed.restoreCheckpoint(from: path, maximumStep: 20), ["saved at step \(Int.max), beyond this run's 20 steps"])
        try setMetadata("step", "10", in: path)
        try setMetadata("optimizer_steps", "-1", in: path)
        assertRefused(try resumed.restoreCheckpoint(from: path), ["impossible counters"])
        XCTAssertEqual(resumed.step, 0)
    }

    /// `loadWeights` and `restoreCheckpoint` report a mismatch with the same words (one shared check).
    func testWeightsAndResumeShareTheCheck() throws {
        let path = try savedCheckpoint("ckpt-shared")
        defer { unlink(path) }
        var relu = try trainer(nonlinearity: .relu)
        var model = relu.model
        var weightsMessage = "", resumeMessage = ""
        XCTAssertThrowsError(try model.loadWeights(from: path)) { weightsMessage = "\($0)" }
        XCTAssertThrowsError(try relu.restoreCheckpoint(from: path)) { resumeMessage = "\($0)" }
        XCTAssertEqual(weightsMessage, resumeMessage)
    }
}
