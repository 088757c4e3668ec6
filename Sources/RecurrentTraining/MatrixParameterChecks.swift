import Recurrent

/// Checks that every chosen parameter exists, is a matrix and is finite — before a constraint or a penalty
/// touches any of them, so that a bad list changes nothing.
/// - Parameters:
///   - indices: positions in `parameters`.
///   - parameters: the full parameter list.
///   - user: the type that asks, for the error message.
/// - Throws: `RecurrentError.invalidArgument` for an index out of range or a tensor that is not a matrix;
///   `RecurrentError.nonFinite` for a NaN or infinity.
func requireFiniteMatrices<S: RecurrentScalar>(_ indices: [Int], in parameters: [Tensor<S>], user: String) throws {
    for k in indices {
        guard parameters.indices.contains(k) else {
            throw RecurrentError.invalidArgument(what: "\(user).parameterIndices",
                                                 reason: "index \(k) is outside the \(parameters.count) parameters")
        }
        guard parameters[k].rank == 2 else {
            throw RecurrentError.invalidArgument(what: user, reason: "parameter \(k) has shape \(parameters[k].shape), not a matrix")
        }
        try parameters[k].requireFinite("\(user) parameter \(k)")
    }
}
