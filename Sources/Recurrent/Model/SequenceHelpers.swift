/// Reverses each row of a (T, B, F) sequence within its length (padding stays at the end).
///
/// This is what the reverse direction of a bidirectional layer reads: row b's step t becomes step
/// `lengths[b] − 1 − t`, and steps beyond its length stay where they are.
/// - Parameters:
///   - x: a (T, B, F) sequence.
///   - lengths: B per-row lengths in 0...T; `nil` reverses all T steps.
/// - Returns: the reversed sequence, same shape.
/// - Throws: `RecurrentError.shapeMismatch` unless `x` has rank 3; `RecurrentError.invalidArgument` naming the
///   row when `lengths` does not have B entries or one is outside 0...T.
public func reverseTime<S: RecurrentScalar>(_ x: Tensor<S>, lengths: [Int]?) throws -> Tensor<S> {
    guard x.rank == 3 else {
        throw RecurrentError.shapeMismatch(operation: "reverseTime input", expected: "(T, B, F)", got: shapeString(x.shape))
    }
    let (steps, batch, width) = (x.shape[0], x.shape[1], x.shape[2])
    if let lengths {
        guard lengths.count == batch else {
            throw RecurrentError.invalidArgument(what: "reverseTime lengths", reason: "expected \(batch) lengths (one per row), got \(lengths.count)")
        }
        if let b = lengths.firstIndex(where: { !(0...steps).contains($0) }) {
            throw RecurrentError.invalidArgument(what: "reverseTime lengths[\(b)]", reason: "must be in 0...\(steps) (T), got \(lengths[b])")
        }
    }
    var values = x.scalars
    for b in 0..<batch {
        let n = lengths?[b] ?? steps
        for t in 0..<n {
            let src = ((n - 1 - t) * batch + b) * width, dst = (t * batch + b) * width
            for j in 0..<width { values[dst + j] = x.scalars[src + j] }
        }
    }
    return try Tensor(shape: x.shape, scalars: values)
}

/// `[a, b]` along the last axis of two (T, B, ·) tensors: how a bidirectional layer joins its forward and
/// backward outputs (PyTorch's layout).
/// - Parameters:
///   - a: (T, B, F₁).
///   - b: (T, B, F₂).
/// - Returns: (T, B, F₁ + F₂).
/// - Throws: `RecurrentError` when the first two axes differ.
public func concatenateFeatures<S: RecurrentScalar>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<S> {
    guard a.rank == 3, b.rank == 3, a.shape[0] == b.shape[0], a.shape[1] == b.shape[1] else {
        throw RecurrentError.shapeMismatch(operation: "concatenateFeatures", expected: "(T, B, ·) and (T, B, ·)",
                                           got: "\(a.shape) and \(b.shape)")
    }
    let rows = a.shape[0] * a.shape[1], (wa, wb) = (a.shape[2], b.shape[2])
    var values = [S](); values.reserveCapacity(rows * (wa + wb))
    for r in 0..<rows { values += a.scalars[r * wa..<(r + 1) * wa]; values += b.scalars[r * wb..<(r + 1) * wb] }
    return try Tensor(shape: [a.shape[0], a.shape[1], wa + wb], scalars: values)
}

/// [a, b] along the columns of two (B, ·) matrices.
func concatenateRows<S: RecurrentScalar>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<S> {
    let rows = a.shape[0], (wa, wb) = (a.shape[1], b.shape[1])
    var values = [S](); values.reserveCapacity(rows * (wa + wb))
    for r in 0..<rows { values += a.scalars[r * wa..<(r + 1) * wa]; values += b.scalars[r * wb..<(r + 1) * wb] }
    return try Tensor(shape: [rows, wa + wb], scalars: values)
}

/// The first `count` columns of a (B, S) matrix.
func firstColumns<S: RecurrentScalar>(_ m: Tensor<S>, _ count: Int) throws -> Tensor<S> {
    try sliceColumns(m, from: 0, count: count)
}

