#ifndef CACHE_HINTS_H
#define CACHE_HINTS_H

/// Asks the processor to bring the cache line holding `address` into its caches, without
/// waiting for it: a hint, which never faults and changes no result.
static inline void cache_hint_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
