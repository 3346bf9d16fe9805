extension BLAKE3 {
    /// Incremental hasher; any split of the input gives the same result as one-shot.
    ///
    /// It keeps the current chunk (its chaining value and a one-block buffer) and a stack
    /// of chaining values of completed subtrees, one per set bit of the number of
    /// completed chunks. A chunk or block is compressed only when more input follows it,
    /// so the last one is still pending when ``finalize()`` sets the root flag. Runs of
    /// whole chunks are hashed straight from the caller's memory as aligned subtrees.
    /// The stack's storage is allocated the first time a chunk completes.
    public struct Hasher: Sendable {
        private typealias BlockBuffer = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

        /// Key words: the IV, the user's key or the context key.
        private let key: ChainingValue
        /// Mode flag set on every compression.
        private let flags: UInt32
        /// Chaining value of the blocks of the current chunk compressed so far.
        private var chunkCV: ChainingValue
        /// Index of the current chunk, which is also the number of completed chunks.
        private var chunkCounter: UInt64 = 0
        /// Bytes of the current chunk not yet compressed (at most one block); the bytes
        /// past `bufferLength` are always zero, so the buffer is the padded last block.
        private var buffer: BlockBuffer = (0, 0, 0, 0, 0, 0, 0, 0)
        /// Number of valid bytes in `buffer`.
        private var bufferLength = 0
        /// Blocks of the current chunk already compressed (0…15).
        private var blocksCompressed = 0
        /// Chaining values of completed subtrees, largest (leftmost) first.
        private var stack: [ChainingValue] = []

        /// A hasher for the plain hash mode.
        public init() {
            self.init(key: .iv, flags: 0)
        }

        /// A hasher for the keyed hash mode with the 32-byte `key`.
        public init(key: Hash256) {
            self.init(key: ChainingValue(key), flags: Flag.keyedHash)
        }

        /// A hasher for the key derivation mode; the input is the key material.
        public init(derivingKeyFromContext context: String) {
            self.init(key: BLAKE3.contextKey(context), flags: Flag.deriveKeyMaterial)
        }

        private init(key: ChainingValue, flags: UInt32) {
            self.key = key
            self.flags = flags
            self.chunkCV = key
        }

        /// Appends `bytes` to the input.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard var position = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                if blocksCompressed * blockLength + bufferLength == chunkLength {
                    finishChunk()
                }
                if bufferLength == 0 && blocksCompressed == 0 && remaining > chunkLength {
                    // Whole chunks at a chunk boundary: hash the largest subtree that is
                    // aligned to the chunk counter and leaves at least one byte after it.
                    var size = leftSubtreeLength(remaining)
                    while chunkCounter & UInt64(size / chunkLength - 1) != 0 { size >>= 1 }
                    let cv = subtreeChainingValue(
                        position, count: size, counter: chunkCounter, key: key, flags: flags)
                    chunkCounter += UInt64(size / chunkLength)
                    push(cv)
                    position += size
                    remaining -= size
                    continue
                }
                if bufferLength == blockLength {
                    let block = buffer
                    withUnsafeBytes(of: block) { compressBlock(at: $0.baseAddress!) }
                    buffer = (0, 0, 0, 0, 0, 0, 0, 0)
                    bufferLength = 0
                }
                if bufferLength == 0 {
                    // Compress whole blocks in place while another block of the same
                    // chunk remains, so that the chunk's last block stays pending.
                    while remaining > blockLength && blocksCompressed < blocksPerChunk - 1 {
                        compressBlock(at: position)
                        position += blockLength
                        remaining -= blockLength
                    }
                }
                let filled = bufferLength
                let take = min(blockLength - filled, remaining)
                withUnsafeMutableBytes(of: &buffer) { raw in
                    (raw.baseAddress! + filled).copyMemory(from: position, byteCount: take)
                }
                bufferLength = filled + take
                position += take
                remaining -= take
            }
        }

        /// Appends `bytes` to the input.
        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// Appends the 8 little-endian bytes of `value` to the input.
        public mutating func update(_ value: UInt64) {
            let filled = bufferLength
            if filled <= blockLength - 8 {
                withUnsafeMutableBytes(of: &buffer) { raw in
                    raw.storeBytes(of: value.littleEndian, toByteOffset: filled, as: UInt64.self)
                }
                bufferLength = filled + 8
            } else {
                withUnsafeBytes(of: value.littleEndian) { update($0) }
            }
        }

        /// The 32-byte hash of the input so far; the hasher can keep taking input.
        public func finalize() -> Hash256 {
            rootOutput().rootHash()
        }

        /// The first `outputLength` bytes of the extendable output of the input so far;
        /// its first 32 bytes equal ``finalize()``.
        public func finalize(outputLength: Int) -> [UInt8] {
            precondition(outputLength >= 0, "output length must not be negative")
            let output = rootOutput()
            return [UInt8](unsafeUninitializedCapacity: outputLength) { storage, initialized in
                output.writeRootBytes(into: UnsafeMutableRawBufferPointer(storage))
                initialized = outputLength
            }
        }


        /// Compresses a non-final block of the current chunk.
        @inline(__always)
        private mutating func compressBlock(at block: UnsafeRawPointer) {
            let start = blocksCompressed == 0 ? Flag.chunkStart : 0
            chunkCV = compress(
                chunkCV, blockAt: block, counter: chunkCounter,
                blockLength: UInt32(blockLength), flags: flags | start)
            blocksCompressed += 1
        }

        /// Compresses the full current chunk's last block, pushes the chunk's chaining
        /// value and starts the next chunk.
        private mutating func finishChunk() {
            let cv = chunkOutput().chainingValue()
            chunkCounter += 1
            push(cv)
            chunkCV = key
            buffer = (0, 0, 0, 0, 0, 0, 0, 0)
            bufferLength = 0
            blocksCompressed = 0
        }

        /// Pushes the chaining value of the subtree that ends at `chunkCounter` chunks and
        /// merges completed siblings, leaving one entry per set bit of `chunkCounter`.
        private mutating func push(_ cv: ChainingValue) {
            stack.append(cv)
            let entries = chunkCounter.nonzeroBitCount
            while stack.count > entries {
                let right = stack.removeLast()
                let left = stack.removeLast()
                stack.append(parentChainingValue(left, right, key: key, flags: flags))
            }
        }

        /// The current chunk's pending last block.
        private func chunkOutput() -> Output {
            let block = withUnsafeBytes(of: buffer) { BLAKE3Message(loading: $0.baseAddress!) }
            let start = blocksCompressed == 0 ? Flag.chunkStart : 0
            return Output(
                inputCV: chunkCV, block: block, counter: chunkCounter,
                blockLength: UInt32(bufferLength), flags: flags | start | Flag.chunkEnd)
        }

        /// The root's pending output: the current chunk merged with every stacked subtree.
        private func rootOutput() -> Output {
            var output = chunkOutput()
            for cv in stack.reversed() {
                output = parentOutput(cv, output.chainingValue(), key: key, flags: flags)
            }
            return output
        }
    }
}