func sliceColumns<S: RecurrentScalar>(_ m: Tensor<S>, from start: Int, count: Int) throws -> Tensor<S> {
    let (rows, width) = (m.shape[0], m.shape[1])
    var values = [S](); values.reserveCapacity(rows * count)
    for r in 0..<rows { values += m.scalars[r * width + start..<r * width + start + count] }
    return try Tensor(shape: [rows, count], scalars: values)
}

/// Features `from..<from+count` of a (T, B, F) tensor.
func sliceFeatures<S: RecurrentScalar>(_ x: Tensor<S>, from start: Int, count: Int) throws -> Tensor<S> {
    // All features (one direction): no copy; this runs unspecialized, where a copy costs per-element calls.
    if start == 0 && count == x.shape[2] { return x }
    let merged = try x.reshaped(to: [x.shape[0] * x.shape[1], x.shape[2]])
    return try sliceColumns(merged, from: start, count: count).reshaped(to: [x.shape[0], x.shape[1], count])
}

/// A (B, k) matrix placed in the first k columns of a zero (B, width) matrix.
func embedColumns<S: RecurrentScalar>(_ m: Tensor<S>, width: Int) throws -> Tensor<S> {
    let (rows, k) = (m.shape[0], m.shape[1])
    var values = [S](repeating: 0, count: rows * width)
    for r in 0..<rows { for j in 0..<k { values[r * width + j] = m.scalars[r * k + j] } }
    return try Tensor(shape: [rows, width], scalars: values)
}

/// The mean over each row's real steps of a (T, B, F) sequence: the features of ``OutputMode/meanOverTime``.
///
///     features[b] = (1 / n_b) · Σ_{t < n_b} x[t, b]          n_b = lengths[b] (T without lengths)
/// - Parameters:
///   - x: (T, B, F).
///   - lengths: B per-row lengths in 1...T, or `nil` for T.
/// - Returns: (B, F).
@_specialize(where S == Float)
@_specialize(where S == Double)
func meanOverTime<S: RecurrentScalar>(_ x: Tensor<S>, lengths: [Int]?) throws -> Tensor<S> {
    let (steps, batch, width) = (x.shape[0], x.shape[1], x.shape[2])
    var sums = [S](repeating: 0, count: batch * width)                 // (B, F)
    x.withPointer { xp in
        for b in 0..<batch {
            let n = lengths?[b] ?? steps
            for t in 0..<n {
                let row = xp + (t * batch + b) * width
                for j in 0..<width { sums[b * width + j] += row[j] }
            }
            let scale = 1 / S(n)
            for j in 0..<width { sums[b * width + j] *= scale }
        }
    }
    return try Tensor(shape: [batch, width], scalars: sums)
}

/// The backward of ``meanOverTime(_:lengths:)``: each real step of row b receives dFeatures[b] / n_b, padded
/// steps receive zero.
/// - Parameters:
///   - dFeatures: ∂L/∂features, (B, F).
///   - steps: T.
///   - lengths: as given to the forward.
/// - Returns: ∂L/∂x, (T, B, F).
@_specialize(where S == Float)
@_specialize(where S == Double)
func meanOverTimeBackward<S: RecurrentScalar>(_ dFeatures: Tensor<S>, steps: Int, lengths: [Int]?) throws -> Tensor<S> {
    let (batch, width) = (dFeatures.shape[0], dFeatures.shape[1])
    var dx = [S](repeating: 0, count: steps * batch * width)           // (T, B, F)
    dFeatures.withPointer { dp in
        for b in 0..<batch {
            let n = lengths?[b] ?? steps, scale = 1 / S(n)
            for t in 0..<n {
                for j in 0..<width { dx[(t * batch + b) * width + j] = dp[b * width + j] * scale }
            }
        }
    }
    return try Tensor(shape: [steps, batch, width], scalars: dx)
}
