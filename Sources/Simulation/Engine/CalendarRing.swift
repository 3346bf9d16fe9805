/// The bucket ring of ``EventQueue``: unsorted buckets for the near future, and the sorted
/// run of the bucket being drained.
///
/// Bucket number `b` of an event is `time >> widthShift`. The ring holds buckets
/// `current + 1 ..< current + bucketCount` in slots `b & slotMask`; the queue decides which
/// events come here. A bucket is a chain of fixed-size chunks carved from one pool, so an
/// append writes the entry and the bucket's 12-byte descriptor, nothing else; chunks return
/// to a free list when their bucket is sorted, so the pool stays as large as the most events
/// ever held at once. Within a bucket, entries keep the order they were appended in.
///
/// Storage is manual (one allocation per buffer, no per-access uniqueness or bounds checks
/// on the hot path), which is why the type is noncopyable. Entries are moved, never copied, so
/// any `Event` type is handled correctly; the initialised slots are exactly the first `count`
/// of each chain and `run[runHead..<runCount]`.
struct CalendarRing<Event>: ~Copyable {
    typealias Entry = ScheduledEvent<Event>

    let widthShift: Int64
    let slotCount: Int
    let slotMask: Int
    let chunkShift: Int
    let chunkMask: Int

    /// One descriptor per slot.
    private let chains: UnsafeMutablePointer<ChunkChain>
    /// One bit per slot, set while the slot's chain is non-empty.
    private let occupied: UnsafeMutablePointer<UInt64>
    private let occupiedWords: Int
    /// Events held in chains (not in the run).
    private(set) var chainedCount = 0

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

    /// Digits are at most this wide: a 2^11-entry count table (8 KiB) is cleared per bucket.
    private static var maximumDigitBits: Int { 11 }
    /// Buckets up to this size skip the distribution pass and go straight to insertion sort.
    private static var insertionSortLimit: Int { 16 }

