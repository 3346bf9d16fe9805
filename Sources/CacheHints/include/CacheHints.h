#ifndef CACHE_HINTS_H
#define CACHE_HINTS_H

/// Asks the processor to bring the cache line holding `address` into its caches, without
/// waiting for it: a hint, which never faults and changes no result.
static inline void cache_hint_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Tells the processor that the thread is waiting in a loop for another to write memory:
/// the loop then uses less of the core and leaves it sooner when the write arrives.
static inline void cache_hint_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
