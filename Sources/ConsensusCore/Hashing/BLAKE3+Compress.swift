// The BLAKE3 compression function, in three shapes with the same round schedule: scalar
// (one block at a time, the 16 working words as `UInt32` locals), row-wise (one block
// at a time, the 4×4 working words as four `SIMD4<UInt32>` rows) and four-way
// (`SIMD4<UInt32>` lanes: four independent compressions side by side, used for four
// chunks at once and for four parent nodes at once).

extension BLAKE3 {
    /// Eight 32-bit words: a chaining value, a key, or a 32-byte output.
    struct ChainingValue: Sendable, Equatable {
        var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

        /// The BLAKE3 initialisation vector (the same constants as SHA-256's IV).
        static let iv = ChainingValue(
            h0: 0x6A09_E667, h1: 0xBB67_AE85, h2: 0x3C6E_F372, h3: 0xA54F_F53A,
            h4: 0x510E_527F, h5: 0x9B05_688C, h6: 0x1F83_D9AB, h7: 0x5BE0_CD19)

        /// Splits a 32-byte key into words, each read little-endian.
        @inline(__always)
        init(_ key: Hash256) {
            h0 = UInt32(truncatingIfNeeded: key.w0)
            h1 = UInt32(truncatingIfNeeded: key.w0 >> 32)
            h2 = UInt32(truncatingIfNeeded: key.w1)
            h3 = UInt32(truncatingIfNeeded: key.w1 >> 32)
            h4 = UInt32(truncatingIfNeeded: key.w2)
            h5 = UInt32(truncatingIfNeeded: key.w2 >> 32)
            h6 = UInt32(truncatingIfNeeded: key.w3)
            h7 = UInt32(truncatingIfNeeded: key.w3 >> 32)
        }

        @inline(__always)
        init(h0: UInt32, h1: UInt32, h2: UInt32, h3: UInt32,
             h4: UInt32, h5: UInt32, h6: UInt32, h7: UInt32) {
            (self.h0, self.h1, self.h2, self.h3) = (h0, h1, h2, h3)
            (self.h4, self.h5, self.h6, self.h7) = (h4, h5, h6, h7)
        }

        /// The same 32 bytes as a ``Hash256``.
        @inline(__always)
        var hash256: Hash256 {
            Hash256(
                w0: UInt64(h0) | UInt64(h1) << 32, w1: UInt64(h2) | UInt64(h3) << 32,
                w2: UInt64(h4) | UInt64(h5) << 32, w3: UInt64(h6) | UInt64(h7) << 32)
        }
    }

    /// Domain-separation flags of the compression function, from the BLAKE3 specification.
    enum Flag {
        static let chunkStart: UInt32 = 1 << 0
        static let chunkEnd: UInt32 = 1 << 1
        static let parent: UInt32 = 1 << 2
        static let root: UInt32 = 1 << 3
        static let keyedHash: UInt32 = 1 << 4
        static let deriveKeyContext: UInt32 = 1 << 5
        static let deriveKeyMaterial: UInt32 = 1 << 6
    }

    /// Bytes in one block, the compression function's message.
    static let blockLength = 64
    /// Bytes in one chunk, a leaf of the tree.
    static let chunkLength = 1024
    /// Blocks in one chunk.
    static let blocksPerChunk = chunkLength / blockLength
}

// MARK: - Working state and message

// The scalar and four-way code are written out separately, not as one generic over a
// lane protocol: debug builds (and so `swift test`) do not specialise generics, which
// makes every word operation a witness-table call there; both shapes are short.

/// Rotates `x` right by `count` (0 < count < 32); compiles to one `ror`/`rol`.
@inline(__always)
func rotateRight(_ x: UInt32, _ count: UInt32) -> UInt32 {
    (x &>> count) | (x &<< (32 &- count))
}

/// Rotates each lane of `x` right by `count` (0 < count < 32, not 16).
///
/// The two shifts are joined with `&+` (their bits are disjoint, so it equals `|`).
/// Written with `|`, LLVM recognises a vector rotate and, on SSE2, lowers it lane by
/// lane to scalar rotates; with `&+` it emits `psrld`/`pslld`/`paddd`.
///
/// The shift counts are built as vectors (by bit-casting a tuple) so that debug builds
/// use the concrete vector shifts rather than the generic vector-by-scalar ones.
@inline(__always)
func rotateRight(_ x: SIMD4<UInt32>, _ count: UInt32) -> SIMD4<UInt32> {
    let left = 32 &- count
    let right = unsafeBitCast((count, count, count, count), to: SIMD4<UInt32>.self)
    let leftCounts = unsafeBitCast((left, left, left, left), to: SIMD4<UInt32>.self)
    return (x &>> right) &+ (x &<< leftCounts)
}

