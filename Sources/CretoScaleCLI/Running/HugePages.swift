#if canImport(Glibc)
import Glibc

/// Transparent huge pages for the heap, which glibc's allocator asks for only when its
/// tunables say so, and tunables are read once, when the process starts.
///
/// A large run's nodes, polls and event queue are tens to thousands of megabytes of heap
/// that every event reads at random. In 4 KiB pages that is far more pages than the
/// processor's translation buffers hold, and an event's reads missed them as well as the
/// caches: with 2 MiB pages 1,000 LAN nodes run in about 0.96 of the time, and reference
/// run (b) in 0.9 (docs/performance.md). So before anything else the process starts itself
/// again with `glibc.malloc.hugetlb=1` (the allocator advises the kernel to back its heap
/// with huge pages) and `glibc.malloc.arena_max=1` (every thread allocates from that one
/// heap; a shard's thread otherwise gets an arena of its own, which the advice did not
/// reach). Nothing simulated depends on where memory lies: the runs are the same.
///
/// It does nothing when `GLIBC_TUNABLES` already names either tunable (set
/// `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` to run without huge pages), when the kernel
/// does not offer transparent huge pages to a process that asks (`madvise` or `always`
/// in `/sys/kernel/mm/transparent_hugepage/enabled`), under valgrind (whose tools would
/// lose the process at the new start: they follow no exec by default), or when the new
/// start fails (the process then goes on as it is).
enum HugePages {
    static let variable = "GLIBC_TUNABLES"
    static let tunables = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1"

    /// Starts the process again with the tunables set, unless that is not needed or possible.
    static func restartWithHugePagesIfUseful() {
        let current = getenv(variable).map { String(cString: $0) }
        if let current, current.contains("glibc.malloc.hugetlb") || current.contains("glibc.malloc.arena_max") {
            return
        }
        if let preload = getenv("LD_PRELOAD"), String(cString: preload).contains("vgpreload") { return }
        guard kernelOffersHugePages() else { return }
        let value = current.map { $0.isEmpty ? tunables : $0 + ":" + tunables } ?? tunables
        guard setenv(variable, value, 1) == 0 else { return }
        let arguments = CommandLine.arguments
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        execv("/proc/self/exe", pointers)
        // Only reached when the new start failed: go on without the tunables.
        for pointer in pointers { free(pointer) }
        if let current { setenv(variable, current, 1) } else { unsetenv(variable) }
    }

    /// Whether the kernel backs memory with transparent huge pages for a process that advises it.
    static func kernelOffersHugePages() -> Bool {
        guard let file = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r") else { return false }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let setting = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return setting.contains("[always]") || setting.contains("[madvise]")
    }
}
#else
enum HugePages {
    static func restartWithHugePagesIfUseful() {}
}
#endif
