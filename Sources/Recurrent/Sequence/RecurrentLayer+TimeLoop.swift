// The argument checks and the pieces of the time loop that `forward`, `infer` and `backward` of
// ``RecurrentLayer`` share (RecurrentLayer.swift holds those three, forward beside backward).

extension RecurrentLayer {
    /// Checks an input sequence and optional state and lengths; returns (T, B).
    @usableFromInline
    func validate(_ input: Tensor<Scalar>, _ initialState: Tensor<Scalar>?, _ lengths: [Int]?) throws -> (Int, Int) {
        guard input.rank == 3 else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward input", expected: "(T, B, \(cell.inputSize))",
                                               got: shapeString(input.shape))
        }
        let (steps, batch) = (input.shape[0], input.shape[1])
        if steps == 0 { throw RecurrentError.emptySequence(operation: "RecurrentLayer.forward") }
        try requirePositive(batch, "RecurrentLayer.forward batch size (input axis 1)")
        guard input.shape[2] == cell.inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward input",
                                               expected: "(T, B, \(cell.inputSize))", got: shapeString(input.shape))
        }
        // (The message is only built for a failing check: a streamed step of one sample runs this at every step.)
        if input.firstNonFiniteIndex != nil { try input.requireFinite("RecurrentLayer.forward input \(shapeString(input.shape))") }
        if let initialState {
            try initialState.requireShape([batch, cell.stateSize], "RecurrentLayer.forward initial state (batch from input)")
            try initialState.requireFinite("RecurrentLayer.forward initial state")
        }
        if let lengths {
            guard lengths.count == batch else {
                throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward lengths", expected: "\(batch) lengths",
                                                   got: "\(lengths.count)")
            }
            if let bad = lengths.firstIndex(where: { $0 < 0 || $0 > steps }) {
                throw RecurrentError.invalidArgument(what: "RecurrentLayer.forward lengths[\(bad)]",
                                                     reason: "must be in 0...\(steps), got \(lengths[bad])")
            }
        }
        return (steps, batch)
    }

    /// Checks the arguments of ``backward(_:outputGradient:finalStateGradient:into:)``.
    @usableFromInline
    func validateBackward(_ pass: Pass, _ outputGradient: Tensor<Scalar>?, _ finalStateGradient: Tensor<Scalar>?,
                          _ gradients: [Tensor<Scalar>]) throws {
        let (steps, batch) = (pass.steps, pass.batch)
        try pass.input.requireShape([steps, batch, cell.inputSize],
                                    "RecurrentLayer.backward (pass from a cell of another input size)")
        guard pass.projected.count == pass.projectedSteps * batch * cell.projectionSize,
              pass.projectedSteps == steps || !cell.backwardReadsProjection,
              pass.cache.count == steps * batch * cell.cacheSize,
              pass.states.count == (steps + 1) * batch * cell.stateSize else {
            throw RecurrentError.invalidArgument(what: "RecurrentLayer.backward", reason: "the pass was produced by a different cell")
        }
        if let outputGradient {
            try outputGradient.requireShape([steps, batch, cell.outputSize], "RecurrentLayer.backward outputGradient")
        }
        if let finalStateGradient {
            try finalStateGradient.requireShape([batch, cell.stateSize], "RecurrentLayer.backward finalStateGradient")
        }
        let expected = cell.parameters.map(\.shape)
        guard gradients.map(\.shape) == expected else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.backward gradients",
                                               expected: expected.map(shapeString).joined(separator: " "),
                                               got: gradients.map { shapeString($0.shape) }.joined(separator: " "))
        }
    }

    /// What the forward time loop prepares before its first step: the row blocks, each block's workspace
    /// prepared by the cell (for the built-in cells W_hhᵀ packed for the kernels), and W_ihᵀ packed, if it is.
    /// A pass makes its own; an ``InferencePlan`` keeps one for later passes.
    @usableFromInline
    struct Preparation {
        /// Row blocks the loop is split into (``rowBlockCount(batch:)``).
        @usableFromInline let blocks: Int
        /// One workspace per block, prepared by ``RecurrentCell/prepareWorkspace(_:batch:)``.
        @usableFromInline let workspaces: BlockWorkspaces<Scalar>
        /// W_ihᵀ in the kernels' layout, or `nil`: each chunk's product then packs it itself (same results).
        @usableFromInline let packedInput: ScalarBuffer<Scalar>?

        @usableFromInline
        init(blocks: Int, workspaces: BlockWorkspaces<Scalar>, packedInput: ScalarBuffer<Scalar>?) {
            (self.blocks, self.workspaces, self.packedInput) = (blocks, workspaces, packedInput)
        }
    }

    /// The ``Preparation`` of a forward loop over `batch` rows; W_ihᵀ is packed when `packingInput`.
    @inlinable
    func preparation(batch: Int, packingInput: Bool) -> Preparation {
        let blocks = rowBlockCount(batch: batch)
        return Preparation(blocks: blocks, workspaces: preparedWorkspaces(blocks: blocks, batch: batch),
                           packedInput: packingInput ? packedInputWeight() : nil)
    }

    /// The forward time loop shared by ``forward(_:initialState:lengths:)`` and ``infer(_:initialState:lengths:)``:
    /// for each chunk of `chunkSteps` steps, the chunk's input projection into `projected` (one product), then
    /// `step(t, projected_t, rows, workspace)` for every step of the chunk in order — for all rows at once, or,
    /// when the rows are split (`prepared.blocks` > 1, see ``rowBlockCount(batch:)``), for each block of rows on
    /// its own thread with its own workspace. `projected_t` points at the block's first row.
    @inlinable
    func forEachStep(
        _ input: Tensor<Scalar>, batch: Int, chunkSteps: Int, projected: UnsafeMutablePointer<Scalar>, prepared: Preparation,
        _ step: (_ t: Int, _ projectedStep: UnsafePointer<Scalar>, _ rows: Range<Int>, _ workspace: UnsafeMutablePointer<Scalar>) -> Void
    ) {
        let steps = input.shape[0], p = cell.projectionSize
        let (blocks, workspaces) = (prepared.blocks, prepared.workspaces)
        let named = cell.namedParameters
        var first = 0
        while first < steps {
            let count = Swift.min(chunkSteps, steps - first)
            projectInputs(input, first: first, count: count, batch: batch, weight: named.weightIH, bias: named.biasIH,
                          packedWeight: prepared.packedInput, into: projected)
            // Rows never interact, so each block of rows runs the chunk's steps on its own thread.
            runInParallel(parts: blocks) { block in
                let rows = rowBlock(block, of: blocks, batch: batch)
                let workspace = workspaces.base + block * workspaces.stride
                for t in first..<first + count {
                    step(t, projected + ((t - first) * batch + rows.lowerBound) * p, rows, workspace)
                }
            }
            first += count
        }
    }

    /// After step `t`: copies the output part of each row's new state to `output` (rows, O), if given; a row
    /// whose sequence has ended (`t ≥ lengths[firstRow + b]`) keeps its previous state instead and its output
    /// stays zero. The pointers point at row `firstRow` of the step's buffers.
    @inlinable
    func storeOutputs(step t: Int, next: UnsafeMutablePointer<Scalar>, previous: UnsafePointer<Scalar>,
                      output: UnsafeMutablePointer<Scalar>?, firstRow: Int, rows: Int, lengths: [Int]?) {
        let (s, o) = (cell.stateSize, cell.outputSize)
        if let lengths {
            for b in 0..<rows {
                if t >= lengths[firstRow + b] {
                    (next + b * s).update(from: previous + b * s, count: s)
                } else if let output {
                    (output + b * o).update(from: next + b * s, count: o)
                }
            }
        }
        guard let output, lengths == nil else { return }
        if o == s {
            output.update(from: next, count: rows * s)
        } else {
            for b in 0..<rows { (output + b * o).update(from: next + b * s, count: o) }
        }
    }

    /// Number of row blocks the time loop is split into: one per compute thread when the cell's rows are
    /// independent and its recurrent weights are small enough to sit in every core's cache
    /// (`LayoutTuning.rowParallelWeightLimitBytes`), otherwise 1 (the products themselves may still be split).
    @inlinable
    func rowBlockCount(batch: Int) -> Int {
        guard cell.rowsAreIndependent, batch >= 2 else { return 1 }
        let threads = KernelSettings.threadCount
        guard threads >= 2 else { return 1 }
        let recurrentScalars = cell.parameters.dropFirst(2).reduce(0) { $0 + $1.count }
        guard recurrentScalars * MemoryLayout<Scalar>.stride <= LayoutTuning.rowParallelWeightLimitBytes else { return 1 }
        return Swift.min(threads, batch)
    }

    /// One workspace per row block, each sized for its block's rows (zeros, not prepared).
    @inlinable
    func blockWorkspaces(blocks: Int, batch: Int) -> BlockWorkspaces<Scalar> {
        let largest = (0..<blocks).map { rowBlock($0, of: blocks, batch: batch).count }.max() ?? batch
        let stride = cell.workspaceSize(batch: largest)
        return BlockWorkspaces(buffer: ScalarBuffer(zeros: stride * blocks), stride: stride)
    }

    /// ``blockWorkspaces(blocks:batch:)`` prepared by the cell for a forward pass.
    @inlinable
    func preparedWorkspaces(blocks: Int, batch: Int) -> BlockWorkspaces<Scalar> {
        let workspaces = blockWorkspaces(blocks: blocks, batch: batch)
        for block in 0..<blocks {
            cell.prepareWorkspace(workspaces.base + block * workspaces.stride,
                                  batch: rowBlock(block, of: blocks, batch: batch).count)
        }
        return workspaces
    }

    /// `projected (count·B, P) = X[first..<first + count] · W_ihᵀ + b_ih`: the input projection of a block of
    /// steps as one matrix product (used by both the training and the inference forward pass), with W_ihᵀ
    /// `packedWeight` when given.
    @inlinable
    func projectInputs(_ input: Tensor<Scalar>, first: Int, count: Int, batch: Int, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
                       packedWeight: ScalarBuffer<Scalar>?, into projected: UnsafeMutablePointer<Scalar>) {
        let (i, p, n) = (cell.inputSize, cell.projectionSize, count * batch)
        input.withPointer { x in
            weight.withPointer { w in
                bias.withPointer { bias in
                    if let packedWeight {
                        multiplyByPackedWeight(projected, ldc: p, x + first * batch * i, lda: i, packed: packedWeight.base,
                                               m: n, n: p, k: i, addingBias: bias)
                    } else {
                        for r in 0..<n { (projected + r * p).update(from: bias, count: p) }
                        multiplyByTransposedWeight(projected, ldc: p, x + first * batch * i, lda: i, weight: w, ldw: i,
                                                   m: n, n: p, k: i, beta: 1)
                    }
                }
            }
        }
    }

    /// W_ihᵀ packed once, for a pass whose input projection is computed in several chunks or for an
    /// ``InferencePlan`` (otherwise one product packs it once anyway). Same results either way.
    @inlinable
    func packedInputWeight() -> ScalarBuffer<Scalar> {
        let (i, p) = (cell.inputSize, cell.projectionSize)
        let buffer = ScalarBuffer<Scalar>(count: packedTransposedWeightCount(rows: p, columns: i, Scalar.self), zeroed: false)
        cell.namedParameters.weightIH.withPointer { packTransposedWeight(buffer.base, $0, rows: p, columns: i) }
        return buffer
    }

    /// Steps per block of the backward pass's per-step gradients: at most `LayoutTuning.gradientChunkRows` rows
    /// and about 512 KiB of projection gradients, but at least 128 rows, so the block's weight-gradient products
    /// still run at full speed while the block stays small next to the BPTT cache.
    @inlinable
    func gradientChunkSteps(steps: Int, batch: Int) -> Int {
        let rowBytes = Swift.max(cell.projectionSize * MemoryLayout<Scalar>.stride, 1)
        let rows = Swift.min(LayoutTuning.gradientChunkRows, Swift.max(128, (512 << 10) / rowBytes))
        return Swift.min(steps, Swift.max(1, rows / Swift.max(batch, 1)))
    }

    /// Steps per chunk of the input projection: about 256 KiB of projections (so a chunk stays in L2
    /// until its steps have used it), and at least 512 rows when the input is wide, so that the
    /// product's per-call packing of W_ih is spread over enough rows. For inference with the time loop split
    /// by rows, where every chunk costs a hand-off between the threads (and its product a few more), chunks
    /// are `LayoutTuning.rowSplitChunkFactor` times larger (each thread still reads only its rows' share);
    /// a training pass keeps the small chunks, whose memory adds to the BPTT cache.
    @inlinable
    func projectionChunkSteps(steps: Int, batch: Int, inference: Bool) -> Int {
        let rowBytes = cell.projectionSize * MemoryLayout<Scalar>.stride
        let larger = inference && rowBlockCount(batch: batch) > 1
        let target = LayoutTuning.projectionChunkBytes * (larger ? LayoutTuning.rowSplitChunkFactor : 1)
        var rows = Swift.max(target / Swift.max(rowBytes, 1), batch)
        if cell.inputSize >= 16 { rows = Swift.max(rows, 512) }
        return Swift.min(steps, Swift.max(1, rows / batch))
    }
}
