/// Errors thrown by the library. Every case says what was expected, what was given and where.
public enum RecurrentError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that must agree do not.
    case shapeMismatch(operation: String, expected: String, got: String)
    /// A size argument is zero, negative or otherwise unusable.
    case invalidSize(what: String, value: Int, requirement: String)
    /// A sequence with no time steps.
    case emptySequence(operation: String)
    /// A NaN or infinity where finite numbers are required.
    case nonFinite(what: String, index: Int)
    /// An argument that is not one of the accepted values.
    case invalidArgument(what: String, reason: String)

    /// The message: what failed, what was expected and what was found.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, got):
            return "\(operation): expected shape \(expected), got \(got)"
        case let .invalidSize(what, value, requirement):
            return "\(what) must be \(requirement), got \(value)"
        case let .emptySequence(operation):
            return "\(operation): the sequence has no time steps (T = 0); at least one is required"
        case let .nonFinite(what, index):
            return "\(what) contains a non-finite value (NaN or infinity) at flat index \(index)"
        case let .invalidArgument(what, reason):
            return "\(what): \(reason)"
        }
    }
}

@inlinable
func requirePositive(_ value: Int, _ what: String) throws {
    if value <= 0 { throw RecurrentError.invalidSize(what: what, value: value, requirement: "positive") }
}

/// Renders a shape as `(2, 3, 4)`.
@inlinable
func shapeString(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
