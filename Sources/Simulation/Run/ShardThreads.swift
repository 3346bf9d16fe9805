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
/// Unchecked sendability: the simulators are not thread-safe in general. Within a window
/// each one touches its own nodes, queue, outboxes' contents, inbound mailboxes, logs and
/// counters, and reads only what no one writes until the window ends (the options, the
/// archive and its numbering, the nodes' immutable vertices); between windows only the
/// run's thread works, and the gates order the two.
final class ShardThreads: @unchecked Sendable {
    /// A shard other than the first and the thread that runs it.
    private final class Worker: @unchecked Sendable {
        let shard: Simulator
        let start = Gate()
        /// The end of the window to run; written before `start` is raised, read after it.
        var bound = SimInstant.zero
        /// Set before `start` is raised for the last time: the thread returns.
        var stopping = false
        var thread: pthread_t?

        init(shard: Simulator) { self.shard = shard }
    }

    private let first: Simulator
    private let workers: [Worker]
    /// Raised by each worker when it has run a window.
    private let finish = Gate()
    private var windows = 0
    private var stopped = false

    /// Starts a thread for every shard of `shards` but the first.
    init(_ shards: [Simulator]) {
        precondition(shards.count > 1, "threads are for two shards or more")
        first = shards[0]
        workers = shards.dropFirst().map { Worker(shard: $0) }
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

    /// Spins of the waiter before it sleeps.
    private let spinLimit: Int

    /// A gate at count zero whose waiter spins `spinLimit` times before it sleeps. The
    /// default, some tens of microseconds, is the usual difference between two shards'
    /// times for a window.
    init(spinLimit: Int = 4_096) {
        self.spinLimit = spinLimit
    }

    /// Adds one to the count, and wakes the waiter if it sleeps.
    func raise() {
        count.add(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Returns once the count is at least `target`.
    func wait(forAtLeast target: Int) {
        for _ in 0..<spinLimit {
            if count.load(ordering: .sequentiallyConsistent) >= target { return }
            cache_hint_spin_pause()
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
