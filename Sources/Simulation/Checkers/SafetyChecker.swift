import ConsensusCore

/// The safety checker, kept apart from the models it watches: no two honest nodes may
/// accept conflicting transactions, and no honest node may reject what another
/// honest node accepted (an accepted transaction is never undone).
///
/// It records, per input, the first transaction an honest node accepted for it, and
/// compares every later honest acceptance and rejection with that. Inputs are
/// allocated densely by the workload, so the record is an array; inputs decided
/// longer ago than `horizon` inputs are forgotten, which bounds memory on long runs
/// (conflicts are decided within seconds of their submission).
public struct SafetyChecker: Sendable {
    /// Each violation found, in the order found.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// The node whose decision broke safety.
        public let node: Int
        /// The input both transactions spend.
        public let input: InputID
        /// The transaction accepted first (by another honest node).
        public let accepted: UInt64
        /// The transaction this node decided against it (accepted or rejected), by nonce.
        public let conflicting: UInt64
        /// What the node did.
        public let kind: Kind
        /// Accepted a conflict of an accepted transaction, or rejected an accepted one.
        public enum Kind: String, Sendable { case acceptedConflict = "accepted a conflicting transaction", rejectedAccepted = "rejected an accepted transaction" }

        public var description: String {
            "node \(node) \(kind.rawValue): input \(input), accepted tx #\(accepted), other tx #\(conflicting)"
        }
    }

    private var firstAccepted: [UInt64] = []     // nonce + 1 per input; 0 = none yet
    /// Up to two distinct rejected transactions per input (nonce + 1), so an acceptance after
    /// another node's rejection is caught too: the workload spends an input at most twice.
    private var rejectedA: [UInt64] = []
    private var rejectedB: [UInt64] = []
    private var base: InputID = 1
    /// Inputs remembered.
    public let horizon: Int
    /// Violations found (the first 1,000 are kept; `count` counts all).
    public private(set) var violations: [Violation] = []
    /// Number of violations found.
    public private(set) var count = 0

    /// A checker remembering the last `horizon` inputs.
    public init(horizon: Int = 1 << 22) { self.horizon = horizon }

    private mutating func slot(_ input: InputID) -> Int? {
        guard input >= base else { return nil }       // forgotten
        let index = Int(input - base)
        if index >= firstAccepted.count {
            let grow = index - firstAccepted.count + 1
            firstAccepted.append(contentsOf: repeatElement(0, count: grow))
            rejectedA.append(contentsOf: repeatElement(0, count: grow))
            rejectedB.append(contentsOf: repeatElement(0, count: grow))
        }
        if firstAccepted.count > horizon + horizon / 4 {
            let drop = firstAccepted.count - horizon
            firstAccepted.removeFirst(drop)
            rejectedA.removeFirst(drop)
            rejectedB.removeFirst(drop)
            base += InputID(drop)
            return index >= drop ? index - drop : nil
        }
        return index
    }

    /// An honest node accepted `tx`.
    public mutating func accepted(_ tx: Transaction, by node: Int) {
        for input in tx.inputs {
            guard let i = slot(input) else { continue }
            let first = firstAccepted[i]
            if rejectedA[i] == tx.nonce + 1 || rejectedB[i] == tx.nonce + 1 {
                record(Violation(node: node, input: input, accepted: tx.nonce, conflicting: tx.nonce, kind: .rejectedAccepted))
            }
            if first == 0 {
                firstAccepted[i] = tx.nonce + 1
            } else if first != tx.nonce + 1 {
                record(Violation(node: node, input: input, accepted: first - 1, conflicting: tx.nonce, kind: .acceptedConflict))
            }
        }
    }

    /// An honest node rejected `tx`.
    public mutating func rejected(_ tx: Transaction, by node: Int) {
        for input in tx.inputs {
            guard let i = slot(input) else { continue }
            let mark = tx.nonce + 1
            if firstAccepted[i] == mark {
                record(Violation(node: node, input: input, accepted: tx.nonce, conflicting: tx.nonce, kind: .rejectedAccepted))
            }
            if rejectedA[i] == 0 { rejectedA[i] = mark } else if rejectedA[i] != mark && rejectedB[i] == 0 { rejectedB[i] = mark }
        }
    }

    private mutating func record(_ violation: Violation) {
        count += 1
        if violations.count < 1_000 { violations.append(violation) }
    }
}
