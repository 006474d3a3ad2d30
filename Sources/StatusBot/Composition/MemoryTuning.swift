#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Process-wide allocator settings for a long-running, I/O-bound bot.
public enum MemoryTuning {
    /// Gives glibc's malloc one arena, unless `MALLOC_ARENA_MAX` says otherwise. By default each thread that
    /// allocates while another does gets its own arena (up to eight per core), and each keeps freed memory for
    /// reuse, so the event-loop and task threads hold memory the bot never needs again. The bot's threads mostly
    /// wait on the network, and glibc's per-thread caches serve small allocations without the arena's lock, so
    /// one arena costs no measurable CPU (see `pterodisbot-bench cycle-cpu` with `MALLOC_ARENA_MAX=16`). Call it
    /// first thing, before threads start. A no-op where glibc is not the C library.
    public static func limitMallocArenas() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }
}