/// Rotates each lane of `x` right by 16 by swapping its 16-bit halves (`pshuflw`/`pshufhw`,
/// or one `pshufb` with SSSE3).
@inline(__always)
func rotateRight16(_ x: SIMD4<UInt32>) -> SIMD4<UInt32> {
    let halves = unsafeBitCast(x, to: SIMD8<UInt16>.self)
    let swapped = SIMD8(
        halves[1], halves[0], halves[3], halves[2], halves[5], halves[4], halves[7], halves[6])
    return unsafeBitCast(swapped, to: SIMD4<UInt32>.self)
}

/// Rotates each lane of `x` right by 8.
///
/// Where the build enables SSSE3 (`BLAKE3_SSSE3`, set by the package manifest on x86-64),
/// as a byte shuffle: one `pshufb` of one cycle instead of two shifts and an `or` on the
/// dependency chain. Elsewhere as shifts: without `pshufb`, LLVM lowers this byte shuffle
/// to masks and shifts, slower than the plain rotation.
@inline(__always)
func rotateRight8(_ x: SIMD4<UInt32>) -> SIMD4<UInt32> {
    #if BLAKE3_SSSE3 && _endian(little)
    let b = unsafeBitCast(x, to: SIMD16<UInt8>.self)
    let rotated = SIMD16(
        b[1], b[2], b[3], b[0], b[5], b[6], b[7], b[4],
        b[9], b[10], b[11], b[8], b[13], b[14], b[15], b[12])
    return unsafeBitCast(rotated, to: SIMD4<UInt32>.self)
    #else
    return rotateRight(x, 8)
    #endif
}

/// The sixteen working words `v0`…`v15` of one compression.
struct BLAKE3State {
    var v0, v1, v2, v3, v4, v5, v6, v7: UInt32
    var v8, v9, v10, v11, v12, v13, v14, v15: UInt32
}

/// The sixteen working words of four independent compressions, lane `i` belonging to
/// compression `i`.
struct BLAKE3State4 {
    var v0, v1, v2, v3, v4, v5, v6, v7: SIMD4<UInt32>
    var v8, v9, v10, v11, v12, v13, v14, v15: SIMD4<UInt32>
}

/// The sixteen message words of one block (`UInt32`), or of four blocks lane-wise
/// (`SIMD4<UInt32>`).
struct BLAKE3Message<Word> {
    var m0, m1, m2, m3, m4, m5, m6, m7: Word
    var m8, m9, m10, m11, m12, m13, m14, m15: Word
}

extension BLAKE3Message<UInt32> {
    /// Reads 64 bytes at `block` as sixteen little-endian words; no alignment needed.
    @inline(__always)
    init(loading block: UnsafeRawPointer) {
        @inline(__always) func word(_ index: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
        }
        self.init(
            m0: word(0), m1: word(1), m2: word(2), m3: word(3),
            m4: word(4), m5: word(5), m6: word(6), m7: word(7),
            m8: word(8), m9: word(9), m10: word(10), m11: word(11),
            m12: word(12), m13: word(13), m14: word(14), m15: word(15))
    }

    /// A parent node's block: the left child's chaining value, then the right child's.
    @inline(__always)
    init(left l: BLAKE3.ChainingValue, right r: BLAKE3.ChainingValue) {
        self.init(
            m0: l.h0, m1: l.h1, m2: l.h2, m3: l.h3, m4: l.h4, m5: l.h5, m6: l.h6, m7: l.h7,
            m8: r.h0, m9: r.h1, m10: r.h2, m11: r.h3, m12: r.h4, m13: r.h5, m14: r.h6, m15: r.h7)
    }
}

