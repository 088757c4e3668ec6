#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CRecurrentKernels
import Recurrent
import RecurrentInitializers

/// `rnn bench`: times a training step (forward over the whole sequence + BPTT of the sum of the last
/// output) and an inference pass for each cell and size, the shapes PyTorch is compared on in BENCHMARKS.md.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "time training steps and inference of SRNN, LSTM, GRU and SCRN layers"

    struct Configuration: Sendable {
        var cell: CellKind
        var input: Int
        var hidden: Int
        var batch: Int
        var steps: Int
        var id: String { "\(cell.rawValue)-i\(input)-h\(hidden)-b\(batch)-t\(steps)" }
        /// Gates G in 2·T·B·G·H·(I + H) per forward pass (SCRN: counted with its context as G = 1 + C/H).
        var gates: Double {
            switch cell {
            case .lstm: return 4
            case .gru, .gruResetBefore: return 3
            default: return 1
            }
        }
        var forwardFlops: Double { 2 * Double(steps * batch) * gates * Double(hidden) * Double(input + hidden) }
    }

    /// Four sizes (the paper-size model and hidden 128, 512, 1024) for LSTM, GRU and SRNN, and SCRN at two of them.
    static let standard: [Configuration] = [
        .init(cell: .lstm, input: 1, hidden: 100, batch: 16, steps: 784),
        .init(cell: .lstm, input: 32, hidden: 128, batch: 32, steps: 100),
        .init(cell: .lstm, input: 256, hidden: 512, batch: 32, steps: 100),
        .init(cell: .lstm, input: 512, hidden: 1024, batch: 64, steps: 50),
        .init(cell: .gru, input: 1, hidden: 100, batch: 16, steps: 784),
        .init(cell: .gru, input: 32, hidden: 128, batch: 32, steps: 100),
        .init(cell: .gru, input: 256, hidden: 512, batch: 32, steps: 100),
        .init(cell: .gru, input: 512, hidden: 1024, batch: 64, steps: 50),
        .init(cell: .srnnReLU, input: 1, hidden: 100, batch: 16, steps: 784),
        .init(cell: .srnnReLU, input: 32, hidden: 128, batch: 32, steps: 100),
        .init(cell: .srnnReLU, input: 256, hidden: 512, batch: 32, steps: 100),
        .init(cell: .srnnReLU, input: 512, hidden: 1024, batch: 64, steps: 50),
        .init(cell: .scrn, input: 1, hidden: 100, batch: 16, steps: 784),
        .init(cell: .scrn, input: 256, hidden: 512, batch: 32, steps: 100),
    ]

    static var usage: String {
        """
        usage: rnn bench [--only ID[,ID...]] [--repeats N] [--threads N] [--scaling] [--json] [--quick] [--sgemm N | --streaming]

        Times one training step (forward over the sequence + backward of the sum of the last
        output: parameter gradients, no input gradient) and one inference pass per configuration,
        in Float, and prints median
        milliseconds, GFLOP/s (2·T·B·G·H·(I+H) per forward pass, 3× that per training step,
        the usual convention) and that rate as a share of the FMA peak (measured once at the
        start of the run, as --sgemm does), the BPTT cache size, the process's peak resident memory, and the step's own peak
        (the first training step's peak resident memory above the resident set before it, from an emptied buffer pool).

        \(renderOptions(sections, column: 15))
        Subnormal numbers are flushed to zero while the kernels run (KernelSettings.flushesSubnormals);
        RNN_FLUSH_SUBNORMALS=0 in the environment keeps them, as PyTorch does by default.
        Build with: swift run -c release rnn bench
        """
    }

    /// The settings of `rnn bench`.
    struct Settings {
        var only: String? = nil, repeats = 0, threads: Int? = nil, json = false, quick = false, sgemm: Int? = nil
        var streaming = false, scaling = false
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            .string("--only", "IDS", \.only, "comma-separated configuration ids (see the table), e.g. lstm-i1-h100-b16-t784"),
            .int("--repeats", "N", \.repeats, default: 5, "timed repetitions per configuration, median reported"),
            .int("--threads", "N", \.threads, "GEMM threads (default: the processors this process may use)"),
            .flag("--json", \.json, "one JSON object per configuration instead of the table"),
            .flag("--quick", \.quick, "tiny sizes for a smoke test"),
            .flag("--scaling", \.scaling, """
                also time every configuration (and the FMA peak) on one thread: the speed-up
                of the run's thread count over one thread
                """),
            .flag("--streaming", \.streaming, """
                instead: batch 1, one step at a time with the state carried: microseconds
                per step of the layer's single-step path and of RecurrentModel.step, for
                LSTM and GRU at hidden 64, 128, 256 (input 32; ids like lstm-i32-h64-stream)
                """),
            .int("--sgemm", "N", \.sgemm, """
                instead: time our Float GEMM C = A·B on N×N matrices and the FMA peak
                (independent fused multiply-add chains on every thread): the ceilings to
                set the step rates against
                """),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let settings = try OptionSection.parse(arguments, sections, into: Settings()).settings
        let repeats = settings.repeats
        if let threads = settings.threads { KernelSettings.threadCount = threads }
        if let n = settings.sgemm {
            let gflops = sgemmRate(n: n, repeats: repeats), peak = fmaPeak(repeats: repeats)
            print(settings.json
                  ? "{\"sgemm_n\":\(n),\"threads\":\(KernelSettings.threadCount),\"sgemm_gflops\":\(gflops),\"fma_peak_gflops\":\(peak)}"
                  : "sgemm \(n)³ on \(KernelSettings.threadCount) thread(s), kernel \(KernelSettings.kernelName): \(format(gflops)) GFLOP/s; "
                    + "FMA peak (independent chains): \(format(peak)) GFLOP/s")
            return 0
        }
        if settings.streaming {
            try StreamingBench.run(only: settings.only, repeats: repeats, json: settings.json)
            return 0
        }
        var configurations = settings.quick
            ? standard.map { Configuration(cell: $0.cell, input: min($0.input, 8), hidden: 16, batch: 4, steps: 10) }
            : standard
        if let only = settings.only {
            let ids = only.split(separator: ",").map(String.init)
            for id in ids where !configurations.contains(where: { $0.id == id }) {
                throw UsageError("unknown configuration '\(id)'; known: \(configurations.map(\.id).joined(separator: ", "))")
            }
            configurations = configurations.filter { ids.contains($0.id) }
        }
        let json = settings.json
        // The FMA peak, measured once per run: each configuration's rates are also given as a share of it
        // (a hundredth of the probe's work for a smoke test, which also runs unoptimized builds).
        let iterations = settings.quick ? 200_000 : 20_000_000
        let peak = fmaPeak(repeats: repeats, iterations: iterations)
        let threads = KernelSettings.threadCount
        // With --scaling, the same measurements on one thread (the thread count is restored after each).
        func onOneThread<T>(_ body: () throws -> T) rethrows -> T {
            KernelSettings.threadCount = 1
            defer { KernelSettings.threadCount = threads }
            return try body()
        }
        let peakOne = settings.scaling ? onOneThread { fmaPeak(repeats: repeats, iterations: iterations) } : nil
        if !json {
            print("threads \(threads), kernel \(KernelSettings.kernelName), Float, median of \(repeats), "
                  + "subnormals \(KernelSettings.flushesSubnormals ? "flushed to zero" : "kept (RNN_FLUSH_SUBNORMALS=0)"); "
                  + "FMA peak \(format(peak)) GFLOP/s (% peak: share of it)"
                  + (peakOne.map { "; on 1 thread \(format($0)) GFLOP/s (×\(format(peak / $0)))" } ?? ""))
            print(pad("configuration", 30) + pad("train ms", 10) + pad("GFLOP/s", 9) + pad("% peak", 8) + pad("infer ms", 10)
                  + pad("GFLOP/s", 9) + pad("% peak", 8) + pad("cache MB", 10) + pad("peak RSS MB", 13) + "step MB"
                  + (settings.scaling ? "  " + pad("1-thread train ms", 19) + pad("speed-up", 10) + pad("1-thread infer ms", 19) + "speed-up" : ""))
        }
        for configuration in configurations {
            let result = try measure(configuration, repeats: repeats)
            let one = settings.scaling ? try onOneThread { try measure(configuration, repeats: repeats) } : nil
            if json {
                print("{\"id\":\"\(configuration.id)\",\"cell\":\"\(configuration.cell.rawValue)\",\"input\":\(configuration.input),"
                      + "\"hidden\":\(configuration.hidden),\"batch\":\(configuration.batch),\"steps\":\(configuration.steps),"
                      + "\"threads\":\(KernelSettings.threadCount),\"train_ms\":\(result.trainMs),\"infer_ms\":\(result.inferMs),"
                      + "\"train_gflops\":\(result.trainGflops),\"infer_gflops\":\(result.inferGflops),"
                      + "\"fma_peak_gflops\":\(peak),\"train_peak_fraction\":\(result.trainGflops / peak),"
                      + "\"infer_peak_fraction\":\(result.inferGflops / peak),"
                      + "\"cache_bytes\":\(result.cacheBytes),\"peak_rss_bytes\":\(result.peakRSS),"
                      + "\"step_peak_bytes\":\(result.stepPeak.map(String.init) ?? "null")"
                      + (one.map { ",\"train_ms_1_thread\":\($0.trainMs),\"infer_ms_1_thread\":\($0.inferMs),"
                                   + "\"train_speedup\":\($0.trainMs / result.trainMs),\"infer_speedup\":\($0.inferMs / result.inferMs),"
                                   + "\"fma_peak_gflops_1_thread\":\(peakOne ?? 0)" } ?? "") + "}")
            } else {
                print(pad(configuration.id, 30) + pad(format(result.trainMs), 10) + pad(format(result.trainGflops), 9)
                      + pad(format(100 * result.trainGflops / peak), 8) + pad(format(result.inferMs), 10)
                      + pad(format(result.inferGflops), 9) + pad(format(100 * result.inferGflops / peak), 8)
                      + pad(format(Double(result.cacheBytes) / 1e6), 10) + pad(format(Double(result.peakRSS) / 1e6), 13)
                      + { one == nil ? $0 : pad($0, 7) + "  " }(result.stepPeak.map { format(Double($0) / 1e6) } ?? "n/a")
                      + (one.map { pad(format($0.trainMs), 19) + pad("×" + format($0.trainMs / result.trainMs), 10)
                                   + pad(format($0.inferMs), 19) + "×" + format($0.inferMs / result.inferMs) } ?? ""))
            }
        }
        return 0
    }

    /// Median GFLOP/s of independent FMA chains on every kernel thread: the instruction throughput ceiling.
    static func fmaPeak(repeats: Int, iterations: Int = 20_000_000) -> Double {
        var times: [Double] = [], flops = 0.0
        for round in 0...repeats {
            let start = now()
            flops = rnn_fma_probe(iterations, Int32(KernelSettings.threadCount))
            if round > 0 { times.append(now() - start) }
        }
        return flops / median(times) / 1e9
    }

    /// Median GFLOP/s of C (n, n) = A·B over `repeats` timed products after one warm-up.
    static func sgemmRate(n: Int, repeats: Int) -> Double {
        var generator = RandomGenerator(seed: 1)
        let a = (0..<n * n).map { _ in Float(generator.nextUniform() - 0.5) }, b = a.reversed() as [Float]
        var c = [Float](repeating: 0, count: n * n)
        var times: [Double] = []
        for round in 0...repeats {
            let start = now()
            c.withUnsafeMutableBufferPointer { cp in
                Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n,
                           beta: 0, c: cp.baseAddress!, ldc: n)
            }
            if round > 0 { times.append(now() - start) }
        }
        return 2 * Double(n) * Double(n) * Double(n) / median(times) / 1e9
    }

    struct Result {
        var trainMs: Double, inferMs: Double, trainGflops: Double, inferGflops: Double, cacheBytes: Int, peakRSS: Int
        /// Peak resident memory of one training step above the resident set before it (nil where it cannot be measured).
        var stepPeak: Int?
    }

    static func measure(_ c: Configuration, repeats: Int) throws -> Result {
        switch c.cell {
        case .lstm: return try measure(RecurrentLayer(cell: LSTMCell<Float>(inputSize: c.input, hiddenSize: c.hidden, seed: 1)), c, repeats)
        case .gru: return try measure(RecurrentLayer(cell: GRUCell<Float>(inputSize: c.input, hiddenSize: c.hidden, seed: 1)), c, repeats)
        case .scrn:
            return try measure(RecurrentLayer(cell: SCRNCell<Float>(inputSize: c.input, hiddenSize: c.hidden, contextSize: max(1, c.hidden / 4), seed: 1)), c, repeats)
        default:
            return try measure(RecurrentLayer(cell: SimpleRNNCell<Float>(inputSize: c.input, hiddenSize: c.hidden, nonlinearity: .relu, seed: 1)), c, repeats)
        }
    }

    static func measure<Cell: RecurrentCell>(_ layer: RecurrentLayer<Cell>, _ c: Configuration, _ repeats: Int) throws -> Result
    where Cell.Scalar == Float {
        var generator = RandomGenerator(seed: 7)
        let x = try Tensor<Float>(shape: [c.steps, c.batch, c.input],
                                  scalars: (0..<c.steps * c.batch * c.input).map { _ in Float(generator.nextUniform()) })
        // Loss = Σ of the last step's output: its gradient is 1 there and 0 elsewhere.
        var dOut = [Float](repeating: 0, count: c.steps * c.batch * layer.cell.outputSize)
        for j in (c.steps - 1) * c.batch * layer.cell.outputSize..<dOut.count { dOut[j] = 1 }
        let outputGradient = try Tensor(shape: [c.steps, c.batch, layer.cell.outputSize], scalars: dOut)
        var gradients = layer.cell.zeroGradients()
        func trainStep() throws {
            let pass = try layer.forward(x)
            gradients.zeroAll()
            // The input needs no gradient, as in the PyTorch script (its input does not require grad).
            _ = try layer.backwardWithoutInputGradient(pass, outputGradient: outputGradient, into: &gradients)
        }
        // The first step, from a purged buffer pool, also measures the memory a training step needs on top of what
        // is resident before it (runtime, weights, gradient buffers, input): its peak minus the resident set before.
        ScratchMemory.purge()
        let residentBefore = resetPeakResidentBytes()
        try trainStep()  // also the warm-up: pages in buffers, starts the thread pool
        let stepPeak = residentBefore.map { peakResidentBytes() - $0 }
        var trainTimes: [Double] = [], inferTimes: [Double] = []
        for _ in 0..<repeats {
            let t0 = now()
            try trainStep()
            trainTimes.append(now() - t0)
        }
        // Inference keeps nothing for a backward pass (`infer`: same outputs as `forward`, no BPTT cache).
        _ = try layer.infer(x)
        for _ in 0..<repeats {
            let t0 = now()
            _ = try layer.infer(x)
            inferTimes.append(now() - t0)
        }
        let train = median(trainTimes), infer = median(inferTimes)
        let s = layer.cell.stateSize, p = layer.cell.projectionSize, cw = layer.cell.cacheSize
        let rows = c.steps * c.batch
        // What a training pass keeps for BPTT: input, states, cache, and the projection only for cells that read it back.
        let keptProjection = layer.cell.backwardReadsProjection ? p : 0
        let cacheBytes = 4 * (rows * (c.input + keptProjection + cw) + (c.steps + 1) * c.batch * s)
        return Result(trainMs: train * 1e3, inferMs: infer * 1e3, trainGflops: 3 * c.forwardFlops / train / 1e9,
                      inferGflops: c.forwardFlops / infer / 1e9, cacheBytes: cacheBytes, peakRSS: peakResidentBytes(),
                      stepPeak: stepPeak)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Peak resident set size of this process so far (`VmHWM` on Linux). Buffers are kept for reuse, so
    /// for a per-configuration figure run one configuration per process (`--only ID`), as
    /// Scripts/bench-pytorch.py does. Started directly by a large process (Python with PyTorch loaded),
    /// the kernel reports that parent's peak here; the script therefore starts us through `sh`.
    static func peakResidentBytes() -> Int {
        #if os(Linux)
        if let hwm = statusField("VmHWM:") { return hwm }
        #endif
        return Int(rnn_max_rss_bytes())  // getrusage's peak, converted to bytes on every platform
    }

    /// Resets the peak resident set size to the current one (Linux ≥ 4.0: `5` into `/proc/self/clear_refs`) and
    /// returns the current resident set size, or nil where that is not available.
    static func resetPeakResidentBytes() -> Int? {
        #if os(Linux)
        guard let file = fopen("/proc/self/clear_refs", "w") else { return nil }
        let written = fputs("5", file)
        guard fclose(file) == 0, written >= 0, let rss = statusField("VmRSS:"), let hwm = statusField("VmHWM:"),
              hwm <= rss + (1 << 20) else { return nil }  // the reset worked only if the peak is now the current size
        return rss
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// A `kB` field of `/proc/self/status` in bytes (the file reports size 0, so it is read line by line).
    static func statusField(_ name: String) -> Int? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(name) { return Int(text.filter(\.isNumber)).map { $0 * 1024 } }
        }
        return nil
    }
    #endif

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return value >= 100 ? String(Int(value.rounded())) : String(rounded)
    }
}
