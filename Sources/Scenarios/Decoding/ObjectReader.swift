/// Reads one JSON object against its `ObjectSpec`, reporting problems at their paths.
///
/// Opening a reader checks the object's keys: unknown keys (with the nearest known key),
/// duplicates, missing required keys, keys the object's variant does not use, and the
/// spec's mutual-exclusion and at-least-one-of groups. The typed accessors then return
/// the value of a key, or its default when the key is missing, or nil after reporting
/// a bad value. A key reported as unused by the variant reads as missing.
struct ObjectReader {
    /// The keys and rules of this object.
    let spec: ObjectSpec
    /// Where the object sits in the document.
    let path: FieldPath
    /// Problems found so far in the whole document.
    let diagnostics: Diagnostics
    private var members: [String: JSONValue] = [:]

    /// Opens `value` as an object of `spec`; nil, after reporting, when it is not an object.
    init?(_ value: JSONValue, spec: ObjectSpec, at path: FieldPath, _ diagnostics: Diagnostics) {
        self.spec = spec
        self.path = path
        self.diagnostics = diagnostics
        guard case .object(let pairs) = value else {
            diagnostics.report(path, ValueReader.mismatch(expected: "an object", value))
            return nil
        }
        let known = spec.keys
        for (key, member) in pairs {
            let memberPath = path.appending(key)
            guard known.contains(key) else {
                diagnostics.report(memberPath, Self.unknownKeyMessage(key, known: known))
                continue
            }
            guard members[key] == nil else {
                diagnostics.report(memberPath, "duplicate key; each key may appear only once")
                continue
            }
            members[key] = member
        }
        checkRequired()
        checkGroups()
        checkVariant()
    }

    /// An object with no members, so that every field takes its default.
    static func empty(spec: ObjectSpec, at path: FieldPath, _ diagnostics: Diagnostics) -> ObjectReader {
        ObjectReader(.object([]), spec: spec, at: path, diagnostics)!
    }

    private static func unknownKeyMessage(_ key: String, known: [String]) -> String {
        let candidates = known.filter { $0 != "$schema" }
        if let match = Suggestion.nearest(to: key, in: candidates) {
            return "unknown key (did you mean \(JSONWriter.quote(match))?)"
        }
        return "unknown key; known keys here: \(candidates.joined(separator: ", "))"
    }

    // MARK: - Rules over keys

    private func checkRequired() {
        for field in spec.fields {
            if case .required = field.fallback, members[field.key] == nil {
                diagnostics.report(path.appending(field.key), "required key is missing")
            }
        }
    }

    private func checkGroups() {
        for group in spec.mutuallyExclusive where group.filter({ members[$0] != nil }).count > 1 {
            let given = group.filter { members[$0] != nil }
            diagnostics.note(path, "\(Self.list(given, conjunction: "and")) cannot be used together; keep one")
        }
        for group in spec.atLeastOneOf where !group.contains(where: { members[$0] != nil }) {
            diagnostics.note(path, "needs \(Self.list(group, conjunction: "or")) (or both)")
        }
    }

    /// Most variants named in an "applies only to" message.
    private static let variantsWorthListing = 4

    /// Checks keys whose use depends on the discriminating field (fault kind, workload pattern…).
    private mutating func checkVariant() {
        guard let variants = spec.variants,
              let value = discriminator(variants),
              let variant = variants.variant(value)
        else { return }
        let subject = "\(variants.key) \(JSONWriter.quote(value))"
        for key in variants.governed where members[key] != nil && !variant.uses.contains(key) {
            let users = variants.variants.filter { $0.uses.contains(key) }.map(\.value)
            // Name the variants that use the key when they are few; otherwise the list is noise.
            let message = users.count <= Self.variantsWorthListing
                ? "applies only to \(variants.key) \(users.joined(separator: ", ")), not \(JSONWriter.quote(value))"
                : "does not apply to \(subject)"
            diagnostics.report(path.appending(key), message)
            // Read no further: the accessors then see the key as absent.
            members[key] = nil
        }
        for key in variant.requires where members[key] == nil {
            diagnostics.report(path.appending(key), "required for \(subject)")
        }
        if !variant.requiresAnyOf.isEmpty, !variant.requiresAnyOf.contains(where: { members[$0] != nil }) {
            diagnostics.note(path, "\(subject) needs \(Self.list(variant.requiresAnyOf, conjunction: "or"))")
        }
    }

