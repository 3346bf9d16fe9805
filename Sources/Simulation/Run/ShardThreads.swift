#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CacheHints
import Dispatch
import Synchronization

/// The threads of a sharded run: the first shard runs on the thread that runs the run,
/// every other shard on a thread of its own, the same one for the whole run. At each window
/// the run's thread raises every other thread's start gate, runs the first shard's events,
/// and waits at the finish gate for the others to have run theirs.
///
/// Why not a thread pool per window: a window is one shortest link latency (1 ms on a LAN),
/// so a simulated minute has some 60,000 windows. Handing each window to the pool woke a
/// sleeping thread at its start (about 40 µs a window before the second shard began, 3 %
/// of a 1,000-node LAN run) and put it back to sleep at its end; and a shard ran on
/// whichever thread came, so the memory it allocated and freed went from one allocator
/// arena to another. Here a waiting thread spins for a while before it sleeps, and each
/// shard stays on its thread.
///
/// How long it spins: while the shards are no more than the processors, a thread that
/// spins takes a core no other shard needs, so it spins up to `spinWithCores` of wall time,
/// longer than two shards' times for a window usually differ (a LAN window is about a
/// millisecond of work). A gate that spun a fixed count of pauses (4,096, some
/// microseconds here) slept at about every other window of a 1,000-node LAN run, and the
/// wake-up that followed cost more than the wait: 7,600 voluntary context switches in a
/// 4-simulated-second run against 3,700 when the waits spin, and the run took 0.93 of the
/// wall time (median of ten pairs, 0.70–1.07). A spinning thread yields the processor
/// between rounds of pauses, so that where other threads are busy too (the test suite runs
/// its tests side by side) the one it waits for is not kept off a core: without the yield
/// the shard tests took twice as long. With more shards than processors a spinning thread
/// would hold back a working one, and the spin is short. A monotonic clock bounds the
/// spin only; what the shards compute never depends on it.
///
/// Unchecked sendability: the simulators are not thread-safe in general. Within a window
/// each one touches its own nodes, queue, outboxes' contents, inbound mailboxes, logs and
/// counters, and reads only what no one writes until the window ends (the options, the
/// archive and its numbering, the nodes' immutable vertices); between windows only the
/// run's thread works, and the gates order the two.
final class ShardThreads: @unchecked Sendable {
    /// A shard other than the first and the thread that runs it.
    private final class Worker: @unchecked Sendable {
        let shard: Simulator
        let start: Gate
        /// The end of the window to run; written before `start` is raised, read after it.
        var bound = SimInstant.zero
        /// Set before `start` is raised for the last time: the thread returns.
        var stopping = false
        var thread: pthread_t?

        init(shard: Simulator, spinNanoseconds: Int64) {
            self.shard = shard
            start = Gate(spinNanoseconds: spinNanoseconds)
        }
    }

    private let first: Simulator
    private let workers: [Worker]
    /// Raised by each worker when it has run a window.
    private let finish: Gate
    private var windows = 0
    private var stopped = false

    /// Wall time a waiting thread spins before it sleeps while the shards have a processor
    /// each, and when they do not.
    static let spinWithCores: Int64 = 2_000_000
    static let spinWithoutCores: Int64 = 20_000

    /// Starts a thread for every shard of `shards` but the first.
    init(_ shards: [Simulator]) {
        precondition(shards.count > 1, "threads are for two shards or more")
        first = shards[0]
        let spin = shards.count <= Self.processors ? Self.spinWithCores : Self.spinWithoutCores
        finish = Gate(spinNanoseconds: spin)
        workers = shards.dropFirst().map { Worker(shard: $0, spinNanoseconds: spin) }
        for worker in workers {
            let finish = finish
            worker.thread = Self.startThread {
                var window = 0
                while true {
                    window += 1
                    worker.start.wait(forAtLeast: window)
                    if worker.stopping { return }
                    worker.shard.runEvents(before: worker.bound)
                    finish.raise()
                }
            }
        }
    }

    deinit { precondition(stopped, "the shard threads were not stopped") }

    /// Runs every shard's events before `bound`, each on its own thread; returns when all have.
    func runWindow(until bound: SimInstant) {
        windows += 1
        for worker in workers {
            worker.bound = bound
            worker.start.raise()
        }
        first.runEvents(before: bound)
        finish.wait(forAtLeast: windows * workers.count)
    }

    /// Ends the threads (between windows) and waits for them to return.
    func stop() {
        for worker in workers {
            worker.stopping = true
            worker.start.raise()
        }
        for worker in workers {
            if let thread = worker.thread { pthread_join(thread, nil) }
        }
        stopped = true
    }

    /// The processors online. (A process confined to fewer, by affinity or a quota, spins
    /// as if it had them all: its run is as exact, only slower when the shards outnumber
    /// what it really has.)
    private static var processors: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Runs `body` on a new thread.
    private static func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(result == 0, "could not start a shard thread (error \(result))")
        #if canImport(Darwin)
        return thread!
        #else
        return thread
        #endif
    }
}

/// A count one thread waits for others to raise: the waiter spins for a while, then sleeps
/// until a raise wakes it. Only one thread waits on a gate.
///
/// Every access is sequentially consistent: what a thread wrote before it raised is seen by
/// the waiter once its wait returns, and a raise either comes before the waiter's last look
/// (which then sees it) or finds the waiter's sleeping flag (and wakes it).
final class Gate: @unchecked Sendable {
    private let count = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    /// Wall time the waiter spins before it sleeps.
    private let spinNanoseconds: Int64

    /// A gate at count zero whose waiter spins for up to `spinNanoseconds` of wall time
    /// before it sleeps.
    init(spinNanoseconds: Int64) {
        self.spinNanoseconds = spinNanoseconds
    }

    /// Adds one to the count, and wakes the waiter if it sleeps.
    func raise() {
        count.add(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Returns once the count is at least `target`.
    func wait(forAtLeast target: Int) {
        if count.load(ordering: .sequentiallyConsistent) >= target { return }
        // Every 64 pauses the clock is read (often enough to stop near the bound, seldom
        // enough to cost little next to the pauses) and the processor offered to any thread
        // waiting for it.
        let deadline = ContinuousClock.now + .nanoseconds(spinNanoseconds)
        while ContinuousClock.now < deadline {
            for _ in 0..<64 {
                if count.load(ordering: .sequentiallyConsistent) >= target { return }
                cache_hint_spin_pause()
            }
            sched_yield()
        }
        while count.load(ordering: .sequentiallyConsistent) < target {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if count.load(ordering: .sequentiallyConsistent) >= target {
                // Raised meanwhile. If the raise took the flag, its signal is (or will be)
                // posted: take it, so that the next sleep waits for a signal of its own.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
        }
    }
}
