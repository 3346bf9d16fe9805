/// Where a value sits in a scenario document: `workload.tps`, `faults[1].groups`.
struct FieldPath: Hashable, Comparable, CustomStringConvertible, Sendable {
    /// One step from a container to a value.
    enum Component: Hashable, Sendable {
        /// An object member.
        case key(String)
        /// An array element, 0-based.
        case index(Int)
    }

    /// The steps from the document root.
    var components: [Component] = []

    /// The document root.
    static let root = FieldPath()

    /// The path of a member of the object at this path.
    func appending(_ key: String) -> FieldPath {
        FieldPath(components: components + [.key(key)])
    }

    /// The path of an element of the array at this path.
    func appending(index: Int) -> FieldPath {
        FieldPath(components: components + [.index(index)])
    }

    /// This path and each of its ancestors, up to (not including) the root.
    var selfAndAncestors: [FieldPath] {
        (1...max(components.count, 1)).map { FieldPath(components: Array(components.prefix($0))) }
    }

    /// Dotted form; empty at the root.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// Orders paths as a reader meets them: parents first, array elements by index.
    static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
        for (left, right) in zip(lhs.components, rhs.components) where left != right {
            switch (left, right) {
            case let (.key(a), .key(b)): return a < b
            case let (.index(a), .index(b)): return a < b
            case (.index, .key): return true
            case (.key, .index): return false
            }
        }
        return lhs.components.count < rhs.components.count
    }
}

/// Collects every problem found in a document, and which paths could not be read.
final class Diagnostics {
    /// Problems in the order they were found.
    private(set) var issues: [(path: FieldPath, message: String)] = []
    /// Paths whose value was wrong, so that rules relating them to others are skipped.
    private var invalid: Set<FieldPath> = []

    /// Records a problem at `path`; the value there no longer counts as valid.
    func report(_ path: FieldPath, _ message: String) {
        issues.append((path, message))
        invalid.insert(path)
    }

    /// Records a problem that concerns `path` without making it unusable for other rules.
    func note(_ path: FieldPath, _ message: String) {
        issues.append((path, message))
    }

    /// Marks `path` as unusable without a message of its own (a missing required key was reported).
    func markInvalid(_ path: FieldPath) {
        invalid.insert(path)
    }

    /// True when neither `path` nor any of its ancestors had a bad value.
    func isValid(_ path: FieldPath) -> Bool {
        !path.selfAndAncestors.contains { invalid.contains($0) }
    }

    /// True when all the paths are valid.
    func areValid(_ paths: FieldPath...) -> Bool {
        paths.allSatisfy(isValid)
    }

    /// The problems sorted by path (file order kept for one path), as public issues.
    func sortedIssues() -> [ScenarioError.Issue] {
        issues.enumerated()
            .sorted { a, b in
                a.element.path != b.element.path ? a.element.path < b.element.path : a.offset < b.offset
            }
            .map { ScenarioError.Issue(path: $0.element.path.description, message: $0.element.message) }
    }
}
