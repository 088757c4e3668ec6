// The runnable ```swift blocks of the RecurrentTraining article "Training on your own sequences".
import Foundation
import Recurrent
import RecurrentData
import RecurrentInitializers
import RecurrentTraining
import Testing

@Suite struct OwnSequencesSnippets {
    @Test func classify() throws {
        try runSnippet("own-sequences-classify") {
            // snippet: own-sequences-classify
            // 96 recordings of 4…12 steps with 2 features in raw units (around 100 and around 0.5);
            // the class says whether feature 0 rises or falls.
            var generator = RandomGenerator(seed: 1)
            var cases: [[[Float]]] = [], labels: [Int] = []
            for _ in 0..<96 {
                let length = 4 + Int(generator.next() % 9)
                let rising = generator.next() % 2 == 0
                cases.append((0..<length).map { t in
                    [Float(100 + (rising ? 2 : -2) * Double(t) + 3 * generator.nextUniform()), Float(generator.nextUniform())]
                })
                labels.append(rising ? 1 : 0)
            }
            let data = try SequenceDataset(cases: cases, labels: labels, classCount: 2)
            let (train, validation) = try data.split(validationFraction: 0.25, seed: 2)   // stratified by class

            // The standardization is fitted on the training part only and carried by the model,
            // which applies it to every raw input: in training, evaluation and prediction alike.
            var model = try RecurrentModel(inputSize: 2, outputSize: 2, seed: 3) { input, _, _ in
                try GRUCell<Float>(inputSize: input, hiddenSize: 16, seed: 4)
            }
            model.inputNormalization = try FeatureStandardization(fitting: train).inputNormalization(as: Float.self)

            var trainer = Trainer(model: model, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.01), seed: 5)
            let settings = DatasetTrainingSettings(epochs: 30, batchSize: 16, learningRate: 0.01, patience: 5,
                                                   bucketing: LengthBucketing(batchesPerChunk: 4), seed: 6)
            var curve: [Double] = []
            let result = try trainer.fit(train, validation: validation, settings: settings) { record in
                curve.append(record.validationMetric ?? 0)                   // after every epoch
            }
            // The model now holds the weights of the best epoch on the validation part.
            print(curve[result.bestEpoch - 1] == curve.max())          // prints true
            print(try trainer.evaluate(validation).metric >= 0.9)       // prints true
            // end-snippet
            #expect(result.epochs.count == curve.count)
        }
    }

    @Test func forecast() throws {
        try runSnippet("own-sequences-forecast") {
            // snippet: own-sequences-forecast
            // 64 series of 5…15 steps; the target of step t is x_t + x_{t−1}: one value per step.
            var generator = RandomGenerator(seed: 7)
            var cases: [[[Float]]] = [], targets: [[[Float]]] = []
            for _ in 0..<64 {
                let x = (0..<(5 + Int(generator.next() % 11))).map { _ in Float(generator.nextUniform()) }
                cases.append(x.map { [$0] })
                targets.append(x.indices.map { t in [x[t] + (t > 0 ? x[t - 1] : 0)] })
            }
            let data = try SequenceDataset(cases: cases, stepTargets: targets)

            var model = try RecurrentModel(inputSize: 1, outputSize: 1, outputMode: .everyStep, seed: 8) { input, _, _ in
                try GRUCell<Float>(inputSize: input, hiddenSize: 16, seed: 9)
            }
            model.inputNormalization = try FeatureStandardization(fitting: data).inputNormalization(as: Float.self)

            // The loop Trainer.fit runs, written out: padded batches, a loss over the real steps only.
            let all = try data.batches(size: data.count)[0]              // every series, padded to the longest
            func error() throws -> Double {
                try Loss.maskedMeanSquaredError(prediction: model.predict(all.inputs, lengths: all.lengths),
                                                target: all.stepTargets!, lengths: all.lengths).value
            }
            let before = try error()
            var optimizer = Adam<Float>(learningRate: 0.01)
            for epoch in 0..<30 {
                for batch in try data.batches(size: 16, seed: 10, epoch: epoch) {
                    let pass = try model.forward(batch.inputs, lengths: batch.lengths)     // output (T·B, 1)
                    let loss = try Loss.maskedMeanSquaredError(prediction: pass.output, target: batch.stepTargets!,
                                                               lengths: batch.lengths)
                    var gradients = model.zeroGradients()
                    _ = try model.backward(pass, outputGradient: loss.gradient, into: &gradients)
                    try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: 1)
                    var parameters = model.parameters
                    try optimizer.update(&parameters, gradients: gradients)
                    try model.setParameters(parameters)
                }
            }
            print(try error() < before / 10)                              // prints true
            // end-snippet
        }
    }

    @Test func saveLoadPredict() throws {
        try runSnippet("own-sequences-save-load") {
            // snippet: own-sequences-save-load
            var model = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2) { input, layer, _ in
                try LSTMCell<Float>(inputSize: input, hiddenSize: 8, forgetBias: 1, seed: UInt64(layer))
            }
            model.inputNormalization = try InputNormalization(mean: [100, 0.5], scale: [8, 0.3])   // e.g. fitted, as above
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("own-sequences.safetensors").path
            try model.save(to: path)       // the weights, the architecture and the standardization

            let loaded = try ModelFile.load(from: path)                   // any SequenceModel<Float>, nothing else needed
            let raw = try Tensor<Float>(shape: [6, 2, 2], scalars: (0..<24).map { i -> Float in i % 2 == 0 ? Float(100 + i) : 0.5 })
            let y = try loaded.predict(raw, lengths: [6, 4])                // (B, K) = (2, 3); steps 4 and 5 of row 1 are padding
            print(y.shape, y == (try model.predict(raw, lengths: [6, 4])))    // prints [2, 3] true
            print(loaded.description.split(separator: "\n").last!)
            // prints input normalization: (x − mean) / scale per feature, mean [100.0, 0.5], scale [8.0, 0.3]
            // end-snippet
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test func stream() throws {
        try runSnippet("own-sequences-stream") {
            // snippet: own-sequences-stream
            var model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 2) { input, layer, _ in
                try GRUCell<Float>(inputSize: input, hiddenSize: 8, seed: UInt64(layer))
            }
            model.inputNormalization = try InputNormalization(mean: [100, 0.5], scale: [8, 0.3])
            let raw = try Tensor<Float>(shape: [10, 1, 2], scalars: (0..<20).map { i -> Float in i % 2 == 0 ? Float(90 + i) : 0.2 })

            // Samples arrive one at a time, raw: each step returns the output so far and the state to keep.
            var state = try model.zeroState(batch: 1)
            var output = try Tensor<Float>(shape: [1, 1])
            for t in 0..<10 {
                let sample = try Tensor<Float>(shape: [1, 2], scalars: [raw[t, 0, 0], raw[t, 0, 1]])   // (B, I)
                (output, state) = try model.step(sample, state: state)
            }
            print(output == (try model.predict(raw)))                     // prints true
            print(state.layers.map(\.shape))                              // prints [[1, 8], [1, 8]]
            // end-snippet
        }
    }
}
