/// What the run knows about each submitted transaction, indexed by its nonce (the
/// workload numbers transactions densely), for latency, finality and rounds.
///
/// Entries are retired from the front once decided everywhere or too old to matter,
/// so a long run holds only the transactions still in flight.
struct TransactionLedger {
    struct Entry {
        var submitTime: Int64
        var origin: Int32
        /// Honest nodes that accepted it.
        var acceptedBy: Int32 = 0
        /// Honest nodes that decided it (accepted or rejected).
        var decidedBy: Int32 = 0
        /// The origin's poll counter when the transaction entered its engine; -1 before.
        var pollsAtIssue: Int64 = -1
        var acceptedAtOrigin = false
        var rejectedAtOrigin = false
        var finalityRecorded = false
    }

    private(set) var entries: [Entry] = []
    private var head = 0
    /// Nonce of `entries[0]`.
    private var base: UInt64 = 0

    /// Index of a live entry, or nil when retired.
    func index(_ nonce: UInt64) -> Int? {
        guard nonce >= base else { return nil }
        let i = Int(nonce - base)
        return i < entries.count ? i : nil
    }

    mutating func append(_ entry: Entry, nonce: UInt64) {
        precondition(nonce == base + UInt64(entries.count), "transactions enter the ledger in nonce order")
        entries.append(entry)
    }

    subscript(i: Int) -> Entry {
        get { entries[i] }
        _modify { yield &entries[i] }
    }

    /// Retires leading entries for which `done` holds; compacts storage now and then.
    mutating func retire(while done: (Entry) -> Bool) {
        while head < entries.count && done(entries[head]) { head += 1 }
        if head > 4_096 && head * 2 > entries.count {
            entries.removeFirst(head)
            base += UInt64(head)
            head = 0
        }
    }

    /// Live entries not yet retired.
    var live: ArraySlice<Entry> { entries[head...] }
}
