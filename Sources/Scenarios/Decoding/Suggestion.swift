/// Finds the known name a misspelt one most likely meant.
enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    ///
    /// Names that differ only in case, `-` or `_` match first (`alpha_preference`);
    /// otherwise the smallest edit distance wins, ties going to the earlier candidate,
    /// and only if the distance is at most a third of the candidate's length (at least 2).
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let folded = fold(word)
        if let match = candidates.first(where: { fold($0) == folded }) { return match }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            let limit = max(2, candidate.count / 3)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.name
    }

    /// ` (did you mean "x"?)` when there is a plausible candidate, else empty.
    static func hint(for word: String, in candidates: [String]) -> String {
        guard let match = nearest(to: word, in: candidates) else { return "" }
        return " (did you mean \(JSONWriter.quote(match))?)"
    }

    private static func fold(_ text: String) -> String {
        String(text.lowercased().filter { $0 != "-" && $0 != "_" })
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
