/// How wide the fields of a GT06 cell (LBS) block are: MCC 2 (bit 15 set = 2-byte MNC), MNC 1|2, LAC, Cell ID.
/// The message type, or the block's own length byte, tells which layout a frame uses.
struct GT06CellLayout: Sendable, Equatable {
    /// True when the MNC takes 2 bytes whatever MCC bit 15 says.
    var wideMNC: Bool
    var lacSize: Int
    var cellIDSize: Int

    /// LAC 2, Cell ID 3: 0x12, 0x16, 0x17, 0x22, 0x24, 0x26, 0x27, 0x37.
    static let standard = GT06CellLayout(wideMNC: false, lacSize: 2, cellIDSize: 3)
    /// MNC always 2, LAC 2, Cell ID 4: the 0x11 GPS+LBS variant.
    static let longCell = GT06CellLayout(wideMNC: true, lacSize: 2, cellIDSize: 4)
    /// LAC 2, Cell ID 4: 0x61 (iButton) and the TRX16i 0x36.
    static let fourByteCellID = GT06CellLayout(wideMNC: false, lacSize: 2, cellIDSize: 4)
    /// LAC 4, Cell ID 8: the 4G types (0xA0, 0xA2, 0xA4 when its length byte says so, 0x38 cell type ≥ 3).
    static let wide = GT06CellLayout(wideMNC: false, lacSize: 4, cellIDSize: 8)

    /// The whole block's size (without a length byte) for a given MCC word.
    func size(mccField: UInt16) -> Int {
        let mncSize = wideMNC || mccField & 0x8000 != 0 ? 2 : 1
        return 2 + mncSize + lacSize + cellIDSize
    }
}
