/// A set of event sequence numbers stored as a bitset in pages of 4,096 sequences.
///
/// The event queue keeps the cancelled-but-not-yet-discarded events here. Only pages that
/// hold at least one member are allocated (512 bytes each, recycled through a free list), and
/// the page table spans only the pages between the lowest and the highest member, so memory is
/// bounded by the members and their sequence spread, never by the run's length. Lookups are
/// two array reads and a bit test.
struct SequenceBitset {
    static let pageShift = 12
    static let wordsPerPage = (1 << pageShift) / 64

    /// Pooled page storage: page slot `p` owns `words[p * wordsPerPage ..< (p + 1) * wordsPerPage]`.
    private var words: [UInt64] = []
    /// Members on each page slot; a slot returns to `freeSlots` when its count reaches zero.
    private var slotPopulation: [Int32] = []
    private var freeSlots: [Int32] = []
    /// `table[i]` is the slot of page `basePage + i`, or -1 for a page without members.
    private var table: [Int32] = []
    private var basePage: UInt64 = 0

    /// Number of members.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Pages allocated, for tests of the memory bound.
    var allocatedPageCount: Int { slotPopulation.count - freeSlots.count }

    /// Length of the page table, for tests of the memory bound.
    var tableLength: Int { table.count }

    @inline(__always)
    private func slot(ofPage page: UInt64) -> Int {
        let index = page &- basePage
        // Pages below basePage wrap to huge indices and fail this test too.
        if index >= UInt64(table.count) { return -1 }
        return Int(table[Int(index)])
    }

    /// Whether `sequence` is a member.
    @inline(__always)
    func contains(_ sequence: UInt64) -> Bool {
        let page = sequence >> UInt64(SequenceBitset.pageShift)
        let slot = slot(ofPage: page)
        if slot < 0 { return false }
        let bit = Int(sequence & 4095)
        return words[slot &* SequenceBitset.wordsPerPage &+ (bit >> 6)] & (1 << UInt64(bit & 63)) != 0
    }

    /// Adds `sequence`; returns `false` if it was already a member.
    @discardableResult
    mutating func insert(_ sequence: UInt64) -> Bool {
        let page = sequence >> UInt64(SequenceBitset.pageShift)
        var slot = slot(ofPage: page)
        if slot < 0 {
            slot = allocateSlot()
            setTableEntry(page: page, slot: Int32(slot))
        }
        let bit = Int(sequence & 4095)
        let wordIndex = slot * SequenceBitset.wordsPerPage + (bit >> 6)
        let mask: UInt64 = 1 << UInt64(bit & 63)
        if words[wordIndex] & mask != 0 { return false }
        words[wordIndex] |= mask
        slotPopulation[slot] += 1
        count += 1
        return true
    }

    /// Removes `sequence`; returns `false` if it was not a member.
    @discardableResult
    mutating func remove(_ sequence: UInt64) -> Bool {
        let page = sequence >> UInt64(SequenceBitset.pageShift)
        let slot = slot(ofPage: page)
        if slot < 0 { return false }
        let bit = Int(sequence & 4095)
        let wordIndex = slot * SequenceBitset.wordsPerPage + (bit >> 6)
        let mask: UInt64 = 1 << UInt64(bit & 63)
        if words[wordIndex] & mask == 0 { return false }
        words[wordIndex] &= ~mask
        slotPopulation[slot] -= 1
        count -= 1
        if slotPopulation[slot] == 0 {
            // Every bit of the page is clear again, so the slot is ready for reuse as it is.
            freeSlots.append(Int32(slot))
            table[Int(page - basePage)] = -1
            trimTable()
        }
        return true
    }

    private mutating func allocateSlot() -> Int {
        if let reused = freeSlots.popLast() {
            return Int(reused)
        }
        let slot = slotPopulation.count
        slotPopulation.append(0)
        words.append(contentsOf: repeatElement(0, count: SequenceBitset.wordsPerPage))
        return slot
    }

    private mutating func setTableEntry(page: UInt64, slot: Int32) {
        if table.isEmpty {
            basePage = page
            table.append(slot)
            return
        }
        if page < basePage {
            let gap = Int(basePage - page)
            table.insert(contentsOf: repeatElement(-1, count: gap), at: 0)
            basePage = page
            table[0] = slot
            return
        }
        let index = Int(page - basePage)
        if index >= table.count {
            table.append(contentsOf: repeatElement(-1, count: index - table.count + 1))
        }
        table[index] = slot
    }

    /// Drops empty pages from both ends of the table so it spans only live pages.
    private mutating func trimTable() {
        while let last = table.last, last < 0 {
            table.removeLast()
        }
        var leading = 0
        while leading < table.count && table[leading] < 0 {
            leading += 1
        }
        if leading > 0 {
            table.removeFirst(leading)
            basePage += UInt64(leading)
        }
        if table.isEmpty {
            basePage = 0
        }
    }
}
