// BLAKE3, as specified in "BLAKE3: one function, fast everywhere" (Aumasson, Neves,
// O'Connor, Wilcox-O'Hearn), in pure Swift.
//
// Implements the whole function: the 7-round compression function on 64-byte blocks,
// 1 KiB chunks, the binary tree of parent nodes (with the chaining-value stack in the
// incremental hasher), and the root output with extendable output of any length, in
// all three modes: hash, keyed_hash and derive_key.
//
// Speed: the scalar compression keeps its 16 working words in locals with the rounds
// unrolled and the message schedule precomputed. Runs of three or more whole chunks are
// compressed four chunks at a time in `SIMD4<UInt32>` lanes, and parent nodes four at a
// time, level by level. Single blocks are compressed row-wise (four `G`s at once), and an
// input of at most one chunk in one row-wise pass. On x86-64 the package builds the core
// for SSSE3, so that the rotations by 8 and 16 are one byte shuffle each. `hash` and
// `keyedHash` do not allocate.
//
// Files: `BLAKE3+Compress.swift` (compression), `BLAKE3+Tree.swift` (tree over
// contiguous input), `BLAKE3+Hasher.swift` (incremental hasher), `Hash256.swift`.

/// The BLAKE3 cryptographic hash function: one-shot hashing, keyed hashing, key
/// derivation, and an incremental ``Hasher`` with extendable output.
public enum BLAKE3 {
    /// The 32-byte BLAKE3 hash of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Hash256 {
        rootHash(bytes, key: .iv, flags: 0)
    }

    /// The 32-byte BLAKE3 hash of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The keyed BLAKE3 hash (a MAC / PRF) of `bytes` under the 32-byte `key`.
    public static func keyedHash(key: Hash256, _ bytes: UnsafeRawBufferPointer) -> Hash256 {
        rootHash(bytes, key: ChainingValue(key), flags: Flag.keyedHash)
    }

    /// The keyed BLAKE3 hash (a MAC / PRF) of `bytes` under the 32-byte `key`.
    public static func keyedHash(key: Hash256, _ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { keyedHash(key: key, $0) }
    }

    /// Derives a 32-byte key from key `material` in the domain named by `context`.
    ///
    /// `context` should be hard-coded, globally unique and application-specific, for
    /// example `"cretoscale 2025-01-01 vertex id"`; it is hashed first (as UTF-8) into a
    /// context key, which then keys the hash of `material`.
    public static func deriveKey(context: String, material: [UInt8]) -> Hash256 {
        let contextKey = contextKey(context)
        return material.withUnsafeBytes {
            rootHash($0, key: contextKey, flags: Flag.deriveKeyMaterial)
        }
    }

    /// The key that a derive-key context string stands for.
    static func contextKey(_ context: String) -> ChainingValue {
        var context = context
        let key = context.withUTF8 { utf8 in
            rootHash(UnsafeRawBufferPointer(utf8), key: .iv, flags: Flag.deriveKeyContext)
        }
        return ChainingValue(key)
    }
}
