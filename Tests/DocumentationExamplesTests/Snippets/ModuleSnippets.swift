// The runnable ```swift blocks of the RecurrentInitializers, RecurrentData and RecurrentTraining catalogs.
import Recurrent
import RecurrentData
import RecurrentInitializers
import RecurrentTraining
import Testing

@Suite struct ModuleSnippets {
    @Test func initializers() throws {
        try runSnippet("initializers-overview") {
            // snippet: initializers-overview
            var generator = RandomGenerator(seed: 42)
            let identity = try Initializers.identity(size: 4)                                   // IRNN: W_hh = I
            let npRNN = try Initializers.normalizedPositiveDefinite(size: 4, using: &generator)  // np-RNN: (RᵀR/N + I)/λmax
            let input = try Initializers.npRNNInput(hiddenSize: 4, inputSize: 2, using: &generator)
            let bias = try Initializers.lstmBias(hiddenSize: 2)                                 // forget-gate bias 1
            print(identity[1, 1], identity[0, 1])          // prints 1.0 0.0
            print(npRNN == npRNN.transposed())              // prints true
            print(input.rows, input.columns)                // prints 4 2
            print(bias)                                     // prints [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
            // The same seed gives the same matrix, bit for bit, on every platform.
            var again = RandomGenerator(seed: 42)
            print(try Initializers.normalizedPositiveDefinite(size: 4, using: &again) == npRNN)   // prints true
            // end-snippet
        }
    }

    @Test func additionBatch() throws {
        try runSnippet("data-addition-batch") {
            // snippet: data-addition-batch
            let task = AdditionTask(length: 6, seed: 1)
            var generator = RandomGenerator(seed: 2)
            let batch: TaskBatch<Double> = task.trainingBatch(size: 3, using: &generator)
            print(batch.inputs.shape, batch.targets!.shape)    // prints [6, 3, 2] [3, 1]
            // Row b: step t holds (value, marker); the target is the sum of the two marked values.
            let marked = (0..<3).map { b in (0..<6).filter { t in batch.inputs[t, b, 1] == 1 } }
            print(marked.map(\.count))                         // prints [2, 2, 2]
            print((0..<3).map { b in marked[b].reduce(0) { $0 + batch.inputs[$1, b, 0] } == batch.targets![b, 0] })   // prints [true, true, true]
            print(task.baseline)                               // prints 0.16666666666666666
            // end-snippet
        }
    }

    @Test func paperSetup() throws {
        try runSnippet("experiments-paper-setup") {
            // snippet: experiments-paper-setup
            // The np-RNN paper's setup: one layer of 100 ReLU units, W_hh = (RᵀR/N + I)/λmax, W_ih ~ N(0, 1/N)·α,
            // a Glorot-normal readout, plain SGD with BPTT; here with gradient clipping at norm 1.
            let task = AdditionTask(length: 150, testSize: 1000, seed: 1)
            let model = try RecurrentModel(inputSize: task.inputSize, outputSize: task.outputSize, seed: 1) { input, _, _ in
                try SimpleRNNCell<Float>.npRNN(inputSize: input, hiddenSize: 100, seed: 1)
            }
            var trainer = Trainer(model: model, optimizer: try AnyOptimizer(name: "sgd", learningRate: 0.01), seed: 1)
            let configuration = TrainingConfiguration(steps: 20, batchSize: 16, learningRate: 0.01, clipNorm: 1, seed: 1,
                                                      evaluationInterval: 10, periodicEvaluationSize: 100)
            let record = try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
            print(record.step, record.testMetric != nil)        // prints 10 true

            // Interrupt and resume: the checkpoint holds weights, optimizer state, step and random-generator state.
            try trainer.saveCheckpoint(to: "/tmp/doc-example-addition.checkpoint")
            var resumed = Trainer(model: model, optimizer: try AnyOptimizer(name: "sgd", learningRate: 0.01), seed: 99)
            try resumed.restoreCheckpoint(from: "/tmp/doc-example-addition.checkpoint")
            let next = try resumed.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
            let same = try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
            print(next == same)                                 // prints true
            // end-snippet
        }
    }
}

@Suite struct LanguageModelSnippets {
    @Test func characterModel() throws {
        try runSnippet("text-language-model") {
            // snippet: text-language-model
            let text = String(repeating: "to be or not to be, that is the question. ", count: 20)
            let vocabulary = try Vocabulary.characters(of: text)
            let model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 16, layers: 2, seed: 1) { input, layer in
                try LSTMCell<Float>(inputSize: input, hiddenSize: 32, forgetBias: 1, seed: 10 + UInt64(layer))
            }
            var trainer = try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
                                                   schedule: StepDecay(initial: 0.01), seed: 2)
            let stream = try TokenStream(tokens: vocabulary.encode(text), batch: 8, window: 16)
            let before = LanguageModelMetrics.bits(fromNats: try trainer.evaluate(stream))
            for _ in 0..<10 {                                          // epochs
                var state: [[Tensor<Float>]]? = nil                    // carried from window to window
                for k in 0..<stream.windowCount {
                    let (inputs, targets) = stream.window(k)
                    state = try trainer.trainStep(inputs: inputs, targets: targets, initialStates: state).finalStates
                }
            }
            let after = LanguageModelMetrics.bits(fromNats: try trainer.evaluate(stream))
            print(before > 3, after < 1)                               // prints true true
            let sample = try trainer.model.generate(prime: "to be", length: 40, temperature: 0.5, seed: 3)
            print(sample.unicodeScalars.count)                         // prints 45
            // end-snippet
            #expect(after < before)
        }
    }
}
