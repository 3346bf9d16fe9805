import Crypto
import Foundation

/// The post-quantum signature schemes a vertex creator may use.
public enum SignatureScheme: String, Sendable, CaseIterable, Codable {
    /// ML-DSA-87 (FIPS 204, security category 5): the default.
    case mlDSA87 = "ml-dsa-87"
    /// ML-DSA-65 (FIPS 204, security category 3): smaller and faster.
    case mlDSA65 = "ml-dsa-65"

    /// Bytes in one signature (FIPS 204).
    public var signatureSize: Int {
        switch self {
        case .mlDSA87: 4627
        case .mlDSA65: 3309
        }
    }

    /// Bytes in one encoded public key (FIPS 204).
    public var publicKeySize: Int {
        switch self {
        case .mlDSA87: 2592
        case .mlDSA65: 1952
        }
    }
}

/// A signing failure reported by the underlying library.
public struct SigningError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}

/// A private ML-DSA key that signs vertex ids.
public struct SigningKey: Sendable {
    private enum Backing: Sendable {
        case mlDSA87(MLDSA87.PrivateKey)
        case mlDSA65(MLDSA65.PrivateKey)
    }

    private let backing: Backing

    /// The scheme of this key.
    public var scheme: SignatureScheme {
        switch backing {
        case .mlDSA87: .mlDSA87
        case .mlDSA65: .mlDSA65
        }
    }

    /// Derives a key deterministically from a 32-byte seed (FIPS 204 key generation from ξ).
    public init(scheme: SignatureScheme, seed: Hash256) throws {
        do {
            switch scheme {
            case .mlDSA87: backing = .mlDSA87(try MLDSA87.PrivateKey(seedRepresentation: seed.bytes, publicKey: nil))
            case .mlDSA65: backing = .mlDSA65(try MLDSA65.PrivateKey(seedRepresentation: seed.bytes, publicKey: nil))
            }
        } catch {
            throw SigningError(description: "cannot derive an \(scheme.rawValue) key: \(error)")
        }
    }

    /// The matching public key.
    public var verifyingKey: VerifyingKey {
        switch backing {
        case let .mlDSA87(key): VerifyingKey(backing: .mlDSA87(key.publicKey))
        case let .mlDSA65(key): VerifyingKey(backing: .mlDSA65(key.publicKey))
        }
    }

    /// Signs the 32 bytes of `id`.
    public func sign(_ id: Hash256) throws -> [UInt8] {
        let message = id.bytes
        do {
            switch backing {
            case let .mlDSA87(key): return [UInt8](try key.signature(for: message))
            case let .mlDSA65(key): return [UInt8](try key.signature(for: message))
            }
        } catch {
            throw SigningError(description: "\(scheme.rawValue) signing failed: \(error)")
        }
    }
}

/// A public ML-DSA key that checks vertex signatures.
public struct VerifyingKey: Sendable {
    fileprivate enum Backing: Sendable {
        case mlDSA87(MLDSA87.PublicKey)
        case mlDSA65(MLDSA65.PublicKey)
    }

    fileprivate let backing: Backing

    fileprivate init(backing: Backing) { self.backing = backing }

    /// Parses an encoded public key of `scheme`.
    public init(scheme: SignatureScheme, rawRepresentation: [UInt8]) throws {
        do {
            switch scheme {
            case .mlDSA87: backing = .mlDSA87(try MLDSA87.PublicKey(rawRepresentation: rawRepresentation))
            case .mlDSA65: backing = .mlDSA65(try MLDSA65.PublicKey(rawRepresentation: rawRepresentation))
            }
        } catch {
            throw SigningError(description: "not an \(scheme.rawValue) public key: \(error)")
        }
    }

    /// The encoded public key.
    public var rawRepresentation: [UInt8] {
        switch backing {
        case let .mlDSA87(key): [UInt8](key.rawRepresentation)
        case let .mlDSA65(key): [UInt8](key.rawRepresentation)
        }
    }

    /// Whether `signature` is a valid signature of `id` under this key.
    public func isValidSignature(_ signature: [UInt8], for id: Hash256) -> Bool {
        let message = id.bytes
        switch backing {
        case let .mlDSA87(key): return key.isValidSignature(signature, for: message)
        case let .mlDSA65(key): return key.isValidSignature(signature, for: message)
        }
    }
}