extension BLAKE3Message<SIMD4<UInt32>> {
    /// Reads the block at byte `offset` of four chunks, lane `i` from `chunks.i`.
    @inline(__always)
    init(loading chunks: BLAKE3ChunkPointers, offset: Int) {
        #if _endian(little)
        // Sixteen 16-byte loads, then a 4×4 transpose of each quarter of the block.
        @inline(__always)
        func quarter(_ index: Int) -> (SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>) {
            let at = offset + 16 * index
            let r0 = chunks.0.loadUnaligned(fromByteOffset: at, as: SIMD4<UInt32>.self)
            let r1 = chunks.1.loadUnaligned(fromByteOffset: at, as: SIMD4<UInt32>.self)
            let r2 = chunks.2.loadUnaligned(fromByteOffset: at, as: SIMD4<UInt32>.self)
            let r3 = chunks.3.loadUnaligned(fromByteOffset: at, as: SIMD4<UInt32>.self)
            return (SIMD4(r0[0], r1[0], r2[0], r3[0]), SIMD4(r0[1], r1[1], r2[1], r3[1]),
                    SIMD4(r0[2], r1[2], r2[2], r3[2]), SIMD4(r0[3], r1[3], r2[3], r3[3]))
        }
        let (m0, m1, m2, m3) = quarter(0)
        let (m4, m5, m6, m7) = quarter(1)
        let (m8, m9, m10, m11) = quarter(2)
        let (m12, m13, m14, m15) = quarter(3)
        self.init(
            m0: m0, m1: m1, m2: m2, m3: m3, m4: m4, m5: m5, m6: m6, m7: m7,
            m8: m8, m9: m9, m10: m10, m11: m11, m12: m12, m13: m13, m14: m14, m15: m15)
        #else
        @inline(__always) func word(_ index: Int) -> SIMD4<UInt32> {
            let at = offset + 4 * index
            return SIMD4(
                UInt32(littleEndian: chunks.0.loadUnaligned(fromByteOffset: at, as: UInt32.self)),
                UInt32(littleEndian: chunks.1.loadUnaligned(fromByteOffset: at, as: UInt32.self)),
                UInt32(littleEndian: chunks.2.loadUnaligned(fromByteOffset: at, as: UInt32.self)),
                UInt32(littleEndian: chunks.3.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        self.init(
            m0: word(0), m1: word(1), m2: word(2), m3: word(3),
            m4: word(4), m5: word(5), m6: word(6), m7: word(7),
            m8: word(8), m9: word(9), m10: word(10), m11: word(11),
            m12: word(12), m13: word(13), m14: word(14), m15: word(15))
        #endif
    }
}

/// The start of each of the four chunks that a four-way compression reads.
typealias BLAKE3ChunkPointers = (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)

// MARK: - Rounds

/// The quarter-round `G` on four working words with two message words.
@inline(__always)
private func mix(
    _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
    _ x: UInt32, _ y: UInt32
) {
    a = a &+ x &+ b
    d = rotateRight(d ^ a, 16)
    c = c &+ d
    b = rotateRight(b ^ c, 12)
    a = a &+ y &+ b
    d = rotateRight(d ^ a, 8)
    c = c &+ d
    b = rotateRight(b ^ c, 7)
}

/// `G` on four compressions at once.
@inline(__always)
private func mix(
    _ a: inout SIMD4<UInt32>, _ b: inout SIMD4<UInt32>, _ c: inout SIMD4<UInt32>,
    _ d: inout SIMD4<UInt32>, _ x: SIMD4<UInt32>, _ y: SIMD4<UInt32>
) {
    a = a &+ x &+ b
    d = rotateRight16(d ^ a)
    c = c &+ d
    b = rotateRight(b ^ c, 12)
    a = a &+ y &+ b
    d = rotateRight8(d ^ a)
    c = c &+ d
    b = rotateRight(b ^ c, 7)
}

// The message schedule: instead of permuting the message between rounds, round `r`
// takes the words in the order that the permutation (2, 6, 3, 10, 7, 0, 4, 13, 1, 11,
// 12, 5, 9, 14, 15, 8) applied `r` times gives, precomputed in `rounds(_:)` below.

extension BLAKE3State {
    /// One round: `G` on the columns (v0, v4, v8, v12) … (v3, v7, v11, v15), then on the
    /// diagonals (v0, v5, v10, v15) … (v3, v4, v9, v14).
    @inline(__always)
    mutating func round(
        _ x0: UInt32, _ x1: UInt32, _ x2: UInt32, _ x3: UInt32,
        _ x4: UInt32, _ x5: UInt32, _ x6: UInt32, _ x7: UInt32,
        _ x8: UInt32, _ x9: UInt32, _ x10: UInt32, _ x11: UInt32,
        _ x12: UInt32, _ x13: UInt32, _ x14: UInt32, _ x15: UInt32
    ) {
        mix(&v0, &v4, &v8, &v12, x0, x1)
        mix(&v1, &v5, &v9, &v13, x2, x3)
        mix(&v2, &v6, &v10, &v14, x4, x5)
        mix(&v3, &v7, &v11, &v15, x6, x7)
        mix(&v0, &v5, &v10, &v15, x8, x9)
        mix(&v1, &v6, &v11, &v12, x10, x11)
        mix(&v2, &v7, &v8, &v13, x12, x13)
        mix(&v3, &v4, &v9, &v14, x14, x15)
    }

    /// The seven rounds with the precomputed message schedule.
    @inline(__always)
    mutating func rounds(_ m: BLAKE3Message<UInt32>) {
        round(m.m0, m.m1, m.m2, m.m3, m.m4, m.m5, m.m6, m.m7,
              m.m8, m.m9, m.m10, m.m11, m.m12, m.m13, m.m14, m.m15)
        round(m.m2, m.m6, m.m3, m.m10, m.m7, m.m0, m.m4, m.m13,
              m.m1, m.m11, m.m12, m.m5, m.m9, m.m14, m.m15, m.m8)
        round(m.m3, m.m4, m.m10, m.m12, m.m13, m.m2, m.m7, m.m14,
              m.m6, m.m5, m.m9, m.m0, m.m11, m.m15, m.m8, m.m1)
        round(m.m10, m.m7, m.m12, m.m9, m.m14, m.m3, m.m13, m.m15,
              m.m4, m.m0, m.m11, m.m2, m.m5, m.m8, m.m1, m.m6)
        round(m.m12, m.m13, m.m9, m.m11, m.m15, m.m10, m.m14, m.m8,
              m.m7, m.m2, m.m5, m.m3, m.m0, m.m1, m.m6, m.m4)
        round(m.m9, m.m14, m.m11, m.m5, m.m8, m.m12, m.m15, m.m1,
              m.m13, m.m3, m.m0, m.m10, m.m2, m.m6, m.m4, m.m7)
        round(m.m11, m.m15, m.m5, m.m0, m.m1, m.m9, m.m8, m.m6,
              m.m14, m.m10, m.m2, m.m12, m.m3, m.m4, m.m7, m.m13)
    }
}

extension BLAKE3State4 {
    /// One round on four compressions at once (see `BLAKE3State.round`).
    @inline(__always)
    mutating func round(
        _ x0: SIMD4<UInt32>, _ x1: SIMD4<UInt32>, _ x2: SIMD4<UInt32>, _ x3: SIMD4<UInt32>,
        _ x4: SIMD4<UInt32>, _ x5: SIMD4<UInt32>, _ x6: SIMD4<UInt32>, _ x7: SIMD4<UInt32>,
        _ x8: SIMD4<UInt32>, _ x9: SIMD4<UInt32>, _ x10: SIMD4<UInt32>, _ x11: SIMD4<UInt32>,
        _ x12: SIMD4<UInt32>, _ x13: SIMD4<UInt32>, _ x14: SIMD4<UInt32>, _ x15: SIMD4<UInt32>
    ) {
        mix(&v0, &v4, &v8, &v12, x0, x1)
        mix(&v1, &v5, &v9, &v13, x2, x3)
        mix(&v2, &v6, &v10, &v14, x4, x5)
        mix(&v3, &v7, &v11, &v15, x6, x7)
        mix(&v0, &v5, &v10, &v15, x8, x9)
        mix(&v1, &v6, &v11, &v12, x10, x11)
        mix(&v2, &v7, &v8, &v13, x12, x13)
        mix(&v3, &v4, &v9, &v14, x14, x15)
    }

    /// The seven rounds with the precomputed message schedule.
    @inline(__always)
    mutating func rounds(_ m: BLAKE3Message<SIMD4<UInt32>>) {
        round(m.m0, m.m1, m.m2, m.m3, m.m4, m.m5, m.m6, m.m7,
              m.m8, m.m9, m.m10, m.m11, m.m12, m.m13, m.m14, m.m15)
        round(m.m2, m.m6, m.m3, m.m10, m.m7, m.m0, m.m4, m.m13,
              m.m1, m.m11, m.m12, m.m5, m.m9, m.m14, m.m15, m.m8)
        round(m.m3, m.m4, m.m10, m.m12, m.m13, m.m2, m.m7, m.m14,
              m.m6, m.m5, m.m9, m.m0, m.m11, m.m15, m.m8, m.m1)
        round(m.m10, m.m7, m.m12, m.m9, m.m14, m.m3, m.m13, m.m15,
              m.m4, m.m0, m.m11, m.m2, m.m5, m.m8, m.m1, m.m6)
        round(m.m12, m.m13, m.m9, m.m11, m.m15, m.m10, m.m14, m.m8,
              m.m7, m.m2, m.m5, m.m3, m.m0, m.m1, m.m6, m.m4)
        round(m.m9, m.m14, m.m11, m.m5, m.m8, m.m12, m.m15, m.m1,
              m.m13, m.m3, m.m0, m.m10, m.m2, m.m6, m.m4, m.m7)
        round(m.m11, m.m15, m.m5, m.m0, m.m1, m.m9, m.m8, m.m6,
              m.m14, m.m10, m.m2, m.m12, m.m3, m.m4, m.m7, m.m13)
    }
}

// MARK: - Scalar compression

extension BLAKE3 {
    /// Runs the seven rounds on one block and returns the working words before the
    /// final feed-forward.
    @inline(__always)
    static func permutedState(
        _ cv: ChainingValue, _ block: BLAKE3Message<UInt32>,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> BLAKE3State {
        let iv = ChainingValue.iv
        var s = BLAKE3State(
            v0: cv.h0, v1: cv.h1, v2: cv.h2, v3: cv.h3,
            v4: cv.h4, v5: cv.h5, v6: cv.h6, v7: cv.h7,
            v8: iv.h0, v9: iv.h1, v10: iv.h2, v11: iv.h3,
            v12: UInt32(truncatingIfNeeded: counter), v13: UInt32(truncatingIfNeeded: counter >> 32),
            v14: blockLength, v15: flags)
        s.rounds(block)
        return s
    }

    /// The compression function truncated to its first eight words (the next chaining
    /// value); the body of both `compress` functions.
    @inline(__always)
    static func compressInline(
        _ cv: ChainingValue, _ block: BLAKE3Message<UInt32>,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> ChainingValue {
        let s = permutedState(cv, block, counter: counter, blockLength: blockLength, flags: flags)
        return ChainingValue(
            h0: s.v0 ^ s.v8, h1: s.v1 ^ s.v9, h2: s.v2 ^ s.v10, h3: s.v3 ^ s.v11,
            h4: s.v4 ^ s.v12, h5: s.v5 ^ s.v13, h6: s.v6 ^ s.v14, h7: s.v7 ^ s.v15)
    }

    /// The compression function truncated to its first eight words: the next chaining
    /// value. Row-wise where vector code is on (``fourWay``), else scalar.
    @inline(__always)
    static func compress(
        _ cv: ChainingValue, _ block: BLAKE3Message<UInt32>,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> ChainingValue {
        if fourWay {
            return compressRows(
                BLAKE3RowChainingValue(cv), BLAKE3RowMessage(block),
                counter: counter, blockLength: blockLength, flags: flags
            ).chainingValue
        }
        return compressScalar(cv, block, counter: counter, blockLength: blockLength, flags: flags)
    }

    /// `compress` on the 64 bytes at `block`.
    @inline(__always)
    static func compress(
        _ cv: ChainingValue, blockAt block: UnsafeRawPointer,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> ChainingValue {
        if fourWay {
            return compressRows(
                BLAKE3RowChainingValue(cv), BLAKE3RowMessage(loading: block),
                counter: counter, blockLength: blockLength, flags: flags
            ).chainingValue
        }
        return compressScalar(
            cv, blockAt: block, counter: counter, blockLength: blockLength, flags: flags)
    }

    /// The scalar compression function truncated to its first eight words.
    ///
    /// Left out of line on purpose: inlined into the chunk loop it measured about 8%
    /// slower, the loop's own live values adding register spills to the rounds.
    static func compressScalar(
        _ cv: ChainingValue, _ block: BLAKE3Message<UInt32>,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> ChainingValue {
        compressInline(cv, block, counter: counter, blockLength: blockLength, flags: flags)
    }

    /// `compressScalar` on the 64 bytes at `block`, read inside the function (one copy less).
    static func compressScalar(
        _ cv: ChainingValue, blockAt block: UnsafeRawPointer,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> ChainingValue {
        compressInline(
            cv, BLAKE3Message(loading: block),
            counter: counter, blockLength: blockLength, flags: flags)
    }

    /// The full 64-byte output of the compression function, written little-endian to `out`
    /// (used for root output blocks in extendable-output mode).
    static func compressFull(
        _ cv: ChainingValue, _ block: BLAKE3Message<UInt32>,
        counter: UInt64, blockLength: UInt32, flags: UInt32,
        into out: UnsafeMutableRawPointer
    ) {
        let s = permutedState(cv, block, counter: counter, blockLength: blockLength, flags: flags)
        @inline(__always) func store(_ word: UInt32, _ index: Int) {
            out.storeBytes(of: word.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
        }
        store(s.v0 ^ s.v8, 0)
        store(s.v1 ^ s.v9, 1)
        store(s.v2 ^ s.v10, 2)
        store(s.v3 ^ s.v11, 3)
        store(s.v4 ^ s.v12, 4)
        store(s.v5 ^ s.v13, 5)
        store(s.v6 ^ s.v14, 6)
        store(s.v7 ^ s.v15, 7)
        store(s.v8 ^ cv.h0, 8)
        store(s.v9 ^ cv.h1, 9)
        store(s.v10 ^ cv.h2, 10)
        store(s.v11 ^ cv.h3, 11)
        store(s.v12 ^ cv.h4, 12)
        store(s.v13 ^ cv.h5, 13)
        store(s.v14 ^ cv.h6, 14)
        store(s.v15 ^ cv.h7, 15)
    }

    /// The chaining value of a parent node from its two children.
    @inline(__always)
    static func parentChainingValue(
        _ left: ChainingValue, _ right: ChainingValue, key: ChainingValue, flags: UInt32
    ) -> ChainingValue {
        compress(key, BLAKE3Message(left: left, right: right),
                 counter: 0, blockLength: UInt32(blockLength), flags: flags | Flag.parent)
    }
}

// MARK: - Row-wise compression

// One compression with its working words as the rows (v0…v3), (v4…v7), (v8…v11),
// (v12…v15): `G` runs on the four columns at once, then, after rotating rows so that
// each diagonal lies in one lane, on the four diagonals at once. This is about half the
// instructions of the scalar shape and runs on the vector units. The scalar shape is
// limited by the four integer ALUs (784 operations per block), so it slows down as soon
// as another thread shares the core; the row-wise shape is limited by its dependency
// chain alone and measured steadier and, under load, faster.
//
// The diagonal step leaves row `b` in place and rotates `a`, `c` and `d` instead: `b`
// is the last row a half-round computes, so no shuffle sits on the dependency chain
// from one half-round to the next. Lane `i` of the diagonal step then holds diagonal
// `i - 1`, so the diagonal message vectors are stored rotated by one lane.

/// A chaining value as two rows: words 0–3 and words 4–7.
struct BLAKE3RowChainingValue {
    var low, high: SIMD4<UInt32>

    @inline(__always)
    init(low: SIMD4<UInt32>, high: SIMD4<UInt32>) {
        self.low = low
        self.high = high
    }

    @inline(__always)
    init(_ cv: BLAKE3.ChainingValue) {
        low = SIMD4(cv.h0, cv.h1, cv.h2, cv.h3)
        high = SIMD4(cv.h4, cv.h5, cv.h6, cv.h7)
    }

    /// The same eight words as a ``BLAKE3/ChainingValue``.
    @inline(__always)
    var chainingValue: BLAKE3.ChainingValue {
        BLAKE3.ChainingValue(
            h0: low[0], h1: low[1], h2: low[2], h3: low[3],
            h4: high[0], h5: high[1], h6: high[2], h7: high[3])
    }

    /// The 32 bytes as a ``Hash256`` (words are little-endian, as in `Hash256`).
    @inline(__always)
    var hash256: Hash256 {
        let l = unsafeBitCast(low, to: SIMD2<UInt64>.self)
        let h = unsafeBitCast(high, to: SIMD2<UInt64>.self)
        return Hash256(w0: l[0], w1: l[1], w2: h[0], w3: h[1])
    }
}

/// One block's message words in the order the row-wise rounds take them: `x1`, `y1`
/// the first and second word of each column's `G`, `x2`, `y2` those of each diagonal's
/// `G` (rotated by one lane, see above).
struct BLAKE3RowMessage {
    var x1, y1, x2, y2: SIMD4<UInt32>

    /// The round-0 order of the words `w0` (words 0–3) … `w3` (words 12–15).
    @inline(__always)
    init(words w0: SIMD4<UInt32>, _ w1: SIMD4<UInt32>, _ w2: SIMD4<UInt32>, _ w3: SIMD4<UInt32>) {
        x1 = SIMD4(w0[0], w0[2], w1[0], w1[2])
        y1 = SIMD4(w0[1], w0[3], w1[1], w1[3])
        x2 = SIMD4(w3[2], w2[0], w2[2], w3[0])
        y2 = SIMD4(w3[3], w2[1], w2[3], w3[1])
    }

    /// Reads 64 bytes at `block` as sixteen little-endian words; no alignment needed.
    @inline(__always)
    init(loading block: UnsafeRawPointer) {
        #if _endian(little)
        self.init(
            words: block.loadUnaligned(fromByteOffset: 0, as: SIMD4<UInt32>.self),
            block.loadUnaligned(fromByteOffset: 16, as: SIMD4<UInt32>.self),
            block.loadUnaligned(fromByteOffset: 32, as: SIMD4<UInt32>.self),
            block.loadUnaligned(fromByteOffset: 48, as: SIMD4<UInt32>.self))
        #else
        self.init(BLAKE3Message(loading: block))
        #endif
    }

    /// The same words as a scalar message.
    @inline(__always)
    init(_ m: BLAKE3Message<UInt32>) {
        self.init(
            words: SIMD4(m.m0, m.m1, m.m2, m.m3), SIMD4(m.m4, m.m5, m.m6, m.m7),
            SIMD4(m.m8, m.m9, m.m10, m.m11), SIMD4(m.m12, m.m13, m.m14, m.m15))
    }

    /// Moves to the next round's order: applies the message permutation (2, 6, 3, 10,
    /// 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8) to the words in this layout.
    @inline(__always)
    mutating func permute() {
        let (x1, y1, x2, y2) = (self.x1, self.y1, self.x2, self.y2)
        self.x1 = SIMD4(x1[1], y1[1], y1[3], x1[2])
        self.y1 = SIMD4(x1[3], x2[2], x1[0], y2[3])
        self.x2 = SIMD4(y2[0], y1[0], x2[3], y2[1])
        self.y2 = SIMD4(x2[1], y2[2], y1[2], x2[0])
    }
}

/// The rotation by 16 of the row-wise rounds: with SSSE3 one `pshufb`; without it as two
/// shifts, since the 16-bit shuffle form measured slower there (LLVM merges it with the
/// neighbouring operations into six instructions).
@inline(__always)
private func rowRotateRight16(_ x: SIMD4<UInt32>) -> SIMD4<UInt32> {
    #if BLAKE3_SSSE3
    rotateRight16(x)
    #else
    rotateRight(x, 16)
    #endif
}

/// The two halves of `x` rotated right by `count`, not yet joined: `x >> count` and
/// `x << (32 - count)`. Their bits are disjoint, so adding both to a value adds the rotation.
@inline(__always)
private func rotationHalves(_ x: SIMD4<UInt32>, _ count: UInt32) -> (SIMD4<UInt32>, SIMD4<UInt32>) {
    let left = 32 &- count
    let right = unsafeBitCast((count, count, count, count), to: SIMD4<UInt32>.self)
    let leftCounts = unsafeBitCast((left, left, left, left), to: SIMD4<UInt32>.self)
    return (x &>> right, x &<< leftCounts)
}

/// `G` on the four lanes of the rows `a`, `b`, `c`, `d`.
///
/// The rotations of `b` (by 12 and by 7) are the ones still made of two shifts and an
/// `or`, and each is followed by the addition of `b` to `a`. That addition takes the two
/// shifted halves directly (`a + x + hi + lo`), so the `or` that rebuilds `b` leaves the
/// dependency chain: one cycle less per rotation, about a tenth of a compression. To fold
/// the rotation by 7 into the next `G`'s first addition in the same way, `b` travels
/// between calls with that rotation still pending: it comes in and goes out unrotated
/// (except in the very first call, `bRotated`, where it is the chaining value's words).
@inline(__always)
private func rowMix(
    _ a: inout SIMD4<UInt32>, _ b: inout SIMD4<UInt32>, _ c: inout SIMD4<UInt32>,
    _ d: inout SIMD4<UInt32>, _ x: SIMD4<UInt32>, _ y: SIMD4<UInt32>, bRotated: Bool = false
) {
    var rotatedB: SIMD4<UInt32>
    if bRotated {
        a = a &+ x &+ b
        rotatedB = b
    } else {
        let (high, low) = rotationHalves(b, 7)
        a = a &+ x &+ high &+ low
        rotatedB = high | low
    }
    d = rowRotateRight16(d ^ a)
    c = c &+ d
    let (high, low) = rotationHalves(rotatedB ^ c, 12)
    a = a &+ y &+ high &+ low
    rotatedB = high | low
    d = rotateRight8(d ^ a)
    c = c &+ d
    b = rotatedB ^ c    // rotated by 7 in the next call, or at the end of the compression
}

extension BLAKE3 {
    /// The row-wise compression function truncated to its first eight words.
    ///
    /// Out of line on purpose, like the scalar one; inlined into the chunk loop it
    /// measured slightly slower.
    @inline(never)
    static func compressRows(
        _ cv: BLAKE3RowChainingValue, _ message: BLAKE3RowMessage,
        counter: UInt64, blockLength: UInt32, flags: UInt32
    ) -> BLAKE3RowChainingValue {
        let iv = ChainingValue.iv
        var a = cv.low
        var b = cv.high
        var c = SIMD4(iv.h0, iv.h1, iv.h2, iv.h3)
        var d = SIMD4(
            UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32),
            blockLength, flags)
        var m = message
        // Written out: LLVM keeps a loop over the rounds rolled, which measured slower.
        rowRound(&a, &b, &c, &d, m, first: true)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        m.permute()
        rowRound(&a, &b, &c, &d, m)
        // `b` still owes its last rotation by 7 (see `rowMix`).
        return BLAKE3RowChainingValue(low: a ^ c, high: rotateRight(b, 7) ^ d)
    }
}

/// One row-wise round: `G` on the columns, then on the diagonals. `b` comes in and goes
/// out with its rotation by 7 pending, except that it comes in rotated in the `first` round.
@inline(__always)
private func rowRound(
    _ a: inout SIMD4<UInt32>, _ b: inout SIMD4<UInt32>, _ c: inout SIMD4<UInt32>,
    _ d: inout SIMD4<UInt32>, _ m: BLAKE3RowMessage, first: Bool = false
) {
    rowMix(&a, &b, &c, &d, m.x1, m.y1, bRotated: first)
    a = SIMD4(a[3], a[0], a[1], a[2])
    c = SIMD4(c[1], c[2], c[3], c[0])
    d = SIMD4(d[2], d[3], d[0], d[1])
    rowMix(&a, &b, &c, &d, m.x2, m.y2)
    a = SIMD4(a[1], a[2], a[3], a[0])
    c = SIMD4(c[3], c[0], c[1], c[2])
    d = SIMD4(d[2], d[3], d[0], d[1])
}

// MARK: - Four-way compression

/// Eight words of four chaining values side by side: lane `i` of `h0`…`h7` is the
/// chaining value of compression `i`.
struct BLAKE3ChainingValues4 {
    var h0, h1, h2, h3, h4, h5, h6, h7: SIMD4<UInt32>

    /// Every lane set to `cv`.
    @inline(__always)
    init(repeating cv: BLAKE3.ChainingValue) {
        h0 = SIMD4(repeating: cv.h0)
        h1 = SIMD4(repeating: cv.h1)
        h2 = SIMD4(repeating: cv.h2)
        h3 = SIMD4(repeating: cv.h3)
        h4 = SIMD4(repeating: cv.h4)
        h5 = SIMD4(repeating: cv.h5)
        h6 = SIMD4(repeating: cv.h6)
        h7 = SIMD4(repeating: cv.h7)
    }

    /// Lane `i` as one chaining value.
    @inline(__always)
    subscript(lane i: Int) -> BLAKE3.ChainingValue {
        BLAKE3.ChainingValue(h0: h0[i], h1: h1[i], h2: h2[i], h3: h3[i],
                             h4: h4[i], h5: h5[i], h6: h6[i], h7: h7[i])
    }

    /// Writes the four chaining values to `out[0]`…`out[3]`.
    @inline(__always)
    func store(to out: UnsafeMutablePointer<BLAKE3.ChainingValue>) {
        out[0] = self[lane: 0]
        out[1] = self[lane: 1]
        out[2] = self[lane: 2]
        out[3] = self[lane: 3]
    }

    /// Four compressions at once, keeping the first eight output words of each.
    ///
    /// Out of line on purpose: inlined into the chunk loop it measured about 15% slower
    /// (more vector spills).
    @inline(never)
    mutating func compress(
        _ m: BLAKE3Message<SIMD4<UInt32>>, counterLow: SIMD4<UInt32>, counterHigh: SIMD4<UInt32>,
        blockLength: UInt32, flags: UInt32
    ) {
        let iv = BLAKE3.ChainingValue.iv
        var s = BLAKE3State4(
            v0: h0, v1: h1, v2: h2, v3: h3, v4: h4, v5: h5, v6: h6, v7: h7,
            v8: SIMD4(repeating: iv.h0), v9: SIMD4(repeating: iv.h1),
            v10: SIMD4(repeating: iv.h2), v11: SIMD4(repeating: iv.h3),
            v12: counterLow, v13: counterHigh,
            v14: SIMD4(repeating: blockLength), v15: SIMD4(repeating: flags))
        s.rounds(m)
        h0 = s.v0 ^ s.v8
        h1 = s.v1 ^ s.v9
        h2 = s.v2 ^ s.v10
        h3 = s.v3 ^ s.v11
        h4 = s.v4 ^ s.v12
        h5 = s.v5 ^ s.v13
        h6 = s.v6 ^ s.v14
        h7 = s.v7 ^ s.v15
    }
}

extension BLAKE3 {
    /// Hashes four full chunks in parallel, lane `i` reading 1 KiB at `chunks.i` with
    /// chunk counter `counter + i`, and returns their chaining values lane-wise.
    static func hashFourChunks(
        _ chunks: BLAKE3ChunkPointers, counter: UInt64, key: ChainingValue, flags: UInt32
    ) -> BLAKE3ChainingValues4 {
        var cvs = BLAKE3ChainingValues4(repeating: key)
        let counters = SIMD4<UInt64>(counter, counter &+ 1, counter &+ 2, counter &+ 3)
        let counterLow = SIMD4<UInt32>(truncatingIfNeeded: counters)
        let counterHigh = SIMD4<UInt32>(truncatingIfNeeded: counters &>> 32)
        for blockIndex in 0..<blocksPerChunk {
            var blockFlags = flags
            if blockIndex == 0 { blockFlags |= Flag.chunkStart }
            if blockIndex == blocksPerChunk - 1 { blockFlags |= Flag.chunkEnd }
            let message = BLAKE3Message<SIMD4<UInt32>>(loading: chunks, offset: blockIndex * blockLength)
            cvs.compress(
                message, counterLow: counterLow, counterHigh: counterHigh,
                blockLength: UInt32(blockLength), flags: blockFlags)
        }
        return cvs
    }

    /// Computes four parent nodes at once: parent `i` joins `children[2i]` and
    /// `children[2i + 1]`; the results go to `out[0]`…`out[3]` (which may be `children`).
    static func hashFourParents(
        _ children: UnsafePointer<ChainingValue>, key: ChainingValue, flags: UInt32,
        into out: UnsafeMutablePointer<ChainingValue>
    ) {
        let l0 = children[0], r0 = children[1], l1 = children[2], r1 = children[3]
        let l2 = children[4], r2 = children[5], l3 = children[6], r3 = children[7]
        let message = BLAKE3Message<SIMD4<UInt32>>(
            m0: SIMD4(l0.h0, l1.h0, l2.h0, l3.h0), m1: SIMD4(l0.h1, l1.h1, l2.h1, l3.h1),
            m2: SIMD4(l0.h2, l1.h2, l2.h2, l3.h2), m3: SIMD4(l0.h3, l1.h3, l2.h3, l3.h3),
            m4: SIMD4(l0.h4, l1.h4, l2.h4, l3.h4), m5: SIMD4(l0.h5, l1.h5, l2.h5, l3.h5),
            m6: SIMD4(l0.h6, l1.h6, l2.h6, l3.h6), m7: SIMD4(l0.h7, l1.h7, l2.h7, l3.h7),
            m8: SIMD4(r0.h0, r1.h0, r2.h0, r3.h0), m9: SIMD4(r0.h1, r1.h1, r2.h1, r3.h1),
            m10: SIMD4(r0.h2, r1.h2, r2.h2, r3.h2), m11: SIMD4(r0.h3, r1.h3, r2.h3, r3.h3),
            m12: SIMD4(r0.h4, r1.h4, r2.h4, r3.h4), m13: SIMD4(r0.h5, r1.h5, r2.h5, r3.h5),
            m14: SIMD4(r0.h6, r1.h6, r2.h6, r3.h6), m15: SIMD4(r0.h7, r1.h7, r2.h7, r3.h7))
        var cvs = BLAKE3ChainingValues4(repeating: key)
        cvs.compress(
            message, counterLow: .zero, counterHigh: .zero,
            blockLength: UInt32(blockLength), flags: flags | Flag.parent)
        cvs.store(to: out)
    }
}
