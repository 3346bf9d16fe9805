import ConsensusCore

/// A map keyed by vertex number (see ``IntegerMap``): a 4-byte key and the value per bucket.
typealias NumberMap<Value> = IntegerMap<UInt32, Value>

/// A poll's counts of voters by vertex number.
typealias NumberCounts = NumberMap<Int32>
