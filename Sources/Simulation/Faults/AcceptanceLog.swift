import ConsensusCore

/// Every transaction in the order some honest node first accepted it, with how many
/// nodes have accepted it since: what a restarted node must catch up with and what a
/// healed partition must agree on.
///
/// Entries are addressed by a position that never changes (`base` + offset); the front is
/// trimmed once no measurement can need it, so memory is bounded by the recent past.
struct AcceptanceLog {
    struct Entry {
        var nonce: UInt64
        var input: InputID
        var transaction: Hash256
        /// When the first honest node accepted it, in nanoseconds.
        var firstAccepted: Int64
        /// Acceptances by nodes since (a node that lost its storage and accepts again counts twice).
        var acceptedBy: Int32
    }

    private var entries: [Entry] = []
    private var head = 0
    /// Position of `entries[0]`.
    private var base = 0
    /// Position of each live entry by transaction nonce.
    private var positionOf: [UInt64: Int] = [:]

    /// One past the last position.
    var end: Int { base + entries.count }
    /// The first live position.
    var start: Int { base + head }

    subscript(position: Int) -> Entry {
        get { entries[position - base] }
        _modify { yield &entries[position - base] }
    }

    func position(of nonce: UInt64) -> Int? { positionOf[nonce] }

    /// Appends a transaction accepted for the first time; returns its position.
    @discardableResult
    mutating func append(_ tx: Transaction, at time: Int64) -> Int {
        let position = end
        entries.append(Entry(nonce: tx.nonce, input: tx.inputs.first ?? 0, transaction: tx.id,
                             firstAccepted: time, acceptedBy: 1))
        positionOf[tx.nonce] = position
        return position
    }

    /// The first live position whose first acceptance is at or after `time` (entries are in time order).
    func firstPosition(atOrAfter time: Int64) -> Int {
        var low = start, high = end
        while low < high {
            let mid = (low + high) / 2
            if self[mid].firstAccepted < time { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Forgets the entries before `position`; compacts storage now and then.
    mutating func trim(before position: Int) {
        while start < min(position, end) {
            positionOf[entries[head].nonce] = nil
            head += 1
        }
        if head > 4_096 && head * 2 > entries.count {
            entries.removeFirst(head)
            base += head
            head = 0
        }
    }
}
