extension Initializers {
    static func requirePositive(_ value: Int, _ argument: String, _ function: String) throws {
        if value <= 0 { throw InitializerError.invalidSize(what: "\(function): \(argument)", value: value) }
    }

    static func requireFinite(_ value: Double, _ argument: String, _ function: String) throws {
        guard value.isFinite else {
            throw InitializerError.invalidArgument("\(function): \(argument) must be finite, got \(value)")
        }
    }

    static func requireNonNegative(_ value: Double, _ argument: String, _ function: String) throws {
        guard value.isFinite && value >= 0 else {
            throw InitializerError.invalidArgument("\(function): \(argument) must be finite and ≥ 0, got \(value)")
        }
    }

    static func requireElementCount(_ rows: Int, _ columns: Int, _ function: String) throws {
        if rows.multipliedReportingOverflow(by: columns).overflow {
            throw InitializerError.invalidArgument("\(function): rows × columns = \(rows) × \(columns) overflows Int")
        }
    }

    /// `matrix` unchanged if every entry is finite; otherwise an error naming the setting whose value overflowed
    /// Double (for example a standard deviation of 1e308 times a Gaussian draw of 2).
    static func requireFiniteEntries(_ matrix: Matrix, _ argument: String, _ value: Double, _ function: String) throws -> Matrix {
        if let index = matrix.values.firstIndex(where: { !$0.isFinite }) {
            throw InitializerError.invalidArgument(
                "\(function): \(argument) = \(value) is too large: entry (\(index / matrix.columns), \(index % matrix.columns)) "
                    + "would be \(matrix.values[index])")
        }
        return matrix
    }
}

extension Matrix {
    /// The values converted to `S`, refusing any that is not finite in `S`: a value finite in `Double` can
    /// overflow a narrower type (1e300 becomes +∞ as a `Float`).
    ///
    /// - Parameters:
    ///   - type: the destination scalar type.
    ///   - setting: what produced the values (e.g. `"--gain 1e300"`), named in the error.
    /// - Returns: the row-major values as `S`.
    /// - Throws: ``InitializerError/invalidArgument(_:)`` naming `setting`, the first bad entry and its value.
    ///
    /// ```swift
    /// let m = Matrix(rows: 1, columns: 2, values: [1, 1e300])
    /// _ = try? m.finiteScalars(as: Float.self, setting: "--gain 1e300")   // throws: entry (0, 1) is 1e+300, ±inf as Float
    /// ```
    public func finiteScalars<S: BinaryFloatingPoint>(as type: S.Type, setting: String) throws -> [S] {
        let converted = scalars(as: type)
        if let index = converted.firstIndex(where: { !$0.isFinite }) {
            throw InitializerError.invalidArgument(
                "\(setting): entry (\(index / Swift.max(columns, 1)), \(index % Swift.max(columns, 1))) is \(values[index]), "
                    + "which is not finite as \(S.self)")
        }
        return converted
    }
}
