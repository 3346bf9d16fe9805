/// The bucket storage of ``EventQueue``: unsorted buckets of events in slots, and the sorted
/// run of the bucket being drained.
///
/// The queue decides which bucket goes in which slot (a ring of near buckets and a ring of
/// far, period-wide buckets share one `CalendarRing`). A bucket is a chain of fixed-size chunks
/// carved from one pool, so an append writes the entry and the slot's 12-byte descriptor,
/// nothing else; chunks return to a free list when their bucket is emptied, so the pool stays
/// as large as the most events ever held at once. Within a bucket, entries keep the order
/// they were appended in, which is nearly sequence order; sorting compares the full
/// (time, sequence) key, so that order need not be exact.
///
/// Storage is manual (one allocation per buffer, no per-access uniqueness or bounds checks
/// on the hot path), which is why the type is noncopyable. Entries are moved, never copied, so
/// any `Event` type is handled correctly; the initialised slots are exactly the first `count`
/// of each chain and `run[runHead..<runCount]`.
struct CalendarRing<Event>: ~Copyable {
    typealias Entry = ScheduledEvent<Event>

    let slotCount: Int
    let chunkShift: Int
    let chunkMask: Int

    /// One descriptor per slot.
    private let chains: UnsafeMutablePointer<ChunkChain>
    /// One bit per slot, set while the slot's chain is non-empty.
    private let occupied: UnsafeMutablePointer<UInt64>

    /// Chunk `c` is `pool[c << chunkShift ..< (c + 1) << chunkShift]`.
    private var pool: UnsafeMutablePointer<Entry>
    /// The chunk after each chunk in its chain or in the free list (-1 ends a list).
    private var nextChunk: UnsafeMutablePointer<Int32>
    private var poolChunkCapacity: Int
    private var poolChunksIssued = 0
    private var freeChunks: Int32 = -1

    /// The sorted bucket being drained: `run[runHead..<runCount]` are pending.
    private var run: UnsafeMutablePointer<Entry>
    private var runCapacity: Int
    private(set) var runHead = 0
    private(set) var runCount = 0

    /// Sorting scratch: the digit of each entry of the bucket being sorted, and the counts.
    private var sortDigits: UnsafeMutablePointer<UInt16>
    private var sortDigitsCapacity: Int
    private let digitCounts: UnsafeMutablePointer<Int32>

    /// Digits are at most this wide: the count table (2^12 × 4 bytes) is cleared per bucket.
    private static var maximumDigitBits: Int { 12 }
    /// Buckets up to this size skip the distribution pass and go straight to insertion sort.
    private static var insertionSortLimit: Int { 16 }

    init(slotCount: Int, chunkSize: Int) {
        precondition(slotCount >= 1, "a ring needs slots")
        precondition(chunkSize >= 1 && chunkSize & (chunkSize - 1) == 0, "chunk size must be a power of two")
        self.slotCount = slotCount
        chunkShift = chunkSize.trailingZeroBitCount
        chunkMask = chunkSize - 1
        chains = .allocate(capacity: slotCount)
        chains.initialize(repeating: ChunkChain(), count: slotCount)
        let occupiedWords = (slotCount + 63) / 64
        occupied = .allocate(capacity: occupiedWords)
        occupied.initialize(repeating: 0, count: occupiedWords)
        poolChunkCapacity = 64
        pool = .allocate(capacity: poolChunkCapacity &<< chunkShift)
        nextChunk = .allocate(capacity: poolChunkCapacity)
        runCapacity = 64
        run = .allocate(capacity: runCapacity)
        sortDigitsCapacity = 64
        sortDigits = .allocate(capacity: sortDigitsCapacity)
        digitCounts = .allocate(capacity: 1 << CalendarRing.maximumDigitBits)
    }

    deinit {
        for slot in 0..<slotCount {
            forEachChunk(of: chains[slot]) { base, count in
                (pool + base).deinitialize(count: count)
            }
        }
        (run + runHead).deinitialize(count: runCount - runHead)
        chains.deallocate()
        occupied.deallocate()
        pool.deallocate()
        nextChunk.deallocate()
        run.deallocate()
        sortDigits.deallocate()
        digitCounts.deallocate()
    }

    // MARK: Appending

    /// Appends `entry` to the chain in `slot`.
    @inline(__always)
    mutating func append(_ entry: consuming Entry, slot: Int) {
        let chain = chains + slot
        let count = Int(chain.pointee.count)
        let fill = count & chunkMask
        if fill == 0 {
            startChunk(slot: slot, isFirst: count == 0)
        }
        (pool + (Int(chain.pointee.tail) &<< chunkShift | fill)).initialize(to: consume entry)
        chain.pointee.count = Int32(truncatingIfNeeded: count &+ 1)
    }

