/// The working arrays of an engine's vote pass (`AvalancheEngine.recordPollDecided`): the
/// chits reaching each processing slot and each transaction record, the votes each record
/// got, and the records and conflict sets the poll touched.
///
/// Between passes the per-slot and per-record arrays are all zero, so one scratch serves
/// any number of engines, one pass at a time; it only grows, to the largest engine's slots
/// and records. A simulation lends the same scratch to every engine a thread runs.
public struct VoteScratch: Sendable {
    /// The chits reaching each slot during a pass; zero between passes.
    var slotMask: [UInt64] = []
    /// The chits reaching each transaction record during a pass; zero between passes.
    var recordMask: [UInt64] = []
    /// The votes of each record during a pass; zero between passes.
    var recordVotes: [Int32] = []
    /// Records that got votes in the pass, in the order first reached.
    var touchedRecords: [Int32] = []
    /// Conflict sets that got votes in the pass: room for every set, written in place (a
    /// set is touched once a pass); the pass's count is kept beside it, and the contents
    /// past it mean nothing.
    var touchedSets: [Int32] = []
    var touchedSetCount = 0
    /// Records reached by one group of chits: room for every record, written in place
    /// (its contents mean nothing between passes).
    var reached: [Int32] = []

    public init() {}

    /// Makes room for an engine of `slots` slots, `records` records and `sets` conflict
    /// sets and empties the pass's lists.
    @inline(__always)
    mutating func prepare(slots: Int, records: Int, sets: Int) {
        if slotMask.count < slots { slotMask.append(contentsOf: repeatElement(0, count: slots - slotMask.count)) }
        if recordMask.count < records {
            recordMask.append(contentsOf: repeatElement(0, count: records - recordMask.count))
            recordVotes.append(contentsOf: repeatElement(0, count: records - recordVotes.count))
            reached.append(contentsOf: repeatElement(0, count: records - reached.count))
        }
        if touchedSets.count < sets { touchedSets.append(contentsOf: repeatElement(0, count: sets - touchedSets.count)) }
        touchedRecords.removeAll(keepingCapacity: true)
        touchedSetCount = 0
    }
}
