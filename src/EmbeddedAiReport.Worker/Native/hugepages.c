/*
 * Linked into the native binary on Linux (EmbeddedAiReport.Worker.csproj, target NativeHugePages); not part of the JIT build.
 *
 * A native .NET binary starts by writing out its runtime data (type and method tables, ~16 MB for this program) into the
 * zero-filled part of its writable segment (the ".hydrated" section). Touched 4 KB page by 4 KB page, that costs one page
 * fault each: ~40 ms of the ~85 ms a command like `--version` took, and every command (an all-304 poll, `entries`,
 * `export`) paid it. With transparent huge pages in their common "madvise" mode, marking the range MADV_HUGEPAGE before
 * main() runs lets the kernel map it 2 MB at a time (bench/HISTORY.md: eighth round). Where transparent huge pages are
 * "always" this changes nothing, where they are "never" or absent madvise fails and is ignored.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

static int mark_program(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const uintptr_t huge = (uintptr_t)2 << 20;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W)) continue;
        /* The zero-filled tail of the writable segment (.bss and .hydrated): anonymous memory, whole huge pages of it. */
        uintptr_t start = info->dlpi_addr + segment->p_vaddr + segment->p_filesz;
        uintptr_t end = info->dlpi_addr + segment->p_vaddr + segment->p_memsz;
        uintptr_t first = (start + huge - 1) & ~(huge - 1), last = end & ~(huge - 1);
        if (last > first) madvise((void *)first, last - first, MADV_HUGEPAGE);
    }
    return 1;   /* the first object listed is the program itself: stop there */
}

__attribute__((constructor)) static void eair_huge_pages(void)
{
    dl_iterate_phdr(mark_program, NULL);
}