    /// The discriminator's value, given or default; nil when it is missing or not a string.
    private func discriminator(_ variants: Variants) -> String? {
        if let member = members[variants.key] {
            guard case .string(let text) = member else { return nil }
            return text
        }
        if case .value(.string(let text)) = spec.field(variants.key).fallback { return text }
        return nil
    }

    private static func list(_ keys: [String], conjunction: String) -> String {
        guard keys.count > 1 else { return keys.first ?? "" }
        return keys.dropLast().joined(separator: ", ") + " \(conjunction) " + keys.last!
    }

    // MARK: - Access

    /// Whether the document gives `key` (possibly as null).
    func has(_ key: String) -> Bool { members[key] != nil }

    /// Whether the document gives `key` as null.
    func isNull(_ key: String) -> Bool { members[key] == .null }

    /// The path of `key` inside this object.
    func path(_ key: String) -> FieldPath { path.appending(key) }

    /// The value given for `key`, or its fixed default; nil when neither exists.
    private func lookup(_ key: String) -> (value: JSONValue, type: FieldType)? {
        let field = spec.field(key)
        if let member = members[key] { return (member, field.type) }
        if case .value(let fallback) = field.fallback { return (fallback, field.type) }
        return nil
    }

    /// The integer at `key`; a null given for a nullable field reads as nil.
    func integer(_ key: String) -> Int? {
        guard let (value, type) = lookup(key) else { return nil }
        switch type {
        case .integer(let minimum, let maximum), .nullable(.integer(let minimum, let maximum)):
            if value == .null, case .nullable = type { return nil }
            return ValueReader.integer(value, minimum: minimum, maximum: maximum, at: path(key), diagnostics)
        default: preconditionFailure("\(key) is not an integer field")
        }
    }

    /// The unsigned 64-bit integer at `key`.
    func unsigned64(_ key: String) -> UInt64? {
        guard let (value, type) = lookup(key) else { return nil }
        guard case .unsigned64 = type else { preconditionFailure("\(key) is not an unsigned field") }
        return ValueReader.unsigned64(value, at: path(key), diagnostics)
    }

    /// The number at `key`; a null given for a nullable field reads as nil.
    func number(_ key: String) -> Double? {
        guard let (value, type) = lookup(key) else { return nil }
        switch type {
        case .number(let bounds), .nullable(.number(let bounds)):
            if value == .null, case .nullable = type { return nil }
            return ValueReader.number(value, bounds: bounds, at: path(key), diagnostics)
        default: preconditionFailure("\(key) is not a number field")
        }
    }

    /// The boolean at `key`.
    func boolean(_ key: String) -> Bool? {
        guard let (value, type) = lookup(key) else { return nil }
        guard case .boolean = type else { preconditionFailure("\(key) is not a boolean field") }
        return ValueReader.boolean(value, at: path(key), diagnostics)
    }

    /// The string at `key`.
    func text(_ key: String) -> String? {
        guard let (value, type) = lookup(key) else { return nil }
        switch type {
        case .text(let pattern, let hint):
            return ValueReader.text(value, pattern: pattern, hint: hint, at: path(key), diagnostics)
        case .metricName:
            return ValueReader.metricName(value, at: path(key), diagnostics)
        default: preconditionFailure("\(key) is not a text field")
        }
    }

    /// The enumeration case named at `key`.
    func choice<Choice: RawRepresentable>(_ key: String, as _: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let (value, type) = lookup(key) else { return nil }
        guard case .choice(let options) = type else { preconditionFailure("\(key) is not a choice field") }
        return ValueReader.choice(value, options: options, at: path(key), diagnostics).flatMap(Choice.init(rawValue:))
    }

