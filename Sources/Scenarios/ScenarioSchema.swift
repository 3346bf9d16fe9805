import Simulation

/// The JSON Schema (draft 2020-12) of the scenario format, for editors to complete and check files.
///
/// Generated from `ScenarioFormat`, the same table the decoder reads, so keys, types,
/// defaults, choices and descriptions cannot drift apart. The decoder checks more than
/// the schema can say (parameter relations, node counts, simulator support).
public enum ScenarioSchema {
    /// The dialect the generated schema declares.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// The schema as pretty-printed JSON with sorted keys and a final newline; the same
    /// text on every call and every machine.
    public static func jsonSchema() -> String {
        var document = objectSchema(ScenarioFormat.root)
        document.insert(("$schema", .string(dialect)), at: 0)
        document.insert(("title", .string("cretoscale scenario, version \(Scenario.formatVersion)")), at: 1)
        return JSONWriter.render(.object(document), sortKeys: true)
    }

    private typealias Members = [(key: String, value: JSONValue)]

    private static func objectSchema(_ spec: ObjectSpec) -> Members {
        var members: Members = [
            ("type", .string("object")),
            ("description", .string(spec.summary)),
            ("properties", .object(spec.fields.map { ($0.key, fieldSchema($0)) })),
            ("additionalProperties", .bool(false)),
        ]
        let required = spec.fields.filter {
            if case .required = $0.fallback { return true }
            return false
        }
        if !required.isEmpty {
            members.append(("required", .array(required.map { .string($0.key) })))
        }
        var conditions: [JSONValue] = []
        for group in spec.mutuallyExclusive {
            conditions.append(.object([("not", .object([("required", strings(group))]))]))
        }
        for group in spec.atLeastOneOf {
            conditions.append(anyOfRequired(group))
        }
        if let variants = spec.variants {
            conditions += variants.variants.compactMap { variantSchema($0, of: variants, in: spec) }
        }
        if !conditions.isEmpty {
            members.append(("allOf", .array(conditions)))
        }
        return members
    }

    /// `if <discriminator> is this value then <its key rules>`; nil when the variant adds no rule.
    private static func variantSchema(_ variant: Variant, of variants: Variants, in spec: ObjectSpec) -> JSONValue? {
        var then: Members = []
        if !variant.requires.isEmpty {
            then.append(("required", strings(variant.requires)))
        }
        let unused = variants.governed.filter { !variant.uses.contains($0) }
        if !unused.isEmpty {
            then.append(("properties", .object(unused.map { ($0, JSONValue.bool(false)) })))
        }
        if !variant.requiresAnyOf.isEmpty {
            then.append(("anyOf", anyOfRequired(variant.requiresAnyOf).anyOfList))
        }
        guard !then.isEmpty else { return nil }
        var condition: Members = [
            ("properties", .object([(variants.key, .object([("const", .string(variant.value))]))]))
        ]
        // A missing discriminator means its default, so the default's rules apply without it.
        var isDefault = false
        if case .value(.string(let fallback)) = spec.field(variants.key).fallback, fallback == variant.value {
            isDefault = true
        }
        if !isDefault {
            condition.append(("required", strings([variants.key])))
        }
        return .object([("if", .object(condition)), ("then", .object(then))])
    }

    private static func anyOfRequired(_ keys: [String]) -> JSONValue {
        .object([("anyOf", .array(keys.map { .object([("required", strings([$0]))]) }))])
    }

    private static func strings(_ values: [String]) -> JSONValue {
        .array(values.map { .string($0) })
    }

    private static func fieldSchema(_ field: FieldSpec) -> JSONValue {
        var members = typeSchema(field.type)
        var summary = field.summary
        switch field.fallback {
        case .value(let value): members.append(("default", value))
        case .derived(let text): summary += " Default: \(text)."
        case .required, .none: break
        }
        if case .object = field.type {
            members.removeAll { $0.key == "description" }
        }
        members.append(("description", .string(summary)))
        return .object(members)
    }

    private static func typeSchema(_ type: FieldType) -> Members {
        switch type {
        case .integer(let minimum, let maximum):
            var members: Members = [("type", .string("integer"))]
            if let minimum { members.append(("minimum", .integer(minimum))) }
            if let maximum { members.append(("maximum", .integer(maximum))) }
            return members
        case .unsigned64:
            return [("type", .string("integer")), ("minimum", .integer(0)), ("maximum", .integer(UInt64.max))]
        case .number(let bounds):
            var members: Members = [("type", .string("number"))]
            if let lower = bounds.lower {
                members.append((bounds.lowerInclusive ? "minimum" : "exclusiveMinimum", .double(lower)))
            }
            if let upper = bounds.upper {
                members.append((bounds.upperInclusive ? "maximum" : "exclusiveMaximum", .double(upper)))
            }
            return members
        case .boolean:
            return [("type", .string("boolean"))]
        case .text(let pattern, _):
            var members: Members = [("type", .string("string"))]
            if let pattern { members.append(("pattern", .string(pattern))) }
            return members
        case .choice(let options):
            return [("type", .string("string")), ("enum", strings(options))]
        case .metricName:
            return [("type", .string("string")), ("enum", strings(MetricCatalog.all.map(\.name)))]
        case .duration(let rule):
            return [
                ("type", .string("string")),
                ("pattern", .string(ScenarioDuration.pattern(signed: rule == .signed))),
            ]
        case .list(let element, let minimumCount):
            var members: Members = [("type", .string("array")), ("items", .object(typeSchema(element)))]
            if minimumCount > 0 { members.append(("minItems", .integer(minimumCount))) }
            return members
        case .object(let spec):
            return objectSchema(spec)
        case .nullable(let inner):
            return typeSchema(inner).map { member in
                guard member.key == "type", case .string(let name) = member.value else { return member }
                return ("type", .array([.string(name), .string("null")]))
            }
        case .constant(let value):
            return [("type", .string("integer")), ("const", .integer(value))]
        }
    }
}

private extension JSONValue {
    /// The array inside `{"anyOf": [...]}`.
    var anyOfList: JSONValue {
        guard case .object(let members) = self, let list = members.first(where: { $0.key == "anyOf" }) else {
            preconditionFailure("not an anyOf object")
        }
        return list.value
    }
}
