import CRecurrentKernels

/// Runs `body(part)` for every part in `0..<parts` on up to ``KernelSettings/threadCount`` threads (the caller
/// and the kernels' worker pool) and returns when all are done. Parts must write disjoint memory; matrix
/// products inside a part run on that part's thread, so the results are those of a serial loop over the parts.
@usableFromInline
func runInParallel(parts: Int, _ body: (Int) -> Void) {
    guard parts > 1 else {
        if parts == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        var task = escapable
        withUnsafeMutablePointer(to: &task) { pointer in
            rnn_parallel_for(Int32(clamping: parts), { context, part in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
            }, pointer)
        }
    }
}

/// The rows of block `index` when `batch` rows are cut into `blocks` nearly equal contiguous blocks.
@inlinable
func rowBlock(_ index: Int, of blocks: Int, batch: Int) -> Range<Int> {
    (batch * index / blocks)..<(batch * (index + 1) / blocks)
}

/// Per-row-block workspaces of a pass: block k's scratch starts at `base + k * stride`.
@usableFromInline
struct BlockWorkspaces<Scalar: RecurrentScalar> {
    @usableFromInline let buffer: ScalarBuffer<Scalar>
    @usableFromInline let stride: Int
    @usableFromInline init(buffer: ScalarBuffer<Scalar>, stride: Int) { (self.buffer, self.stride) = (buffer, stride) }
    @inlinable var base: UnsafeMutablePointer<Scalar> { buffer.base }
}

/// Runs an elementwise per-row kernel over `batch` rows, cut into row blocks on the kernels' threads when the
/// step is large enough to pay for a hand-off (`batch · width` ≥ ``LayoutTuning/parallelGateElements``).
/// Inside a row-split time loop (already one thread per block of rows) the blocks simply run in turn.
/// Rows are independent in these kernels, so the result is that of one call over all rows.
/// - Parameters:
///   - batch: rows.
///   - width: elements per row the kernel touches (for the size test only).
///   - body: the kernel over a block of rows.
@inlinable
func forEachRowBlock(batch: Int, width: Int, _ body: (Range<Int>) -> Void) {
    let threads = KernelSettings.threadCount
    guard threads > 1, batch >= 2, batch * width >= LayoutTuning.parallelGateElements else {
        body(0..<batch)
        return
    }
    let blocks = Swift.min(threads, batch)
    runInParallel(parts: blocks) { body(rowBlock($0, of: blocks, batch: batch)) }
}
