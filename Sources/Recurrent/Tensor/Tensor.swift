/// A dense, row-major array of scalars with a shape.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated
/// (copy-on-write, inherited from `Array`). Shapes are checked on every operation
/// that combines tensors, and a mismatch throws ``RecurrentError/shapeMismatch(operation:expected:got:)``
/// naming the operation and both shapes.
///
/// ```swift
/// let a = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let b = try a.matmul(a.transposed())   // (2, 2)
/// print(b[0, 1])                          // 32.0
/// ```
public struct Tensor<Scalar: RecurrentScalar>: Equatable, Sendable, CustomStringConvertible {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Scalar]

    /// Creates a tensor filled with one value.
    /// - Throws: ``RecurrentError/invalidSize(what:value:requirement:)`` for a negative extent;
    ///   ``RecurrentError/invalidArgument(what:reason:)`` naming the shape and the bytes when they exceed the
    ///   ``SizeGuard`` limit (checked before anything is allocated).
    public init(shape: [Int], repeating value: Scalar = 0) throws {
        let count = try Tensor.elementCount(of: shape)
        try Tensor.checkAllocation(count: count, shape: shape)
        self.shape = shape
        self.scalars = value == 0 && value.sign == .plus ? Tensor.zeroedScalars(count: count) : Array(repeating: value, count: count)
    }

    /// `count` scalars equal to +0, written as raw zero bytes (+0 in IEEE formats): a typed fill costs a
    /// value-witness call per element whenever it runs unspecialized, from generic code in other modules.
    ///
    /// No elements gives a plain `[]`: `Array(unsafeUninitializedCapacity: 0)` would hand its closure the
    /// standard library's shared empty storage and store the count into it, a write that races with every
    /// other thread doing the same (ThreadSanitizer reports it).
    static func zeroedScalars(count: Int) -> [Scalar] {
        guard count > 0 else { return [] }
        return [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            initialized = count
        }
    }

    /// Creates a tensor from row-major scalars.
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` when the count does not match the shape.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let count = try Tensor.elementCount(of: shape)
        guard count == scalars.count else {
            throw RecurrentError.shapeMismatch(
                operation: "Tensor(shape:scalars:)", expected: "\(count) scalars for \(shapeString(shape))",
                got: "\(scalars.count) scalars")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, repeating: 0)
    }

    /// Creates a tensor from a shape and scalars already known to agree.
    @usableFromInline
    init(unchecked shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// ``SizeGuard`` for a tensor of `count` elements about to be allocated.
    static func checkAllocation(count: Int, shape: [Int]) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard !overflow else {
            throw RecurrentError.invalidArgument(what: "shape \(shapeString(shape))", reason: "byte count overflows Int")
        }
        try SizeGuard.check(bytes: bytes, setting: "Tensor<\(Scalar.self)> of shape \(shapeString(shape))")
    }

    @usableFromInline
    static func elementCount(of shape: [Int]) throws -> Int {
        var count = 1
        for (axis, extent) in shape.enumerated() {
            guard extent >= 0 else {
                throw RecurrentError.invalidSize(what: "extent of axis \(axis) in shape \(shapeString(shape))",
                                                 value: extent, requirement: "zero or positive")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw RecurrentError.invalidArgument(what: "shape \(shapeString(shape))", reason: "element count overflows Int")
            }
            count = product
        }
        return count
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { scalars.count }

    /// The element at a multi-dimensional index. Indices are checked with preconditions, like `Array`.
    public subscript(indices: Int...) -> Scalar {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    @usableFromInline
    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "index \(indices) has \(indices.count) axes; tensor has shape \(shapeString(shape))")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "index \(indices) out of range for shape \(shapeString(shape))")
            flat = flat * shape[axis] + index
        }
        return flat
    }

    /// The shape, and the scalars for tensors of at most 16 elements.
    public var description: String {
        "Tensor\(shapeString(shape))" + (count <= 16 ? " \(scalars)" : "")
    }

    /// The same scalars under another shape with the same element count.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// Throws ``RecurrentError/shapeMismatch(operation:expected:got:)`` unless the shape is `expected`.
    public func requireShape(_ expected: [Int], _ operation: String) throws {
        guard shape == expected else {
            throw RecurrentError.shapeMismatch(operation: operation, expected: shapeString(expected), got: shapeString(shape))
        }
    }

    /// The flat (row-major) index of the first NaN or infinity, or `nil` when every element is finite.
    ///
    /// ```swift
    /// let t = try Tensor<Float>(shape: [2, 2], scalars: [1, .nan, 3, .infinity])
    /// print(t.firstNonFiniteIndex ?? -1)   // 1
    /// ```
    @inlinable
    public var firstNonFiniteIndex: Int? {
        scalars.withUnsafeBufferPointer { buffer in
            if Scalar.self == Float.self {
                return firstNonFinite(UnsafeRawBufferPointer(buffer), as: UInt32.self, exponent: 0x7f80_0000)
            } else if Scalar.self == Double.self {
                return firstNonFinite(UnsafeRawBufferPointer(buffer), as: UInt64.self, exponent: 0x7ff0_0000_0000_0000)
            }
            return buffer.firstIndex(where: { !$0.isFinite })
        }
    }

    /// Throws ``RecurrentError/nonFinite(what:index:)`` at the first NaN or infinity.
    ///
    /// Loaders call it with the file and the tensor's name, e.g. `"model.safetensors: tensor 'weight_hh_l0'"`,
    /// so the message says which weight of which file is broken and where.
    /// - Parameter what: the tensor's name (and where it comes from), used in the message.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func requireFinite(_ what: String) throws {
        if let index = firstNonFiniteIndex {
            throw RecurrentError.nonFinite(what: what, index: index)
        }
    }

    /// Read access to the contiguous storage.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Write access to the contiguous storage (the shape cannot change).
    @_specialize(where Scalar == Float, R == Void)
    @_specialize(where Scalar == Double, R == Void)
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// The same values in another scalar type.
    public func converted<Other: RecurrentScalar>(to _: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(unchecked: shape, scalars: scalars.map { Other($0) })
    }
}

