// The BLAKE3 tree over contiguous input: chunk outputs, subtree chaining values and the
// root output with its extendable output. Used by the one-shot functions (which run it
// on the whole input without allocating) and by `Hasher` for runs of whole chunks.

extension BLAKE3 {
    /// The inputs of a compression whose flags are not final yet: the last block of a
    /// chunk, or a parent node. It becomes a chaining value, or (with the root flag) the
    /// hash and its extended output.
    struct Output {
        var inputCV: ChainingValue
        var block: BLAKE3Message<UInt32>
        var counter: UInt64
        var blockLength: UInt32
        var flags: UInt32

        /// The chaining value of a non-root node.
        @inline(__always)
        func chainingValue() -> ChainingValue {
            BLAKE3.compress(inputCV, block, counter: counter, blockLength: blockLength, flags: flags)
        }

        /// The first 32 bytes of the root output: the default-length hash.
        @inline(__always)
        func rootHash() -> Hash256 {
            if BLAKE3.fourWay {
                return BLAKE3.compressRows(
                    BLAKE3RowChainingValue(inputCV), BLAKE3RowMessage(block),
                    counter: 0, blockLength: blockLength, flags: flags | Flag.root
                ).hash256
            }
            return BLAKE3.compressScalar(
                inputCV, block, counter: 0, blockLength: blockLength, flags: flags | Flag.root
            ).hash256
        }

        /// Fills `out` with the root output stream: output block `t` is the full
        /// compression output with counter `t` and the root flag.
        func writeRootBytes(into out: UnsafeMutableRawBufferPointer) {
            guard var position = out.baseAddress else { return }
            var remaining = out.count
            var outputCounter: UInt64 = 0
            let rootFlags = flags | Flag.root
            while remaining > 0 {
                if remaining >= BLAKE3.blockLength {
                    BLAKE3.compressFull(
                        inputCV, block, counter: outputCounter, blockLength: blockLength,
                        flags: rootFlags, into: position)
                    position += BLAKE3.blockLength
                    remaining -= BLAKE3.blockLength
                } else {
                    var last: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
                        (0, 0, 0, 0, 0, 0, 0, 0)
                    withUnsafeMutableBytes(of: &last) { raw in
                        BLAKE3.compressFull(
                            inputCV, block, counter: outputCounter, blockLength: blockLength,
                            flags: rootFlags, into: raw.baseAddress!)
                        position.copyMemory(from: raw.baseAddress!, byteCount: remaining)
                    }
                    remaining = 0
                }
                outputCounter &+= 1
            }
        }
    }

