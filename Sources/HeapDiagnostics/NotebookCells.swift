/// Where each code cell of a Jupyter notebook starts in the module heaplint analyses (the code cells
/// concatenated), so findings can be shown as `nb.ipynb:cell 3:4:1`.
public struct NotebookCellMap: Sendable, Hashable {
    /// One code cell: `number` is its 1-based index among all cells of the notebook (markdown and raw
    /// cells count, so it matches the cell's position in the file), `firstLine` its 0-based first
    /// line in the module.
    public struct Cell: Sendable, Hashable {
        public let number: Int
        public let firstLine: Int
        public init(number: Int, firstLine: Int) {
            self.number = number
            self.firstLine = firstLine
        }
    }

    /// Code cells in module order (ascending `firstLine`).
    public let cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    /// The cell holding 0-based module line `line`, and that line's 0-based line within the cell.
    /// A notebook without code cells has an empty module: line 0 of "cell 1".
    public func locate(line: Int) -> (cell: Int, line: Int) {
        var low = 0
        var high = cells.count - 1
        var found: Cell? = nil
        while low <= high {
            let middle = (low + high) / 2
            if cells[middle].firstLine <= line {
                found = cells[middle]
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        guard let found else { return (cells.first?.number ?? 1, line) }
        return (found.number, line - found.firstLine)
    }
}
