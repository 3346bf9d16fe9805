/// The inputs an engine has decided and the transaction each was decided for, the most
/// recent `limit` of them: in a table, or, for spends a shared ``VertexNumbering`` knows,
/// one bit per spend over a sliding window of spend numbers.
struct DecidedInputs: Sendable {
    private let numbering: VertexNumbering?
    private var table: [InputID: Hash256] = [:]
    /// Table keys in the order they were decided, for forgetting the oldest.
    private var queue: [InputID] = []
    private var queueHead = 0
    /// Spends chosen by a decided conflict set.
    private var chosen = NumberWindow(keepsMarks: false)

    init(numbering: VertexNumbering?) {
        self.numbering = numbering
    }

    /// Decisions remembered.
    var count: Int { table.count + chosen.count }

    /// The transaction `input` was decided for, while remembered.
    func winner(of input: InputID) -> Hash256? {
        if !table.isEmpty, let tx = table[input] { return tx }
        guard let numbering, chosen.count > 0 else { return nil }
        for spend in numbering.spends(of: input) where chosen.lookup(spend) != nil {
            return numbering.transaction(ofSpend: spend)
        }
        return nil
    }

    /// Remembers that `input` was decided for `tx`.
    mutating func remember(_ input: InputID, for tx: Hash256, limit: Int) {
        if let numbering, let spend = numbering.spend(of: input, by: tx) {
            _ = chosen.insert(spend, marked: false, limit: limit)
            return
        }
        table[input] = tx
        queue.append(input)
        while table.count > limit {
            table[queue[queueHead]] = nil
            queueHead += 1
        }
        if queueHead > 4096 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }
}
