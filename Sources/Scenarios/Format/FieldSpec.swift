/// A numeric range with open or closed ends; nil ends are unbounded.
struct Bounds: Sendable {
    /// Lower end, if any.
    var lower: Double?
    /// Whether the lower end itself is allowed.
    var lowerInclusive = true
    /// Upper end, if any.
    var upper: Double?
    /// Whether the upper end itself is allowed.
    var upperInclusive = true

    /// Values strictly above `value`.
    static func above(_ value: Double) -> Bounds { Bounds(lower: value, lowerInclusive: false) }
    /// Values at or above `value`.
    static func atLeast(_ value: Double) -> Bounds { Bounds(lower: value) }
    /// Values from `lower` to `upper`, both included.
    static func between(_ lower: Double, _ upper: Double) -> Bounds { Bounds(lower: lower, upper: upper) }
    /// Any finite value.
    static let any = Bounds()

    /// Whether `value` lies inside the range.
    func contains(_ value: Double) -> Bool {
        if let lower, lowerInclusive ? value < lower : value <= lower { return false }
        if let upper, upperInclusive ? value > upper : value >= upper { return false }
        return true
    }

    /// The rule in words: "must be > 0", "must be between 0 and 1", "must be ≥ 0 and < 1".
    var rule: String {
        switch (lower, upper) {
        case let (lower?, upper?) where lowerInclusive && upperInclusive:
            return "must be between \(formatNumber(lower)) and \(formatNumber(upper))"
        case let (lower?, upper?):
            return "must be \(lowerInclusive ? "≥" : ">") \(formatNumber(lower)) and "
                + "\(upperInclusive ? "≤" : "<") \(formatNumber(upper))"
        case let (lower?, nil):
            return "must be \(lowerInclusive ? "≥" : ">") \(formatNumber(lower))"
        case let (nil, upper?):
            return "must be \(upperInclusive ? "≤" : "<") \(formatNumber(upper))"
        case (nil, nil):
            return "must be a finite number"
        }
    }
}

/// Formats a number for messages without a needless ".0" (`0`, `0.5`, `100000`).
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return value.description
}

/// Which durations a field accepts.
enum DurationRule: Sendable {
    /// Strictly longer than zero.
    case positive
    /// Zero or longer.
    case nonNegative
    /// Any duration, negative included (a clock offset).
    case signed
}

/// The JSON type of a field and the rule each single value must follow.
indirect enum FieldType: Sendable {
    /// A whole number between the bounds (inclusive).
    case integer(minimum: Int64?, maximum: Int64?)
    /// A whole number 0…2^64 - 1.
    case unsigned64
    /// A number inside the bounds.
    case number(Bounds)
    /// true or false.
    case boolean
    /// A string matching `pattern` (if any); `hint` explains the pattern to a person.
    case text(pattern: String?, hint: String?)
    /// One of these strings.
    case choice([String])
    /// The name of a metric in `MetricCatalog`.
    case metricName
    /// A string with a unit, such as "250ms".
    case duration(DurationRule)
    /// An array of elements of one type, with at least `minimumCount` elements.
    case list(FieldType, minimumCount: Int)
    /// A nested object.
    case object(ObjectSpec)
    /// The wrapped type, or null.
    case nullable(FieldType)
    /// Exactly this integer (the format version).
    case constant(Int)
}

/// Where a field's value comes from when the key is missing.
enum FieldDefault: Sendable {
    /// The key must be present.
    case required
    /// This value, also published as the schema's `default`.
    case value(JSONValue)
    /// Computed from other fields; the text says how, for documentation.
    case derived(String)
    /// Nothing: the field stays unset.
    case none
}

/// One key of a JSON object: its type, default and meaning.
struct FieldSpec: Sendable {
    /// The JSON key, camelCase.
    let key: String
    /// The value's type and per-value rule.
    let type: FieldType
    /// What happens when the key is missing.
    let fallback: FieldDefault
    /// One line describing the field for people (schema `description`).
    let summary: String

    init(_ key: String, _ type: FieldType, _ fallback: FieldDefault, _ summary: String) {
        self.key = key
        self.type = type
        self.fallback = fallback
        self.summary = summary
    }
}

/// Keys that one value of a discriminating field uses and requires.
struct Variant: Sendable {
    /// The discriminator's value (`"partition"`, `"wan"`).
    let value: String
    /// Governed keys this variant accepts; the others are errors.
    let uses: [String]
    /// Keys this variant needs (governed or not).
    let requires: [String]
    /// Keys of which this variant needs at least one.
    let requiresAnyOf: [String]

    init(_ value: String, uses: [String] = [], requires: [String] = [], requiresAnyOf: [String] = []) {
        self.value = value
        self.uses = uses
        self.requires = requires
        self.requiresAnyOf = requiresAnyOf
    }
}

/// Keys of an object whose relevance depends on the value of one field.
struct Variants: Sendable {
    /// The discriminating key (`kind`, `pattern`, `profile`).
    let key: String
    /// Keys only some variants use; a key outside this list is usable by every variant.
    let governed: [String]
    /// One entry per possible value of the discriminator.
    let variants: [Variant]

    /// The entry for a discriminator value.
    func variant(_ value: String) -> Variant? {
        variants.first { $0.value == value }
    }
}

/// The keys of a JSON object and the rules that span several of them.
struct ObjectSpec: Sendable {
    /// One line describing the object for people.
    let summary: String
    /// Every key the object accepts, in documentation order.
    let fields: [FieldSpec]
    /// Groups of keys that may not appear together.
    var mutuallyExclusive: [[String]] = []
    /// Groups of keys of which at least one must appear.
    var atLeastOneOf: [[String]] = []
    /// Keys that depend on a discriminating field.
    var variants: Variants? = nil

    /// The spec of `key`; the decoder only asks for keys it declared.
    func field(_ key: String) -> FieldSpec {
        guard let spec = fields.first(where: { $0.key == key }) else {
            preconditionFailure("no field \(key) in object spec")
        }
        return spec
    }

    /// All keys in documentation order.
    var keys: [String] { fields.map(\.key) }
}
