/// Refuses cell sizes whose weights would not fit in memory, before anything is allocated: the initializers
/// draw each matrix in `Double` (then keep a copy in the cell's scalar type), so the guard counts the listed
/// shapes at 8 bytes each — a lower bound of what building the cell takes.
/// - Parameters:
///   - shapes: the cell's weight shapes, e.g. `[[G·H, I], [G·H, H]]`.
///   - cell: the cell's name, with the sizes the message should show.
/// - Throws: `RecurrentError.invalidArgument` naming the cell, its sizes and the bytes (see ``SizeGuard``).
func requireCellWeightsFit(_ shapes: [[Int]], cell: String) throws {
    try SizeGuard.check(shapes, of: Double.self, setting: "\(cell) weights \(shapes.map(shapeString).joined(separator: " + "))")
}