    init(slotCount: Int, widthShift: Int64, chunkSize: Int) {
        precondition(slotCount >= 2 && slotCount & (slotCount - 1) == 0, "slot count must be a power of two")
        precondition(chunkSize >= 1 && chunkSize & (chunkSize - 1) == 0, "chunk size must be a power of two")
        self.widthShift = widthShift
        self.slotCount = slotCount
        slotMask = slotCount - 1
        chunkShift = chunkSize.trailingZeroBitCount
        chunkMask = chunkSize - 1
        chains = .allocate(capacity: slotCount)
        chains.initialize(repeating: ChunkChain(), count: slotCount)
        occupiedWords = (slotCount + 63) / 64
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

    /// A deep copy of `other`: same layout, same chunk numbering, entries copied.
    init(copying other: borrowing CalendarRing) {
        widthShift = other.widthShift
        slotCount = other.slotCount
        slotMask = other.slotMask
        chunkShift = other.chunkShift
        chunkMask = other.chunkMask
        chains = .allocate(capacity: slotCount)
        chains.initialize(from: other.chains, count: slotCount)
        occupiedWords = other.occupiedWords
        occupied = .allocate(capacity: occupiedWords)
        occupied.initialize(from: other.occupied, count: occupiedWords)
        chainedCount = other.chainedCount
        poolChunkCapacity = other.poolChunkCapacity
        poolChunksIssued = other.poolChunksIssued
        freeChunks = other.freeChunks
        pool = .allocate(capacity: poolChunkCapacity &<< chunkShift)
        nextChunk = .allocate(capacity: poolChunkCapacity)
        nextChunk.initialize(from: other.nextChunk, count: poolChunksIssued)
        runCapacity = other.runCapacity
        runHead = other.runHead
        runCount = other.runCount
        run = .allocate(capacity: runCapacity)
        (run + runHead).initialize(from: other.run + runHead, count: runCount - runHead)
        sortDigitsCapacity = other.sortDigitsCapacity
        sortDigits = .allocate(capacity: sortDigitsCapacity)
        digitCounts = .allocate(capacity: 1 << CalendarRing.maximumDigitBits)
        let chunkSize = chunkMask + 1
        for slot in 0..<slotCount {
            var chunk = Int(chains[slot].head)
            var remaining = Int(chains[slot].count)
            while remaining > 0 {
                let take = Swift.min(remaining, chunkSize)
                (pool + (chunk &<< chunkShift)).initialize(from: other.pool + (chunk &<< chunkShift), count: take)
                remaining &-= take
                chunk = Int(nextChunk[chunk])
            }
        }
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

    /// Appends `entry` to the chain of bucket number `bucket`.
    @inline(__always)
    mutating func append(_ entry: consuming Entry, bucket: Int64) {
        let slot = Int(truncatingIfNeeded: bucket) & slotMask
        let count = Int(chains[slot].count)
        let fill = count & chunkMask
        if fill == 0 {
            startChunk(slot: slot, isFirst: count == 0)
        }
        (pool + (Int(chains[slot].tail) &<< chunkShift | fill)).initialize(to: entry)
        chains[slot].count = Int32(truncatingIfNeeded: count &+ 1)
        chainedCount &+= 1
    }

    /// Links a fresh chunk at the end of `slot`'s chain.
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

    // MARK: Finding the next bucket

    /// Distance in slots (1..<slotCount) from bucket `bucket`'s slot to the next occupied slot.
    func distanceToNextOccupied(after bucket: Int64) -> Int? {
        var position = (Int(truncatingIfNeeded: bucket) &+ 1) & slotMask
        var scanned = 0
        // The slot of `bucket` itself is empty (its events were sorted into the run).
        while scanned < slotCount - 1 {
            let bitInWord = position & 63
            let step = Swift.min(64 - bitInWord, slotCount - position, slotCount - 1 - scanned)
            var word = occupied[position >> 6] &>> UInt64(bitInWord)
            if step < 64 { word &= (1 &<< UInt64(step)) &- 1 }
            if word != 0 {
                return scanned + word.trailingZeroBitCount + 1
            }
            scanned += step
            position = (position + step) & slotMask
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

    /// Removes and returns the run's first entry; `hasRun` must be true.
    @inline(__always)
    mutating func removeRunFirst() -> Entry {
        let entry = (run + runHead).move()
        runHead &+= 1
        return entry
    }

    /// Sorts bucket number `bucket` into the run by (time, sequence) and empties its slot;
    /// the run must be exhausted.
    mutating func loadRun(bucket: Int64) {
        precondition(runHead == runCount, "run loaded before it was drained")
        let slot = Int(truncatingIfNeeded: bucket) & slotMask
        occupied[slot >> 6] &= ~(1 &<< UInt64(slot & 63))
        runHead = 0
        runCount = 0
        let chain = chains[slot]
        chains[slot] = ChunkChain()
        let size = Int(chain.count)
        if size == 0 { return }
        chainedCount &-= size
        if runCapacity < size {
            run.deallocate()
            runCapacity = Swift.max(size, 2 * runCapacity)
            run = .allocate(capacity: runCapacity)
        }
        if size <= CalendarRing.insertionSortLimit {
            var written = 0
            forEachChunk(of: chain) { base, count in
                (run + written).moveInitialize(from: pool + base, count: count)
                written &+= count
            }
        } else {
            distribute(chain, bucketStart: bucket &<< widthShift)
        }
        runCount = size
        insertionSortRun()
        nextChunk[Int(chain.tail)] = freeChunks
        freeChunks = chain.head
    }

    /// Moves the chain's entries into the run ordered by the high bits of their offset in the
    /// bucket: a stable counting sort with about one entry per digit value, which leaves only
    /// entries sharing a digit for the insertion sort that follows.
    private mutating func distribute(_ chain: ChunkChain, bucketStart: Int64) {
        let size = Int(chain.count)
        let sizeBits = Int.bitWidth - (size - 1).leadingZeroBitCount
        let digitBits = Swift.min(Int(widthShift), CalendarRing.maximumDigitBits, sizeBits)
        let digitShift = UInt64(Int(widthShift) - digitBits)
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
    private mutating func insertionSortRun() {
        var index = 1
        while index < runCount {
            if run[index].precedes(run[index &- 1]) {
                let entry = (run + index).move()
                var hole = index
                repeat {
                    (run + hole).moveInitialize(from: run + (hole &- 1), count: 1)
                    hole &-= 1
                } while hole > 0 && entry.precedes(run[hole &- 1])
                (run + hole).initialize(to: entry)
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
