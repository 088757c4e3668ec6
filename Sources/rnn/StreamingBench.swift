import Recurrent
import RecurrentInitializers

/// `rnn bench --streaming`: batch 1, one step at a time with the state carried from step to step — the
/// on-device case, a sample arriving and its output needed before the next one. Times, in Float, the two
/// public single-step paths a user calls: the layer's (`RecurrentLayer.infer` on a (1, 1, I) input with the
/// previous state, what PyTorch's `nn.LSTMCell` / `nn.GRUCell` do) and the model's (`RecurrentModel.step`:
/// the same layer plus a readout to K outputs, and the checks of the state it is given).
enum StreamingBench {
    struct Configuration: Sendable {
        var cell: CellKind
        var input: Int
        var hidden: Int
        var id: String { "\(cell.rawValue)-i\(input)-h\(hidden)-stream" }
    }

    /// Input width of every streaming configuration: a small feature vector per sample (e.g. 32 filter-bank
    /// energies), the same on PyTorch's side (Scripts/bench-pytorch.py --streaming).
    static let inputSize = 32
    /// Readout width K of the model path.
    static let readoutSize = 10
    /// Steps per timed repetition (the median over repetitions of their mean time per step is reported).
    static let stepsPerRepeat = 2000

    static let standard: [Configuration] = [CellKind.lstm, .gru].flatMap { cell in
        [64, 128, 256].map { Configuration(cell: cell, input: inputSize, hidden: $0) }
    }

    struct Result {
        /// Median microseconds per step of the layer path and of the model path.
        var layerMicroseconds: Double, modelMicroseconds: Double
    }

    static func measure(_ c: Configuration, repeats: Int) throws -> Result {
        switch c.cell {
        case .lstm:
            return try measure(try RecurrentModel(inputSize: c.input, outputSize: readoutSize) { input, _, _ in
                try LSTMCell<Float>(inputSize: input, hiddenSize: c.hidden, seed: 1)
            }, repeats: repeats)
        default:
            return try measure(try RecurrentModel(inputSize: c.input, outputSize: readoutSize) { input, _, _ in
                try GRUCell<Float>(inputSize: input, hiddenSize: c.hidden, seed: 1)
            }, repeats: repeats)
        }
    }

    static func measure<Cell: RecurrentCell>(_ model: RecurrentModel<Cell>, repeats: Int) throws -> Result
    where Cell.Scalar == Float {
        let n = stepsPerRepeat, i = model.inputSize
        var generator = RandomGenerator(seed: 7)
        // The samples, made before timing: (1, I) for the model, (1, 1, I) for the layer.
        let samples = try (0..<n).map { _ in
            try Tensor<Float>(shape: [1, i], scalars: (0..<i).map { _ in Float(generator.nextUniform() - 0.5) })
        }
        let sequenceSamples = try samples.map { try $0.reshaped(to: [1, 1, i]) }
        let layer = model.layers[0]
        var sink: Float = 0  // keeps the outputs alive
        func layerRun() throws {
            var state = try layer.zeroState(batch: 1)
            for x in sequenceSamples {
                let result = try layer.infer(x, initialState: state)
                state = result.finalState
            }
            sink += state.scalars[0]
        }
        func modelRun() throws {
            var state = try model.zeroState(batch: 1)
            for x in samples {
                let (y, next) = try model.step(x, state: state)
                state = next
                sink += y.scalars[0]
            }
        }
        var layerTimes: [Double] = [], modelTimes: [Double] = []
        try layerRun()  // warm-up
        try modelRun()
        for _ in 0..<repeats {  // interleaved, so a change of the machine's load hits both alike
            var t0 = BenchCommand.now()
            try layerRun()
            layerTimes.append((BenchCommand.now() - t0) / Double(n))
            t0 = BenchCommand.now()
            try modelRun()
            modelTimes.append((BenchCommand.now() - t0) / Double(n))
        }
        if sink.isNaN { print("(non-finite output)") }
        return Result(layerMicroseconds: BenchCommand.median(layerTimes) * 1e6,
                      modelMicroseconds: BenchCommand.median(modelTimes) * 1e6)
    }

    /// Runs the configurations (all, or the ids in `only`) and prints a table or one JSON object each.
    static func run(only: String?, repeats: Int, json: Bool) throws {
        var configurations = standard
        if let only {
            let ids = only.split(separator: ",").map(String.init)
            for id in ids where !configurations.contains(where: { $0.id == id }) {
                throw UsageError("unknown streaming configuration '\(id)'; known: \(configurations.map(\.id).joined(separator: ", "))")
            }
            configurations = configurations.filter { ids.contains($0.id) }
        }
        if !json {
            print("streaming, batch 1, Float, threads \(KernelSettings.threadCount), \(stepsPerRepeat) steps per repetition, "
                  + "median of \(repeats); µs per step")
            print(BenchCommand.pad("configuration", 24) + BenchCommand.pad("layer µs", 10) + "model.step µs (+ readout to \(readoutSize))")
        }
        for c in configurations {
            let result = try measure(c, repeats: repeats)
            if json {
                print("{\"id\":\"\(c.id)\",\"cell\":\"\(c.cell.rawValue)\",\"input\":\(c.input),\"hidden\":\(c.hidden),"
                      + "\"readout\":\(readoutSize),\"threads\":\(KernelSettings.threadCount),"
                      + "\"layer_step_us\":\(result.layerMicroseconds),\"model_step_us\":\(result.modelMicroseconds)}")
            } else {
                print(BenchCommand.pad(c.id, 24) + BenchCommand.pad(formatMicroseconds(result.layerMicroseconds), 10)
                      + formatMicroseconds(result.modelMicroseconds))
            }
        }
    }

    static func formatMicroseconds(_ value: Double) -> String {
        String((value * 100).rounded() / 100)
    }
}
