extension SimInstant {
    /// Nanoseconds since the start of the run (shorter spelling for arithmetic on instants).
    var nanoseconds: Int64 { nanosecondsSinceStart }
}