    /// Loads `count` (< 64) bytes at `bytes` as a block padded with zeros, without
    /// reading past the input.
    @inline(__always)
    static func paddedBlock(_ bytes: UnsafeRawPointer?, count: Int) -> BLAKE3Message<UInt32> {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0)
        if count > 0, let bytes {
            withUnsafeMutableBytes(of: &buffer) { raw in
                // Whole 8-byte words, then the last partial word (no `memcpy` call for a
                // few bytes).
                for word in 0..<(blockLength / 8) {
                    let start = 8 * word
                    if start + 8 <= count {
                        raw.storeBytes(
                            of: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self),
                            toByteOffset: start, as: UInt64.self)
                    } else {
                        let tail = count - start
                        var partial: UInt64
                        if count >= 8 {
                            // The 8 bytes ending at `count`, shifted down past the overlap.
                            let last = UInt64(littleEndian: bytes.loadUnaligned(
                                fromByteOffset: count - 8, as: UInt64.self))
                            partial = last >> UInt64(8 * (8 - tail))
                        } else {
                            partial = 0
                            for index in 0..<tail {
                                let byte = bytes.load(fromByteOffset: index, as: UInt8.self)
                                partial |= UInt64(byte) << UInt64(8 * index)
                            }
                        }
                        raw.storeBytes(
                            of: UInt64(littleEndian: partial), toByteOffset: start, as: UInt64.self)
                        break
                    }
                }
            }
        }
        return withUnsafeBytes(of: &buffer) { BLAKE3Message(loading: $0.baseAddress!) }
    }

    /// The output of one chunk of `count` bytes (0…1024; 0 only for empty input) at
    /// `bytes`: all blocks but the last are compressed, the last is left pending. With
    /// `wide`, the blocks are compressed row-wise, the chaining value kept in rows.
    static func chunkOutput(
        _ bytes: UnsafeRawPointer?, count: Int, counter: UInt64,
        key: ChainingValue, flags: UInt32, wide: Bool = fourWay
    ) -> Output {
        precondition(count >= 0 && count <= chunkLength, "a chunk holds at most 1024 bytes")
        var cv = key
        var offset = 0
        var startFlag = Flag.chunkStart
        if wide {
            if count > blockLength {
                let rows: BLAKE3RowChainingValue
                (rows, offset) = leadingBlocksRowWise(
                    bytes!, count: count, counter: counter, key: BLAKE3RowChainingValue(key), flags: flags)
                cv = rows.chainingValue
                startFlag = 0
            }
        } else {
            while count - offset > blockLength {
                cv = compressScalar(
                    cv, blockAt: bytes! + offset,
                    counter: counter, blockLength: UInt32(blockLength), flags: flags | startFlag)
                startFlag = 0
                offset += blockLength
            }
        }
        let lastLength = count - offset
        let block = lastLength == blockLength
            ? BLAKE3Message(loading: bytes! + offset)
            : paddedBlock(bytes.map { $0 + offset }, count: lastLength)
        return Output(
            inputCV: cv, block: block, counter: counter, blockLength: UInt32(lastLength),
            flags: flags | startFlag | Flag.chunkEnd)
    }

    /// Compresses row-wise every block of a chunk of `count` (> 64, ≤ 1024) bytes at
    /// `bytes` but the last one; returns the chaining value so far and the offset of the
    /// last block (whose flags then no longer include the chunk start).
    @inline(__always)
    static func leadingBlocksRowWise(
        _ bytes: UnsafeRawPointer, count: Int, counter: UInt64, key: BLAKE3RowChainingValue, flags: UInt32
    ) -> (BLAKE3RowChainingValue, lastBlockOffset: Int) {
        var rows = key
        var offset = 0
        var startFlag = Flag.chunkStart
        repeat {
            rows = compressRows(
                rows, BLAKE3RowMessage(loading: bytes + offset), counter: counter,
                blockLength: UInt32(blockLength), flags: flags | startFlag)
            startFlag = 0
            offset += blockLength
        } while count - offset > blockLength
        return (rows, offset)
    }

    /// The root hash of an input of at most one chunk, compressed row-wise from start to
    /// end: the chaining value and the last block stay in vector registers instead of
    /// passing through an ``Output``. This is the path of every short input (vertex and
    /// transaction ids among them).
    ///
    /// The input is `bytes`; or, with `zeroPaddedCount`, the first `zeroPaddedCount`
    /// bytes of `bytes`, which continues with zeros to the end of the input's last block
    /// (at least one block), so that a partial last block is read in place instead of
    /// being copied into a padded one.
    @inline(__always)
    static func singleChunkRootHash(
        _ bytes: UnsafeRawBufferPointer, zeroPaddedCount: Int? = nil, key: ChainingValue, flags: UInt32
    ) -> Hash256 {
        let count = zeroPaddedCount ?? bytes.count
        precondition(count <= chunkLength, "one chunk holds at most 1024 bytes")
        if let zeroPaddedCount {
            precondition(zeroPaddedCount >= 0 && bytes.count >= paddedLength(zeroPaddedCount),
                         "a zero-padded input fills whole blocks")
        }
        var rows = BLAKE3RowChainingValue(key)
        var offset = 0
        var startFlag = Flag.chunkStart
        if count > blockLength {
            (rows, offset) = leadingBlocksRowWise(
                bytes.baseAddress!, count: count, counter: 0, key: rows, flags: flags)
            startFlag = 0
        }
        let lastLength = count - offset
        let block = lastLength == blockLength || zeroPaddedCount != nil
            ? BLAKE3RowMessage(loading: bytes.baseAddress! + offset)
            : BLAKE3RowMessage(paddedBlock(bytes.baseAddress.map { $0 + offset }, count: lastLength))
        return compressRows(
            rows, block, counter: 0, blockLength: UInt32(lastLength),
            flags: flags | startFlag | Flag.chunkEnd | Flag.root
        ).hash256
    }

    /// Bytes in the whole blocks that hold `count` bytes: at least one block.
    @inline(__always)
    static func paddedLength(_ count: Int) -> Int {
        max(blockLength, (count + blockLength - 1) & ~(blockLength - 1))
    }

    /// The root hash of the whole input `bytes`: what the one-shot functions return.
    static func rootHash(
        _ bytes: UnsafeRawBufferPointer, key: ChainingValue, flags: UInt32, wide: Bool = fourWay
    ) -> Hash256 {
        if wide && bytes.count <= chunkLength {
            return singleChunkRootHash(bytes, key: key, flags: flags)
        }
        return rootOutput(bytes, key: key, flags: flags, wide: wide).rootHash()
    }

    /// The hash of the first `count` bytes of `blocks`, a buffer that continues with
    /// zeros to the end of the last block they touch (``paddedLength(_:)`` bytes at
    /// least): for encodings built in such a buffer, whose last block is then read in
    /// place.
    static func hash(zeroPadded blocks: UnsafeRawBufferPointer, count: Int, wide: Bool = fourWay) -> Hash256 {
        if wide && count <= chunkLength {
            return singleChunkRootHash(blocks, zeroPaddedCount: count, key: .iv, flags: 0)
        }
        return rootHash(UnsafeRawBufferPointer(rebasing: blocks[0..<count]), key: .iv, flags: 0, wide: wide)
    }

    /// Bytes in the left subtree of a node over `count` (> 1024) bytes: the largest
    /// power-of-two number of whole chunks that leaves at least one byte for the right.
    @inline(__always)
    static func leftSubtreeLength(_ count: Int) -> Int {
        let fullChunks = (count - 1) / chunkLength
        return chunkLength << (Int.bitWidth - 1 - fullChunks.leadingZeroBitCount)
    }

    /// Whether the vector code is used by default: whole chunks and parent nodes four at
    /// a time, single blocks row-wise. Off in debug builds, where vector code is not
    /// optimised and runs several times slower than scalar code; the tests pass
    /// `wide: true` or call the vector functions to cover them there too.
    static var fourWay: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }

    /// Most chunks hashed flat, side by side, before their parents are merged level by
    /// level; bigger inputs are first split along the tree. 32 chaining values take
    /// 1 KiB, which `withUnsafeTemporaryAllocation` always places on the stack.
    static let maxLeafChunks = 32

    /// Hashes the chunks of `count` (1…32 KiB) bytes at `bytes` into `out` and returns
    /// the number of chunks; the first chunk has chunk counter `counter`. With `wide`,
    /// four at a time while three or more whole chunks remain.
    static func hashChunks(
        _ bytes: UnsafeRawPointer, count: Int, counter: UInt64,
        key: ChainingValue, flags: UInt32, wide: Bool,
        into out: UnsafeMutablePointer<ChainingValue>
    ) -> Int {
        precondition(count > 0 && count <= maxLeafChunks * chunkLength)
        var offset = 0
        var index = 0
        while wide && count - offset >= 4 * chunkLength {
            let at = bytes + offset
            hashFourChunks(
                (at, at + chunkLength, at + 2 * chunkLength, at + 3 * chunkLength),
                counter: counter + UInt64(index), key: key, flags: flags
            ).store(to: out + index)
            offset += 4 * chunkLength
            index += 4
        }
        if wide && count - offset >= 3 * chunkLength {
            // Three whole chunks cost one four-way pass, less than three scalar ones; the
            // fourth lane repeats the third chunk and its result is dropped.
            let at = bytes + offset
            let third = at + 2 * chunkLength
            let cvs = hashFourChunks(
                (at, at + chunkLength, third, third),
                counter: counter + UInt64(index), key: key, flags: flags)
            out[index] = cvs[lane: 0]
            out[index + 1] = cvs[lane: 1]
            out[index + 2] = cvs[lane: 2]
            offset += 3 * chunkLength
            index += 3
        }
        while offset < count {
            let length = min(chunkLength, count - offset)
            out[index] = chunkOutput(
                bytes + offset, count: length, counter: counter + UInt64(index),
                key: key, flags: flags
            ).chainingValue()
            offset += length
            index += 1
        }
        return index
    }

    /// Merges the `count` chaining values at `nodes` level by level, pairing neighbours
    /// and carrying an odd last node up unchanged, until `target` (1 or 2) remain at
    /// `nodes[0]`, `nodes[1]`. This builds the same left-complete tree as BLAKE3's rule
    /// that a left subtree holds the largest power of two of chunks. With `wide`, four
    /// parents at a time.
    static func mergeLevels(
        _ nodes: UnsafeMutablePointer<ChainingValue>, count: Int, target: Int,
        key: ChainingValue, flags: UInt32, wide: Bool
    ) {
        var count = count
        while count > target {
            let pairs = count / 2
            var index = 0
            while wide && pairs - index >= 4 {
                hashFourParents(nodes + 2 * index, key: key, flags: flags, into: nodes + index)
                index += 4
            }
            while index < pairs {
                nodes[index] = parentChainingValue(
                    nodes[2 * index], nodes[2 * index + 1], key: key, flags: flags)
                index += 1
            }
            if count & 1 == 1 {
                nodes[pairs] = nodes[count - 1]
            }
            count = pairs + (count & 1)
        }
    }

    /// The chaining values of the two children of the node over `count` (> 1024) bytes
    /// at `bytes`, whose first chunk has chunk counter `counter`.
    static func childChainingValues(
        _ bytes: UnsafeRawPointer, count: Int, counter: UInt64,
        key: ChainingValue, flags: UInt32, wide: Bool
    ) -> (ChainingValue, ChainingValue) {
        if count <= maxLeafChunks * chunkLength {
            return withUnsafeTemporaryAllocation(of: ChainingValue.self, capacity: maxLeafChunks) {
                let nodes = $0.baseAddress!
                let chunks = hashChunks(
                    bytes, count: count, counter: counter, key: key, flags: flags, wide: wide,
                    into: nodes)
                mergeLevels(nodes, count: chunks, target: 2, key: key, flags: flags, wide: wide)
                return (nodes[0], nodes[1])
            }
        }
        let left = leftSubtreeLength(count)
        let leftCV = subtreeChainingValue(
            bytes, count: left, counter: counter, key: key, flags: flags, wide: wide)
        let rightCV = subtreeChainingValue(
            bytes + left, count: count - left, counter: counter + UInt64(left / chunkLength),
            key: key, flags: flags, wide: wide)
        return (leftCV, rightCV)
    }

    /// The chaining value of the (non-root) subtree over `count` (≥ 1) bytes at `bytes`.
    static func subtreeChainingValue(
        _ bytes: UnsafeRawPointer, count: Int, counter: UInt64,
        key: ChainingValue, flags: UInt32, wide: Bool = fourWay
    ) -> ChainingValue {
        if count <= chunkLength {
            return chunkOutput(bytes, count: count, counter: counter, key: key, flags: flags)
                .chainingValue()
        }
        let (left, right) = childChainingValues(
            bytes, count: count, counter: counter, key: key, flags: flags, wide: wide)
        return parentChainingValue(left, right, key: key, flags: flags)
    }

    /// The pending root output of the whole input `bytes`.
    static func rootOutput(
        _ bytes: UnsafeRawBufferPointer, key: ChainingValue, flags: UInt32, wide: Bool = fourWay
    ) -> Output {
        let count = bytes.count
        if count <= chunkLength {
            return chunkOutput(bytes.baseAddress, count: count, counter: 0, key: key, flags: flags)
        }
        let (left, right) = childChainingValues(
            bytes.baseAddress!, count: count, counter: 0, key: key, flags: flags, wide: wide)
        return parentOutput(left, right, key: key, flags: flags)
    }

    /// The pending output of a parent node.
    @inline(__always)
    static func parentOutput(
        _ left: ChainingValue, _ right: ChainingValue, key: ChainingValue, flags: UInt32
    ) -> Output {
        Output(
            inputCV: key, block: BLAKE3Message(left: left, right: right), counter: 0,
            blockLength: UInt32(blockLength), flags: flags | Flag.parent)
    }
}