// MARK: - Arithmetic

extension Tensor {
    @usableFromInline
    func requireSameShape(_ other: Tensor, _ operation: String) throws {
        guard shape == other.shape else {
            throw RecurrentError.shapeMismatch(operation: operation, expected: shapeString(shape), got: shapeString(other.shape))
        }
    }

    /// Elementwise sum. - Throws: on different shapes.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func adding(_ other: Tensor) throws -> Tensor {
        try requireSameShape(other, "Tensor.adding")
        return Tensor(unchecked: shape, scalars: zip(scalars, other.scalars).map { $0 + $1 })
    }

    /// Elementwise difference. - Throws: on different shapes.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func subtracting(_ other: Tensor) throws -> Tensor {
        try requireSameShape(other, "Tensor.subtracting")
        return Tensor(unchecked: shape, scalars: zip(scalars, other.scalars).map { $0 - $1 })
    }

    /// Elementwise (Hadamard) product. - Throws: on different shapes.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func multiplying(_ other: Tensor) throws -> Tensor {
        try requireSameShape(other, "Tensor.multiplying")
        let count = scalars.count
        let product = scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                [Scalar](unsafeUninitializedCapacity: count) { c, initialized in
                    for i in 0..<count { c[i] = a[i] * b[i] }
                    initialized = count
                }
            }
        }
        return Tensor(unchecked: shape, scalars: product)
    }

    /// `self += scale * other`, in place. - Throws: on different shapes.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add(_ other: Tensor, scaledBy scale: Scalar = 1) throws {
        try requireSameShape(other, "Tensor.add")
        withUnsafeMutableBufferPointer { dst in
            other.scalars.withUnsafeBufferPointer { src in
                for i in 0..<dst.count { dst[i] += scale * src[i] }
            }
        }
    }

    /// Every element multiplied by `factor`.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func scaled(by factor: Scalar) -> Tensor {
        Tensor(unchecked: shape, scalars: scalars.map { $0 * factor })
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Tensor {
        Tensor(unchecked: shape, scalars: try scalars.map(transform))
    }

    /// Sets every element to zero, keeping the shape and storage.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func zero() {
        withUnsafeMutableBufferPointer { buffer in buffer.update(repeating: 0) }
    }

    /// Sum of all elements.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum() -> Scalar { scalars.reduce(0, +) }

    /// Euclidean norm of all elements.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func norm() -> Scalar { scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Largest absolute value, 0 for an empty tensor.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func maxAbs() -> Scalar { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// The transpose of a matrix. - Throws: unless rank 2.
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw RecurrentError.shapeMismatch(operation: "Tensor.transposed", expected: "a matrix (rank 2)", got: shapeString(shape))
        }
        let (rows, cols) = (shape[0], shape[1])
        var result = [Scalar](repeating: 0, count: count)
        for i in 0..<rows { for j in 0..<cols { result[j * rows + i] = scalars[i * cols + j] } }
        return Tensor(unchecked: [cols, rows], scalars: result)
    }

    /// Matrix product `self · other` of an (m, k) and a (k, n) matrix.
    /// - Complexity: O(m·n·k), through the dispatched GEMM kernel.
    /// - Throws: unless both are matrices with matching inner extents.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw RecurrentError.shapeMismatch(
                operation: "Tensor.matmul", expected: "(m, k) · (k, n)",
                got: "\(shapeString(shape)) · \(shapeString(other.shape))")
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        try Tensor.checkAllocation(count: Tensor.elementCount(of: [m, n]), shape: [m, n])
        var result = [Scalar](repeating: 0, count: m * n)
        if k > 0 && m > 0 && n > 0 {
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    result.withUnsafeMutableBufferPointer { c in
                        Scalar.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                    alpha: 1, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                                    beta: 0, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return Tensor(unchecked: [m, n], scalars: result)
    }
}

/// The index of the first element of `buffer` (IEEE values as bit patterns `Bits`) whose exponent field is all ones
/// (an infinity or a NaN), or `nil`. Blocks of 512 are scanned without an early exit or a comparison, so that the
/// loop vectorizes: adding the exponent's lowest bit to the exponent field carries into the sign bit exactly when
/// the field is all ones, and the sums are ORed. Only a block that has one is searched element by element.
@inlinable
func firstNonFinite<Bits: FixedWidthInteger & UnsignedInteger>(_ buffer: UnsafeRawBufferPointer, as _: Bits.Type,
                                                               exponent: Bits) -> Int? {
    let count = buffer.count / MemoryLayout<Bits>.stride
    guard count > 0, let base = buffer.baseAddress?.assumingMemoryBound(to: Bits.self) else { return nil }
    let lowest = exponent & (~exponent &+ 1), top = Bits(1) << (Bits.bitWidth - 1)
    var start = 0
    while start < count {
        let end = Swift.min(start + 512, count)
        var any: Bits = 0
        for i in start..<end { any |= (base[i] & exponent) &+ lowest }
        if any & top != 0 {
            for i in start..<end where base[i] & exponent == exponent { return i }
        }
        start = end
    }
    return nil
}