    /// Links a fresh chunk at the end of `slot`'s chain.
    @inline(never)
    private mutating func startChunk(slot: Int, isFirst: Bool) {
        let chunk = allocateChunk()
        if isFirst {
            chains[slot].head = chunk
            occupied[slot >> 6] |= 1 &<< UInt64(slot & 63)
        } else {
            nextChunk[Int(chains[slot].tail)] = chunk
        }
        chains[slot].tail = chunk
    }

    private mutating func allocateChunk() -> Int32 {
        if freeChunks >= 0 {
            let chunk = freeChunks
            freeChunks = nextChunk[Int(chunk)]
            nextChunk[Int(chunk)] = -1
            return chunk
        }
        if poolChunksIssued == poolChunkCapacity {
            growPool()
        }
        let chunk = Int32(truncatingIfNeeded: poolChunksIssued)
        poolChunksIssued += 1
        nextChunk[Int(chunk)] = -1
        return chunk
    }

    /// Doubles the pool, moving every chained entry to the same position in the new buffer.
    private mutating func growPool() {
        let newCapacity = poolChunkCapacity * 2
        // Chain counts are Int32 and entry positions must fit the same range.
        precondition(newCapacity &<< chunkShift <= Int(Int32.max), "event queue holds too many events")
        let newPool = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity &<< chunkShift)
        for slot in 0..<slotCount {
            forEachChunk(of: chains[slot]) { base, count in
                (newPool + base).moveInitialize(from: pool + base, count: count)
            }
        }
        pool.deallocate()
        pool = newPool
        let newNext = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newNext.moveInitialize(from: nextChunk, count: poolChunksIssued)
        nextChunk.deallocate()
        nextChunk = newNext
        poolChunkCapacity = newCapacity
    }

    /// Calls `body(firstEntryIndex, entryCount)` for each chunk of `chain`, in chain order.
    @inline(__always)
    private func forEachChunk(of chain: ChunkChain, _ body: (Int, Int) -> Void) {
        var chunk = Int(chain.head)
        var remaining = Int(chain.count)
        let chunkSize = chunkMask + 1
        while remaining > 0 {
            let take = Swift.min(remaining, chunkSize)
            body(chunk &<< chunkShift, take)
            remaining &-= take
            chunk = Int(nextChunk[chunk])
        }
    }

    // MARK: Finding occupied slots

    /// Whether `slot`'s chain holds events.
    @inline(__always)
    func isOccupied(_ slot: Int) -> Bool {
        occupied[slot &>> 6] & (1 &<< UInt64(slot & 63)) != 0
    }

    /// The smallest `i` in `0..<limit` such that slot `base + (start + i) mod size` is occupied,
    /// scanning the sub-ring `base ..< base + size` (`size` a power of two) a word at a time.
    func firstOccupied(ringBase base: Int, ringSize size: Int, start: Int, limit: Int) -> Int? {
        var position = start & (size - 1)
        var scanned = 0
        while scanned < limit {
            let slot = base + position
            let bitInWord = slot & 63
            let step = Swift.min(64 - bitInWord, size - position, limit - scanned)
            var word = occupied[slot &>> 6] &>> UInt64(bitInWord)
            if step < 64 { word &= (1 &<< UInt64(step)) &- 1 }
            if word != 0 {
                return scanned + word.trailingZeroBitCount
            }
            scanned += step
            position = (position + step) & (size - 1)
        }
        return nil
    }

    // MARK: The run

    /// Whether the run has pending entries.
    @inline(__always)
    var hasRun: Bool { runHead < runCount }

    /// The first pending entry of the run; `hasRun` must be true.
    @inline(__always)
    var runFirst: Entry { run[runHead] }

    /// Whether the run's first entry comes before `other`; `hasRun` must be true.
    @inline(__always)
    func runFirstPrecedes(_ other: borrowing Entry) -> Bool {
        run[runHead].precedes(other)
    }

    /// Calls `body` with the event `distance` places after the run's first, if the run
    /// holds one there, and returns what it returns.
    @inline(__always)
    func withRunEntry<R>(ahead distance: Int, _ body: (borrowing Event) -> R?) -> R? {
        let index = runHead &+ distance
        guard index < runCount else { return nil }
        return body(run[index].event)
    }

    /// Removes and returns the run's first entry; `hasRun` must be true.
    @inline(__always)
    mutating func removeRunFirst() -> Entry {
        let entry = (run + runHead).move()
        runHead &+= 1
        return entry
    }

    /// Sorts the chain in `slot` into the run by (time, sequence) and empties the slot; the
    /// run must be exhausted. Every entry's time must lie in `bucketStart ..< bucketStart +
    /// 2^widthShift`.
    mutating func loadSortedRun(slot: Int, bucketStart: Int64, widthShift: Int) {
        let chain = detachChain(slot: slot)
        let size = Int(chain.count)
        if size == 0 { return }
        if size <= CalendarRing.insertionSortLimit {
            moveInChainOrder(chain)
        } else {
            distribute(chain, bucketStart: bucketStart, widthShift: widthShift)
        }
        runCount = size
        insertionSortRun()
        releaseChunks(of: chain)
    }

    /// Moves the chain in `slot` into the run unsorted, in chain order, and empties the slot;
    /// the run must be exhausted. Used to redistribute a far bucket.
    mutating func loadUnsortedRun(slot: Int) {
        let chain = detachChain(slot: slot)
        if chain.count == 0 { return }
        moveInChainOrder(chain)
        runCount = Int(chain.count)
        releaseChunks(of: chain)
    }

    /// Empties `slot` and returns its chain, with the run reset and large enough to take it.
    private mutating func detachChain(slot: Int) -> ChunkChain {
        precondition(runHead == runCount, "run reloaded before it was drained")
        occupied[slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
        runHead = 0
        runCount = 0
        let chain = chains[slot]
        chains[slot] = ChunkChain()
        let size = Int(chain.count)
        if runCapacity < size {
            run.deallocate()
            runCapacity = Swift.max(size, 2 * runCapacity)
            run = .allocate(capacity: runCapacity)
        }
        return chain
    }

    private mutating func moveInChainOrder(_ chain: ChunkChain) {
        var written = 0
        forEachChunk(of: chain) { base, count in
            (run + written).moveInitialize(from: pool + base, count: count)
            written &+= count
        }
    }

    /// Returns a detached chain's chunks, whose entries have been moved out, to the free list.
    private mutating func releaseChunks(of chain: ChunkChain) {
        nextChunk[Int(chain.tail)] = freeChunks
        freeChunks = chain.head
    }

    /// Moves the chain's entries into the run ordered by the high bits of their offset in the
    /// bucket: a counting sort with about two entries per digit value, which leaves only the
    /// entries sharing a digit for the insertion sort that follows to put in order.
    private mutating func distribute(_ chain: ChunkChain, bucketStart: Int64, widthShift: Int) {
        let size = Int(chain.count)
        // About two entries per digit value: fewer counts to clear and sum, few shared digits.
        let sizeBits = Int.bitWidth - (size - 1).leadingZeroBitCount
        let digitBits = Swift.min(widthShift, CalendarRing.maximumDigitBits, sizeBits - 1)
        let digitShift = UInt64(widthShift - digitBits)
        let radix = 1 << digitBits
        if sortDigitsCapacity < size {
            sortDigits.deallocate()
            sortDigitsCapacity = Swift.max(size, 2 * sortDigitsCapacity)
            sortDigits = .allocate(capacity: sortDigitsCapacity)
        }
        let counts = digitCounts
        let digits = sortDigits
        counts.update(repeating: 0, count: radix)
        var position = 0
        forEachChunk(of: chain) { base, count in
            for index in base..<(base &+ count) {
                let offset = UInt64(bitPattern: pool[index].time &- bucketStart)
                let digit = Int(truncatingIfNeeded: offset &>> digitShift)
                digits[position] = UInt16(truncatingIfNeeded: digit)
                counts[digit] &+= 1
                position &+= 1
            }
        }
        var total: Int32 = 0
        for digit in 0..<radix {
            let digitCount = counts[digit]
            counts[digit] = total
            total &+= digitCount
        }
        position = 0
        forEachChunk(of: chain) { base, count in
            for index in base..<(base &+ count) {
                let digit = Int(digits[position])
                (run + Int(counts[digit])).moveInitialize(from: pool + index, count: 1)
                counts[digit] &+= 1
                position &+= 1
            }
        }
    }

    /// Insertion sort of the run by (time, sequence); linear on nearly sorted input.
    ///
    /// Input that is far from sorted (many events crowded into one digit's time span, in
    /// reverse order) would make it quadratic, so past a budget of moves it hands over to a
    /// comparison sort. Keys are unique, so either way the result is the same.
    private mutating func insertionSortRun() {
        var movesLeft = 8 &* runCount &+ 64
        var index = 1
        while index < runCount {
            if run[index].precedes(run[index &- 1]) {
                let entry = (run + index).move()
                var hole = index
                repeat {
                    (run + hole).moveInitialize(from: run + (hole &- 1), count: 1)
                    hole &-= 1
                } while hole > 0 && entry.precedes(run[hole &- 1])
                (run + hole).initialize(to: consume entry)
                movesLeft &-= index &- hole
                if movesLeft < 0 {
                    var entries = UnsafeMutableBufferPointer(start: run, count: runCount)
                    entries.sort { $0.precedes($1) }
                    return
                }
            }
            index &+= 1
        }
    }
}

/// One bucket's chain of pool chunks.
struct ChunkChain {
    var head: Int32 = -1
    var tail: Int32 = -1
    var count: Int32 = 0
}