    /// The duration at `key`; a null given for a nullable field reads as nil.
    func duration(_ key: String) -> ScenarioDuration? {
        guard let (value, type) = lookup(key) else { return nil }
        switch type {
        case .duration(let rule), .nullable(.duration(let rule)):
            if value == .null, case .nullable = type { return nil }
            return ValueReader.duration(value, rule: rule, at: path(key), diagnostics)
        default: preconditionFailure("\(key) is not a duration field")
        }
    }

    /// Checks that `key` holds the constant its field requires.
    func constant(_ key: String) -> Int? {
        guard let (value, type) = lookup(key) else { return nil }
        guard case .constant(let expected) = type else { preconditionFailure("\(key) is not a constant field") }
        return ValueReader.constant(value, expected, at: path(key), diagnostics)
    }

    /// A reader for the nested object at `key` (empty when missing); nil after reporting a non-object.
    func object(_ key: String) -> ObjectReader? {
        guard case .object(let nested) = spec.field(key).type else {
            preconditionFailure("\(key) is not an object field")
        }
        guard let member = members[key] else { return .empty(spec: nested, at: path(key), diagnostics) }
        return ObjectReader(member, spec: nested, at: path(key), diagnostics)
    }

    /// The elements of the array at `key` with their paths (empty when missing and defaulted).
    ///
    /// Nil after reporting when the value is not an array or has too few elements; nil
    /// without a report when the key is missing and has no default.
    func elements(_ key: String) -> [(value: JSONValue, path: FieldPath)]? {
        guard let (value, type) = lookup(key) else { return nil }
        guard case .list(_, let minimumCount) = type else { preconditionFailure("\(key) is not a list field") }
        guard case .array(let items) = value else {
            diagnostics.report(path(key), ValueReader.mismatch(expected: "an array", value))
            return nil
        }
        guard items.count >= minimumCount else {
            diagnostics.report(path(key), "needs at least \(minimumCount) elements (got \(items.count))")
            return nil
        }
        return items.enumerated().map { ($0.element, path(key).appending(index: $0.offset)) }
    }

    /// The element type of the list at `key`.
    func elementType(_ key: String) -> FieldType {
        guard case .list(let element, _) = spec.field(key).type else {
            preconditionFailure("\(key) is not a list field")
        }
        return element
    }

    /// The integers of the list at `key`; nil when missing, or after reporting any bad element.
    func integerList(_ key: String) -> [Int]? {
        guard let items = elements(key) else { return nil }
        guard case .integer(let minimum, let maximum) = elementType(key) else {
            preconditionFailure("\(key) is not a list of integers")
        }
        let values = items.map { ValueReader.integer($0.value, minimum: minimum, maximum: maximum, at: $0.path, diagnostics) }
        return complete(values, key)
    }

    /// The numbers of the list at `key`; nil when missing, or after reporting any bad element.
    func numberList(_ key: String) -> [Double]? {
        guard let items = elements(key) else { return nil }
        guard case .number(let bounds) = elementType(key) else { preconditionFailure("\(key) is not a list of numbers") }
        let values = items.map { ValueReader.number($0.value, bounds: bounds, at: $0.path, diagnostics) }
        return complete(values, key)
    }

    /// The strings of the list at `key`; nil when missing, or after reporting any bad element.
    func textList(_ key: String) -> [String]? {
        guard let items = elements(key) else { return nil }
        guard case .text(let pattern, let hint) = elementType(key) else { preconditionFailure("\(key) is not a list of strings") }
        let values = items.map { ValueReader.text($0.value, pattern: pattern, hint: hint, at: $0.path, diagnostics) }
        return complete(values, key)
    }

    /// All values when every element was good; otherwise nil, with the list marked unusable.
    private func complete<Element>(_ values: [Element?], _ key: String) -> [Element]? {
        guard values.allSatisfy({ $0 != nil }) else {
            diagnostics.markInvalid(path(key))
            return nil
        }
        return values.map { $0! }
    }
}
