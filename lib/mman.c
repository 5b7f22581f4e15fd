/* The mmap family on Win32 sections and virtual memory.  Owns the mapping table: the address
 * ranges this library mapped and which of their pages are still mapped, which is what views
 * at page-aligned offsets, munmap of part of a view and MAP_FIXED need.
 *
 * A view stays whole until its last page is unmapped, and unmapped pages of it are
 * PAGE_NOACCESS.  Where Windows has placeholders (10 1803 and later: VirtualAlloc2 with
 * MEM_RESERVE_PLACEHOLDER, MapViewOfFile3 with MEM_REPLACE_PLACEHOLDER), PROT_NONE
 * reservations are placeholders, so that MAP_FIXED puts a view into one without ever
 * letting go of the range; elsewhere (Wine 8.0 exports the functions but fails
 * MEM_RESERVE_PLACEHOLDER with ERROR_INVALID_PARAMETER) MAP_FIXED releases and maps again
 * with the shortest window it can (see map_fixed). */
#include <io.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Exported before <sys/mman.h>'s inline mmap() uses it: clang refuses to add dllexport to a
 * function already referenced. */
PI_EXPORT void *posixipc_mmap64(void *addr, size_t length, int prot, int flags, int fd,
				int64_t offset);

#include <sys/mman.h>

#include <psapi.h>

#include "winapi.h"

/* Page size and allocation granularity of every Windows on x86-64 and ARM64.  Views start at
 * a multiple of GRAN in the address space and in the section; mappings are tracked in pages. */
#define PAGE ((size_t)4096)
#define GRAN ((size_t)65536)

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define PROT_SEM_BIT 0x8 /* Linux's PROT_SEM */

/* Flags MAP_SHARED_VALIDATE accepts: the ones Linux accepts on every file (LEGACY_MAP_MASK),
 * whether or not they mean anything here. */
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE | \
		   0x0100 /* GROWSDOWN */ | 0x0800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ | \
		   0x2000 /* LOCKED */ | 0x10000 /* NONBLOCK */ | 0x20000 /* STACK */ | \
		   0x40000 /* HUGETLB */ | 0x4000000 /* UNINITIALIZED */)

enum kind {
	K_ANON, /* private anonymous memory: one VirtualAlloc reservation */
	K_VIEW, /* a view of a section: a file, or pagefile-backed for shared anonymous */
	K_HOLE, /* reserved address space for pages past the end of a file: any access faults */
};

/* One Win32 allocation.  Pages of it the caller has not asked for, or has unmapped since, are
 * kept inaccessible (decommitted or PAGE_NOACCESS); the allocation is released with its last
 * mapped page. */
struct map {
	char *base;		/* allocation base, a multiple of GRAN */
	size_t size;		/* bytes tracked from base, a multiple of PAGE */
	char *view_end;		/* K_VIEW: end of the pages the view holds; the rest up to the
				 * next GRAN boundary is address space no one else can take */
	size_t live;		/* pages still mapped */
	int sync;		/* a MAP_SHARED file view: msync(MS_SYNC) writes it to disk */
	enum kind kind;
	int maxprot;		/* PROT_* bits mprotect may grant */
	int cow;		/* copy-on-write view (MAP_PRIVATE of a file) */
	int placeholder;	/* K_ANON: the allocation is a placeholder, nothing committed */
	unsigned char bits[];	/* one bit per page: still mapped */
};

/* Sorted by base; entries never overlap. */
static SRWLOCK table_lock = SRWLOCK_INIT;
static struct map **table;
static size_t table_len, table_cap;

static size_t round_page(size_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

static uintptr_t round_gran(uintptr_t n)
{
	return (n + GRAN - 1) & ~(uintptr_t)(GRAN - 1);
}

/* ---------------------------------------------------------------- page bitmaps */

static int bit(const struct map *m, size_t i)
{
	return (m->bits[i / 8] >> (i % 8)) & 1;
}

static size_t page_of(const struct map *m, const char *p)
{
	return (size_t)(p - m->base) / PAGE;
}

/* Mark pages [i, j) mapped; returns how many were not. */
static size_t bits_set(struct map *m, size_t i, size_t j)
{
	size_t n = 0;

	for (; i < j && i % 8; i++)
		if (!bit(m, i)) {
			m->bits[i / 8] |= (unsigned char)(1u << (i % 8));
			n++;
		}
	for (; i + 8 <= j; i += 8) {
		n += 8 - (size_t)__builtin_popcount(m->bits[i / 8]);
		m->bits[i / 8] = 0xff;
	}
	for (; i < j; i++)
		if (!bit(m, i)) {
			m->bits[i / 8] |= (unsigned char)(1u << (i % 8));
			n++;
		}
	return n;
}

/* Mark pages [i, j) unmapped; returns how many were mapped. */
static size_t bits_clear(struct map *m, size_t i, size_t j)
{
	size_t n = 0;

	for (; i < j && i % 8; i++)
		if (bit(m, i)) {
			m->bits[i / 8] &= (unsigned char)~(1u << (i % 8));
			n++;
		}
	for (; i + 8 <= j; i += 8) {
		n += (size_t)__builtin_popcount(m->bits[i / 8]);
		m->bits[i / 8] = 0;
	}
	for (; i < j; i++)
		if (bit(m, i)) {
			m->bits[i / 8] &= (unsigned char)~(1u << (i % 8));
			n++;
		}
	return n;
}

static size_t bits_count(const struct map *m, size_t i, size_t j)
{
	size_t n = 0;

	for (; i < j; i++)
		n += (size_t)bit(m, i);
	return n;
}

/* ---------------------------------------------------------------- the table */

static struct map *map_new(enum kind kind, char *base, size_t size)
{
	struct map *m = calloc(1, sizeof *m + (size / PAGE + 7) / 8);

	if (m == NULL)
		return NULL;
	m->kind = kind;
	m->base = base;
	m->size = size;
	m->view_end = base + size;
	m->maxprot = PROT_ALL;
	return m;
}

/* Index of the first entry ending after p. */
static size_t table_find(const char *p)
{
	size_t lo = 0, hi = table_len, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (table[mid]->base + table[mid]->size <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int table_insert(struct map *m)
{
	struct map **t;
	size_t i;

	if (table_len == table_cap) {
		t = realloc(table, (table_cap ? table_cap * 2 : 64) * sizeof *t);
		if (t == NULL)
			return -1;
		table = t;
		table_cap = table_cap ? table_cap * 2 : 64;
	}
	i = table_find(m->base);
	memmove(table + i + 1, table + i, (table_len - i) * sizeof *table);
	table[i] = m;
	table_len++;
	return 0;
}

static void table_remove(size_t i)
{
	memmove(table + i, table + i + 1, (table_len - i - 1) * sizeof *table);
	table_len--;
}

/* Give the allocation back to Windows. */
static void map_release(struct map *m)
{
	if (m->kind == K_VIEW)
		UnmapViewOfFile(m->base);
	else
		VirtualFree(m->base, 0, MEM_RELEASE);
	free(m);
}

/* Walks [p, e) in pieces that are either inside one entry or in a gap between entries. */
struct walk {
	size_t i;
	char *p, *e;
};

static void walk_init(struct walk *w, char *p, char *e)
{
	w->i = table_find(p);
	w->p = p;
	w->e = e;
}

/* The next piece [*a, *b) and its entry (NULL for a gap); 0 at the end. */
static int walk_next(struct walk *w, struct map **m, char **a, char **b)
{
	struct map *t = w->i < table_len ? table[w->i] : NULL;

	if (w->p >= w->e)
		return 0;
	*a = w->p;
	if (t != NULL && t->base <= w->p) {
		*m = t;
		*b = t->base + t->size < w->e ? t->base + t->size : w->e;
		w->i++;
	} else {
		*m = NULL;
		*b = t != NULL && t->base < w->e ? t->base : w->e;
	}
	w->p = *b;
	return 1;
}

/* Does every page of [a, b) of m belong to the mapping? */
static int all_live(const struct map *m, const char *a, const char *b)
{
	return bits_count(m, page_of(m, a), page_of(m, b)) == (size_t)(b - a) / PAGE;
}

/* Is all of [a, b), memory this library did not map, in the given state (MEM_COMMIT,
 * MEM_FREE) or, with state 0, not free? */
static int gap_is(const char *a, const char *b, DWORD state)
{
	MEMORY_BASIC_INFORMATION mbi;

	while (a < b) {
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0)
			return state == MEM_FREE;
		if (state ? mbi.State != state : mbi.State == MEM_FREE)
			return 0;
		a = (const char *)mbi.BaseAddress + mbi.RegionSize;
	}
	return 1;
}

/* ---------------------------------------------------------------- protection */

/* The page protection for prot: copy-on-write views write through PAGE_WRITECOPY.  As on
 * Linux x86, write and execute imply read. */
static DWORD win_prot(int prot, int cow)
{
	int w = (prot & PROT_WRITE) != 0, x = (prot & PROT_EXEC) != 0;

	if (prot == PROT_NONE)
		return PAGE_NOACCESS;
	if (w)
		return x ? (cow ? PAGE_EXECUTE_WRITECOPY : PAGE_EXECUTE_READWRITE)
			 : (cow ? PAGE_WRITECOPY : PAGE_READWRITE);
	return x ? PAGE_EXECUTE_READ : PAGE_READONLY;
}

static int set_prot(char *a, size_t len, DWORD prot)
{
	DWORD old;

	return len == 0 || VirtualProtect(a, len, prot, &old) ? 0 : -1;
}

/* Private anonymous pages [a, b): commit what a protection other than PROT_NONE needs, and
 * protect only committed pages (a PROT_NONE reservation never costs commit charge). */
static int anon_protect(char *a, char *b, DWORD prot)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *end;

	if (prot != PAGE_NOACCESS)
		return VirtualAlloc(a, (size_t)(b - a), MEM_COMMIT, prot) &&
			       set_prot(a, (size_t)(b - a), prot) == 0 ? 0 : -1;
	for (; a < b; a = end) {
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0)
			return -1;
		end = (char *)mbi.BaseAddress + mbi.RegionSize;
		if (end > b)
			end = b;
		if (mbi.State == MEM_COMMIT && set_prot(a, (size_t)(end - a), prot) < 0)
			return -1;
	}
	return 0;
}

static int realize(struct map *m);

/* Pages [a, b) of m, all mapped, get prot. */
static int map_protect(struct map *m, char *a, char *b, int prot)
{
	if (m->kind == K_ANON && prot != PROT_NONE && realize(m) < 0)
		return -1;
	if (m->kind == K_ANON)
		return anon_protect(a, b, win_prot(prot, 0));
	if (m->kind == K_HOLE || a >= m->view_end)
		return 0;
	if (b > m->view_end)
		b = m->view_end;
	return set_prot(a, (size_t)(b - a), win_prot(prot, m->cow));
}

/* Make pages [a, b) of m unmapped: decommitted or inaccessible, and no longer counted. */
static void map_unmap_pages(struct map *m, char *a, char *b)
{
	size_t n = bits_clear(m, page_of(m, a), page_of(m, b));

	m->live -= n;
	if (n == 0 || m->live == 0)
		return;
	if (m->kind == K_ANON)
		VirtualFree(a, (size_t)(b - a), MEM_DECOMMIT);
	else if (m->kind == K_VIEW && a < m->view_end)
		set_prot(a, (size_t)((b < m->view_end ? b : m->view_end) - a), PAGE_NOACCESS);
}

/* Remove [a, e) from the table; entries left without mapped pages are released. */
static void unmap_range(char *a, char *e)
{
	struct map *m;
	char *pa, *pb;
	size_t i = table_find(a);

	while (i < table_len && table[i]->base < e) {
		m = table[i];
		pa = a > m->base ? a : m->base;
		pb = e < m->base + m->size ? e : m->base + m->size;
		map_unmap_pages(m, pa, pb);
		if (m->live == 0) {
			table_remove(i);
			map_release(m);
		} else {
			i++;
		}
	}
}

/* ---------------------------------------------------------------- placing new mappings */

/* What mmap was asked for, as the argument checks worked it out. */
struct request {
	char *addr;		/* hint, or the MAP_FIXED address */
	size_t len;		/* whole pages */
	int prot;
	int anon, shared, fixed, noreplace;
	int64_t off;		/* section offset of the caller's first byte */
	size_t lead;		/* off % GRAN: the view starts this far before the caller's byte */
	size_t view_bytes;	/* bytes from the view's start that the section holds */
	uint64_t room;		/* bytes the section has from the view's start */
	HANDLE section;		/* NULL for private anonymous memory and for empty views */
	DWORD view_access;	/* FILE_MAP_* */
	int maxprot;
};

static void request_free(struct request *r)
{
	if (r->section != NULL)
		CloseHandle(r->section);
}

/* Reserve size bytes at base (a multiple of GRAN), or anywhere when base is NULL. */
static char *reserve(char *base, size_t size)
{
	return VirtualAlloc(base, size, MEM_RESERVE, PAGE_NOACCESS);
}

/* ---------------------------------------------------------------- placeholders */

#ifndef MEM_RESERVE_PLACEHOLDER
#define MEM_RESERVE_PLACEHOLDER 0x00040000
#endif
#ifndef MEM_REPLACE_PLACEHOLDER
#define MEM_REPLACE_PLACEHOLDER 0x00004000
#endif
#ifndef MEM_PRESERVE_PLACEHOLDER
#define MEM_PRESERVE_PLACEHOLDER 0x00000002
#endif
#ifndef MEM_COALESCE_PLACEHOLDERS
#define MEM_COALESCE_PLACEHOLDERS 0x00000001
#endif

typedef PVOID(WINAPI *alloc2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, void *, ULONG);
typedef PVOID(WINAPI *map3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, void *,
			       ULONG);

static INIT_ONCE ph_once = INIT_ONCE_STATIC_INIT;
static alloc2_fn alloc2;
static map3_fn map3;

/* The functions are looked up, and tried once, at run time: older Windows lacks them and
 * Wine 8.0 has them but refuses placeholders. */
static BOOL CALLBACK find_placeholders(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	HMODULE k = GetModuleHandleW(L"kernelbase.dll");
	alloc2_fn a;
	map3_fn m;
	void *p;

	(void)once, (void)param, (void)ctx;
	if (k == NULL)
		return TRUE;
	a = (alloc2_fn)(void (*)(void))GetProcAddress(k, "VirtualAlloc2");
	m = (map3_fn)(void (*)(void))GetProcAddress(k, "MapViewOfFile3");
	if (a == NULL || m == NULL)
		return TRUE;
	p = a(NULL, NULL, GRAN, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0);
	if (p == NULL)
		return TRUE;
	VirtualFree(p, 0, MEM_RELEASE);
	alloc2 = a;
	map3 = m;
	return TRUE;
}

static int have_placeholders(void)
{
	InitOnceExecuteOnce(&ph_once, find_placeholders, NULL, NULL);
	return alloc2 != NULL;
}

/* A placeholder of size bytes at base (or anywhere), or NULL. */
static char *reserve_placeholder(char *base, size_t size)
{
	return alloc2(NULL, base, size, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS,
		      NULL, 0);
}

/* Pages are committed only in an ordinary reservation: the placeholder becomes one. */
static int realize(struct map *m)
{
	if (!m->placeholder)
		return 0;
	if (alloc2(NULL, m->base, m->size, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_NOACCESS,
		   NULL, 0) == NULL)
		return -1;
	m->placeholder = 0;
	return 0;
}

/* Reserve at lo; without MAP_FIXED lo is a hint and anywhere else will do. */
static char *reserve_near(const struct request *r, char *lo, size_t size)
{
	char *p = reserve(lo, size);

	if (p == NULL && lo != NULL && !r->fixed)
		p = reserve(NULL, size);
	return p;
}

/* A free range of size bytes, at hint if that is free.  The range is not kept: another
 * allocator of the process may take it before the caller does, so callers retry. */
static char *find_space(char *hint, size_t size)
{
	char *p = reserve(hint, size);

	if (p == NULL && hint != NULL)
		p = reserve(NULL, size);
	if (p != NULL)
		VirtualFree(p, 0, MEM_RELEASE);
	return p;
}

/* The protection a fresh view has: what its access allows. */
static DWORD view_default_prot(DWORD access)
{
	int x = (access & FILE_MAP_EXECUTE) != 0;

	if (access == FILE_MAP_COPY || access == (FILE_MAP_COPY | FILE_MAP_EXECUTE))
		return x ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
	if (access & FILE_MAP_WRITE)
		return x ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
	return x ? PAGE_EXECUTE_READ : PAGE_READONLY;
}

static char *map_view(const struct request *r, char *at)
{
	uint64_t voff = (uint64_t)(r->off - (int64_t)r->lead);

	return MapViewOfFileEx(r->section, r->view_access, (DWORD)(voff >> 32),
			       (DWORD)(voff & 0xffffffffu), r->view_bytes, at);
}

/* Address space that cannot be had, whether in use (ERROR_INVALID_ADDRESS) or more than
 * the process has (ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY), is ENOMEM on Linux. */
static int placement_error(void)
{
	DWORD err = GetLastError();

	if (err == ERROR_INVALID_ADDRESS || err == ERROR_INVALID_PARAMETER)
		return pi_fail(ENOMEM);
	return pi_fail_win32(err);
}

/* Map the view at lo (a hint unless fixed), with the hole for pages past the end of the file
 * right after it.  Returns the view's base. */
static char *place_view(const struct request *r, char *lo, char **hole)
{
	size_t total = r->lead + r->len, vsize = round_gran(r->view_bytes);
	char *at = lo, *base;
	int tries;

	*hole = NULL;
	if (vsize >= total) {
		base = map_view(r, lo);
		if (base == NULL && lo != NULL && !r->fixed)
			base = map_view(r, NULL);
		if (base == NULL)
			placement_error();
		return base;
	}
	for (tries = 0; tries < 8; tries++) {
		if (!r->fixed && (at = find_space(lo, round_gran(total))) == NULL)
			break;
		base = map_view(r, at);
		if (base != NULL && (*hole = reserve(base + vsize, total - vsize)) != NULL)
			return base;
		if (base != NULL)
			UnmapViewOfFile(base);
		if (r->fixed)
			break;
	}
	placement_error();
	return NULL;
}

/* Enter the new allocations into the table with the caller's pages [a, a + len) mapped.
 * On failure releases the allocations. */
static int enter(struct request *r, enum kind kind, char *base, size_t size, char *hole,
		 size_t hole_size)
{
	char *a = base + r->lead, *e = a + r->len;
	struct map *m = map_new(kind, base, size);
	struct map *h = hole != NULL ? map_new(K_HOLE, hole, hole_size) : NULL;

	if (m == NULL || (hole != NULL && h == NULL) || table_insert(m) < 0) {
		free(m);
		free(h);
		goto fail;
	}
	if (h != NULL && table_insert(h) < 0) {
		table_remove(table_find(base));
		free(m);
		free(h);
		goto fail;
	}
	m->live = bits_set(m, page_of(m, a), page_of(m, e < base + size ? e : base + size));
	m->maxprot = r->maxprot;
	m->cow = !r->shared;
	if (kind == K_VIEW)
		m->view_end = base + round_page(r->view_bytes);
	m->sync = kind == K_VIEW && r->shared && !r->anon;
	if (h != NULL)
		h->live = bits_set(h, 0, hole_size / PAGE);
	return 0;
fail:
	if (kind == K_VIEW)
		UnmapViewOfFile(base);
	else
		VirtualFree(base, 0, MEM_RELEASE);
	if (hole != NULL)
		VirtualFree(hole, 0, MEM_RELEASE);
	return pi_fail(ENOMEM);
}

/* Private anonymous memory: a reservation of whole granules (so that MAP_FIXED can later
 * put anonymous pages anywhere in it), committed where the caller asked. */
static char *place_anon(struct request *r, char *lo)
{
	size_t size = round_gran(r->lead + r->len);
	int ph = r->prot == PROT_NONE && have_placeholders();
	char *base = NULL, *a;

	/* PROT_NONE: address space a later MAP_FIXED may fill, a placeholder where there are. */
	if (ph && (base = reserve_placeholder(lo, size)) == NULL && lo != NULL && !r->fixed)
		base = reserve_placeholder(NULL, size);
	if (!ph)
		base = reserve_near(r, lo, size);
	if (base == NULL)
		return placement_error(), NULL;
	a = base + r->lead;
	if (r->prot != PROT_NONE && !VirtualAlloc(a, r->len, MEM_COMMIT, win_prot(r->prot, 0))) {
		pi_fail_win32(0);
		VirtualFree(base, 0, MEM_RELEASE);
		return NULL;
	}
	if (enter(r, K_ANON, base, size, NULL, 0) < 0)
		return NULL;
	table[table_find(base)]->placeholder = ph;
	return a;
}

/* A mapping that starts at or past the end of its file: address space only. */
static char *place_hole(struct request *r, char *lo)
{
	size_t size = r->lead + r->len;
	char *base = reserve_near(r, lo, size);

	if (base == NULL)
		return placement_error(), NULL;
	return enter(r, K_HOLE, base, size, NULL, 0) < 0 ? NULL : base + r->lead;
}

static char *place_section(struct request *r, char *lo)
{
	size_t total = r->lead + r->len, vsize = round_gran(r->view_bytes);
	char *hole, *base = place_view(r, lo, &hole), *a, *vend;

	if (base == NULL)
		return NULL;
	a = base + r->lead;
	vend = base + round_page(r->view_bytes);
	/* Pages below the caller's byte are not part of the mapping. */
	if (set_prot(base, r->lead, PAGE_NOACCESS) < 0 ||
	    (win_prot(r->prot, !r->shared) != view_default_prot(r->view_access) &&
	     set_prot(a, (size_t)((a + r->len < vend ? a + r->len : vend) - a),
		      win_prot(r->prot, !r->shared)) < 0)) {
		pi_fail_win32(0);
		UnmapViewOfFile(base);
		if (hole != NULL)
			VirtualFree(hole, 0, MEM_RELEASE);
		return NULL;
	}
	if (enter(r, K_VIEW, base, vsize < total ? vsize : total, hole, total - vsize) < 0)
		return NULL;
	return a;
}

static char *place(struct request *r, char *lo)
{
	if (r->anon && !r->shared)
		return place_anon(r, lo);
	if (r->section == NULL)
		return place_hole(r, lo);
	return place_section(r, lo);
}

/* ---------------------------------------------------------------- MAP_FIXED */

/* Is any page of [a, e) mapped, by this library or otherwise? */
static int occupied(char *a, char *e)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (m != NULL ? bits_count(m, page_of(m, pa), page_of(m, pb)) != 0
			      : !gap_is(pa, pb, MEM_FREE))
			return 1;
	return 0;
}

/* Private anonymous pages over [a, e) when all of it lies in private anonymous allocations
 * of this library: the pages are replaced in place, page by page, as Linux does.  Returns 1
 * when done, 0 when not applicable, -1 on failure. */
static int anon_in_place(char *a, char *e, int prot)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (m == NULL || m->kind != K_ANON)
			return 0;
	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb)) {
		VirtualFree(pa, (size_t)(pb - pa), MEM_DECOMMIT);
		if (prot != PROT_NONE && (realize(m) < 0 ||
		    !VirtualAlloc(pa, (size_t)(pb - pa), MEM_COMMIT, win_prot(prot, 0))))
			return pi_fail_win32(0);
		m->live += bits_set(m, page_of(m, pa), page_of(m, pb));
	}
	return 1;
}

static int any_committed(const char *a, const char *b)
{
	MEMORY_BASIC_INFORMATION mbi;

	for (; a < b; a = (const char *)mbi.BaseAddress + mbi.RegionSize)
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0 || mbi.State == MEM_COMMIT)
			return 1;
	return 0;
}

static size_t live_in(const struct map *m, char *a, char *b)
{
	char *end = m->base + m->size;

	if (a < m->base)
		a = m->base;
	if (b > end)
		b = end;
	return a < b ? bits_count(m, page_of(m, a), page_of(m, b)) : 0;
}

/* Can m give up [lo, hi), the granules a MAP_FIXED mapping of [a, e) needs?  Either all its
 * mapped pages are in [a, e), or it is address space only outside [lo, hi), which can be
 * reserved again in pieces. */
static int can_split(const struct map *m, char *lo, char *hi, char *a, char *e)
{
	char *end = m->base + m->size;

	if (m->live == live_in(m, a, e))
		return 1;
	if (m->kind == K_VIEW || live_in(m, lo, a) != 0 || live_in(m, e, hi) != 0)
		return 0;
	return m->kind == K_HOLE ||
	       (!any_committed(m->base, lo > m->base ? lo : m->base) &&
		!any_committed(hi < end ? hi : end, end));
}

/* The part [a, b) of m, with its mapped pages, as a new reservation (or NULL). */
static struct map *piece_of(const struct map *m, char *a, char *b)
{
	struct map *p;
	size_t i;

	if (a >= b || live_in(m, a, b) == 0)
		return NULL;
	p = map_new(m->kind, a, (size_t)(b - a));
	if (p == NULL)
		return NULL;
	for (i = 0; i < p->size / PAGE; i++)
		if (bit(m, page_of(m, a) + i))
			p->live += bits_set(p, i, i + 1);
	return p;
}

/* Without placeholders (below) Windows cannot put a view into reserved address space, nor
 * give back part of a reservation: the old allocations must be released whole and the
 * parts the caller keeps reserved again.  Another thread of the process may allocate in
 * between and take part of the range.  The window is kept to the release and the next
 * call, and what was taken is waited for: allocations that come and go (a large malloc)
 * leave again at once, and the caller keeps its range.  Only one that stays longer than
 * FIXED_WAIT_MS (a new thread's stack) costs it: ENOMEM, or a piece of PROT_NONE address
 * space lost. */
#define FIXED_WAIT_MS 2000

/* Wait until [a, b) is free again; 0 if it stayed taken. */
static int wait_free(char *a, char *b, DWORD start)
{
	int spins = 0;

	while (!gap_is(a, b, MEM_FREE)) {
		if (GetTickCount() - start > FIXED_WAIT_MS)
			return 0;
		if (spins++ < 16)
			SwitchToThread();
		else
			Sleep(1);
	}
	return 1;
}

/* Reserve a piece the caller keeps, again.  On failure only address space is lost: the
 * caller's pages there were PROT_NONE. */
static void enter_piece(struct map *p, DWORD start)
{
	if (p == NULL)
		return;
	while (reserve(p->base, p->size) == NULL)
		if (!wait_free(p->base, p->base + p->size, start)) {
			free(p);
			return;
		}
	if (table_insert(p) < 0) {
		VirtualFree(p->base, 0, MEM_RELEASE);
		free(p);
	}
}

/* The pieces of this library's allocations in [lo, hi) that lie outside it, made before
 * anything is released: at most one on each side.  The allocations inside are taken out of
 * the table into *gone. */
struct fixed_plan {
	struct map *left, *right;
	struct map **gone;
	size_t ngone;
};

static int plan_fixed(struct fixed_plan *pl, char *lo, char *hi, char *a, char *e)
{
	size_t i, first = table_find(lo), n = 0;

	memset(pl, 0, sizeof *pl);
	for (i = first; i < table_len && table[i]->base < hi; i++, n++)
		if (!can_split(table[i], lo, hi, a, e))
			return pi_fail(ENOMEM);
	if (n == 0)
		return 0;
	pl->gone = malloc(n * sizeof *pl->gone);
	if (pl->gone == NULL)
		return pi_fail(ENOMEM);
	pl->left = piece_of(table[first], table[first]->base, lo);
	pl->right = piece_of(table[first + n - 1], hi,
			     table[first + n - 1]->base + table[first + n - 1]->size);
	memcpy(pl->gone, table + first, n * sizeof *pl->gone);
	pl->ngone = n;
	memmove(table + first, table + first + n, (table_len - first - n) * sizeof *table);
	table_len -= n;
	return 0;
}

/* A view in place of [lo, hi) of a placeholder, which is split around it: the range is
 * never free.  Applies when one placeholder holds all of [lo, hi), no mapped page of it
 * lies in [lo, hi) outside the caller's range, and the section fills the granules.  1 when
 * done, 0 when not applicable, -1 on failure (the placeholder as it was). */
static int fixed_into_placeholder(struct request *r, char *lo, char *hi)
{
	size_t i = table_find(lo), size = (size_t)(hi - lo);
	char *a = lo + r->lead, *e = a + r->len, *end;
	struct map *m, *left, *right, *view;
	uint64_t voff = (uint64_t)(r->off - (int64_t)r->lead);

	if (r->section == NULL || i >= table_len)
		return 0;
	m = table[i];
	end = m->base + m->size;
	if (!m->placeholder || m->base > lo || end < hi || r->room < size ||
	    live_in(m, lo, a) != 0 || live_in(m, e, hi) != 0)
		return 0;
	left = piece_of(m, m->base, lo);
	right = piece_of(m, hi, end);
	view = map_new(K_VIEW, lo, size);
	if ((m->base < lo && left == NULL) || (hi < end && right == NULL) || view == NULL ||
	    table_cap < table_len + 2) {
		free(left);
		free(right);
		free(view);
		return 0;
	}
	if ((lo > m->base || hi < end) &&
	    !VirtualFree(lo, size, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER))
		goto undo;
	if (map3(r->section, GetCurrentProcess(), lo, voff, size, MEM_REPLACE_PLACEHOLDER,
		 view_default_prot(r->view_access), NULL, 0) == NULL) {
		VirtualFree(m->base, m->size, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS);
		goto undo;
	}
	/* Pages of the view outside the caller's range are not part of the mapping. */
	set_prot(lo, r->lead, PAGE_NOACCESS);
	set_prot(e, (size_t)(hi - e), PAGE_NOACCESS);
	if (win_prot(r->prot, !r->shared) != view_default_prot(r->view_access))
		set_prot(a, r->len, win_prot(r->prot, !r->shared));
	table_remove(i);
	free(m);
	if (left != NULL) {
		left->placeholder = 1;
		table_insert(left);
	}
	if (right != NULL) {
		right->placeholder = 1;
		table_insert(right);
	}
	view->live = bits_set(view, page_of(view, a), page_of(view, e));
	view->maxprot = r->maxprot;
	view->cow = !r->shared;
	view->view_end = hi;
	view->sync = r->shared && !r->anon;
	table_insert(view);
	return 1;
undo:
	free(left);
	free(right);
	free(view);
	return pi_fail_win32(0);
}

static char *map_fixed(struct request *r)
{
	char *a = r->addr, *e = a + r->len, *lo = a - r->lead, *p;
	char *hi = (char *)round_gran((uintptr_t)e), *end = lo + round_gran(r->lead + r->len);
	struct fixed_plan pl;
	DWORD start = GetTickCount();
	size_t i;
	int done, e_saved;

	if (r->noreplace && occupied(a, e)) {
		errno = EEXIST;
		return NULL;
	}
	if (r->anon && !r->shared) {
		done = anon_in_place(a, e, r->prot);
		if (done != 0)
			return done < 0 ? NULL : a;
	}
	done = fixed_into_placeholder(r, lo, hi);
	if (done != 0)
		return done < 0 ? NULL : a;
	if (plan_fixed(&pl, lo, hi, a, e) < 0)
		return NULL;
	/* From the first release to the new mapping nothing else runs. */
	for (i = 0; i < pl.ngone; i++)
		map_release(pl.gone[i]);
	/* A failure to place in the freed range means someone took part of it. */
	while ((p = place(r, lo)) == NULL && errno == ENOMEM && pl.ngone > 0 &&
	       GetTickCount() - start <= FIXED_WAIT_MS && wait_free(lo, end, start))
		;
	e_saved = errno;
	enter_piece(pl.left, start);
	enter_piece(pl.right, start);
	free(pl.gone);
	errno = e_saved;
	return p;
}

/* ---------------------------------------------------------------- mmap */

/* The rights the descriptor's HANDLE holds.  Should the query fail, let Windows decide when
 * the section is made. */
static ACCESS_MASK granted_access(HANDLE h)
{
	DWORD access = pi_granted_access(h);

	return access != 0 ? access : FILE_READ_DATA | FILE_WRITE_DATA | FILE_EXECUTE;
}

/* Linux validates only MAP_SHARED_VALIDATE's flags, and that type only for files; unknown
 * PROT_ bits are ignored by its mmap (mprotect refuses them). */
static int check_flags(int flags)
{
	int type = flags & MAP_TYPE;

	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return pi_fail(EINVAL);
	if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
		return pi_fail(EINVAL);
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return pi_fail(EOPNOTSUPP);
	return 0;
}

/* A section over the pagefile for MAP_SHARED|MAP_ANONYMOUS. */
static int anon_section(struct request *r)
{
	uint64_t size = r->lead + r->len, room = round_gran((uintptr_t)size);

	/* Whole granules, so that MAP_FIXED can fill a placeholder with the view exactly. */
	r->view_bytes = (size_t)size;
	r->room = room;
	r->section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_EXECUTE_READWRITE,
					(DWORD)(room >> 32), (DWORD)(room & 0xffffffffu), NULL);
	if (r->section == NULL)
		return pi_fail_win32(0);
	r->view_access = FILE_MAP_WRITE | FILE_MAP_EXECUTE;
	r->maxprot = PROT_ALL;
	return 0;
}

static HANDLE create_section(HANDLE h, DWORD prot)
{
	/* Size 0: the section is exactly as long as the file, which never grows it and works
	 * for read-only descriptors.  An empty file has no section: place_hole maps it. */
	return CreateFileMappingW(h, NULL, prot, 0, 0, NULL);
}

/* The section for a file mapping: the widest the descriptor allows, so that mprotect can
 * later grant what the descriptor allows.  Asking Windows is cheaper than querying the
 * HANDLE's rights first; ERROR_ACCESS_DENIED is EACCES as Linux gives it. */
static int file_section(struct request *r, HANDLE h)
{
	DWORD x = (r->prot & PROT_EXEC) != 0;

	r->maxprot = PROT_READ | PROT_WRITE | (x ? PROT_EXEC : 0);
	r->view_access = x ? FILE_MAP_EXECUTE : 0;
	if (!r->shared) {
		r->view_access |= FILE_MAP_COPY;
		r->section = create_section(h, x ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY);
	} else {
		r->view_access |= FILE_MAP_WRITE;
		r->section = create_section(h, x ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE);
		if (r->section == NULL && GetLastError() == ERROR_ACCESS_DENIED &&
		    !(r->prot & PROT_WRITE)) {
			r->maxprot &= ~PROT_WRITE;
			r->view_access = FILE_MAP_READ | (x ? FILE_MAP_EXECUTE : 0);
			r->section = create_section(h, x ? PAGE_EXECUTE_READ : PAGE_READONLY);
		}
	}
	return r->section != NULL ? 0 : pi_fail_win32(0);
}

/* A mapping without a section (the file ends before the offset) still needs the rights a
 * section would: the HANDLE's rights decide. */
static int check_access(const struct request *r, HANDLE h)
{
	ACCESS_MASK access = granted_access(h);

	if (!(access & FILE_READ_DATA))
		return pi_fail(EACCES);
	if (r->shared && (r->prot & PROT_WRITE) && !(access & FILE_WRITE_DATA))
		return pi_fail(EACCES);
	if ((r->prot & PROT_EXEC) && !(access & FILE_EXECUTE))
		return pi_fail(EACCES);
	return 0;
}

/* Only files on disk can be mapped: pipes and character devices are ENODEV, before any other
 * error, as on Linux.  GetFileType is asked only on the way to an error, or where no section
 * would find out (a mapping past the end of the file): under Wine it is a request to the
 * server, and on the success path it was seen to slow the first touch of a new view. */
static int file_fail(HANDLE h, int e)
{
	DWORD err = GetLastError();

	if (GetFileType(h) != FILE_TYPE_DISK)
		return pi_fail(ENODEV);
	return e ? pi_fail(e) : pi_fail_win32(err);
}

static int check_file(struct request *r, int fd, int64_t offset)
{
	HANDLE h = pi_fd_handle(fd);
	LARGE_INTEGER size;
	int64_t voff;

	if (h == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	/* Linux checks the file's offset range: a negative offset is beyond any file. */
	if (offset < 0 || offset > INT64_MAX - (int64_t)r->len)
		return file_fail(h, EOVERFLOW);
	r->off = offset;
	r->lead = (size_t)(offset % (int64_t)GRAN);
	/* A view's address and offset are both multiples of GRAN. */
	if (r->fixed && (uintptr_t)r->addr % GRAN != r->lead)
		return file_fail(h, EINVAL);
	if (!GetFileSizeEx(h, &size))
		return file_fail(h, 0);
	voff = offset - (int64_t)r->lead;
	if (size.QuadPart <= voff)
		return GetFileType(h) != FILE_TYPE_DISK ? pi_fail(ENODEV) : check_access(r, h);
	r->room = (uint64_t)(size.QuadPart - voff);
	r->view_bytes = size.QuadPart - voff < (int64_t)(r->lead + r->len)
				? (size_t)(size.QuadPart - voff) : r->lead + r->len;
	return file_section(r, h) < 0 ? file_fail(h, errno) : 0;
}

static int check_request(struct request *r, void *addr, size_t length, int prot, int flags,
			 int fd, int64_t offset)
{
	memset(r, 0, sizeof *r);
	/* Linux's order: the offset, then the descriptor of a file mapping, then the rest. */
	if (offset % (int64_t)PAGE != 0)
		return pi_fail(EINVAL);
	if (!(flags & MAP_ANONYMOUS) && pi_fd_handle(fd) == INVALID_HANDLE_VALUE)
		return pi_fail(EBADF);
	if (length == 0)
		return pi_fail(EINVAL);
	if (check_flags(flags) < 0)
		return -1;
	prot &= PROT_ALL;
	/* No address space is that large; Linux says ENOMEM before looking at the file. */
	if (length > (size_t)PTRDIFF_MAX)
		return pi_fail(ENOMEM);
	r->addr = addr;
	r->len = round_page(length);
	r->prot = prot;
	r->anon = (flags & MAP_ANONYMOUS) != 0;
	r->shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	r->noreplace = (flags & MAP_FIXED_NOREPLACE) != 0;
	r->fixed = r->noreplace || (flags & MAP_FIXED);
	r->maxprot = PROT_ALL;
	if (r->fixed && (uintptr_t)addr % PAGE != 0)
		return pi_fail(EINVAL);
	/* Windows never maps the first 64 KiB; Linux refuses below mmap_min_addr (64 KiB by
	 * default) with EPERM.  Also keeps a NULL MAP_FIXED address from meaning "anywhere". */
	if (r->fixed && (uintptr_t)addr < GRAN)
		return pi_fail(EPERM);
	if (r->fixed && (uintptr_t)addr > UINTPTR_MAX - r->len)
		return pi_fail(ENOMEM);
	if (!r->anon)
		return check_file(r, fd, offset);
	/* The offset means nothing to anonymous memory; the view starts a granule down. */
	r->lead = r->fixed ? (uintptr_t)addr % GRAN : 0;
	r->off = (int64_t)r->lead;
	return r->shared ? anon_section(r) : 0;
}

PI_EXPORT void *posixipc_mmap64(void *addr, size_t length, int prot, int flags, int fd,
				int64_t offset)
{
	struct request r;
	char *p;

	if (check_request(&r, addr, length, prot, flags, fd, offset) < 0) {
		request_free(&r);
		return MAP_FAILED;
	}
	AcquireSRWLockExclusive(&table_lock);
	if (r.fixed)
		p = map_fixed(&r);
	else
		p = place(&r, (char *)((uintptr_t)addr & ~(uintptr_t)(GRAN - 1)));
	ReleaseSRWLockExclusive(&table_lock);
	request_free(&r);
	return p != NULL ? p : MAP_FAILED;
}

/* ---------------------------------------------------------------- munmap, mprotect, msync */

/* [addr, addr + len) in whole pages as [*a, *e): EINVAL for an unaligned address, ENOMEM
 * when the range wraps. */
static int page_range(void *addr, size_t len, char **a, char **e)
{
	*a = *e = addr;
	if ((uintptr_t)addr % PAGE != 0)
		return pi_fail(EINVAL);
	if (len > SIZE_MAX - PAGE + 1 || (uintptr_t)addr > UINTPTR_MAX - round_page(len))
		return pi_fail(ENOMEM);
	*e = *a + round_page(len);
	return 0;
}

/* The end of the address space a process may map: Linux's munmap refuses a range past it.
 * Asked once: it never changes, and munmap is on the path of every mapping's end. */
static char *user_end(void)
{
	static char *volatile end;
	SYSTEM_INFO si;

	if (end == NULL) {
		GetSystemInfo(&si);
		end = (char *)si.lpMaximumApplicationAddress + 1;
	}
	return end;
}

PI_EXPORT int posixipc_munmap(void *addr, size_t length)
{
	char *a, *e;

	if (length == 0 || page_range(addr, length, &a, &e) < 0 || e > user_end())
		return pi_fail(EINVAL);
	AcquireSRWLockExclusive(&table_lock);
	unmap_range(a, e);
	ReleaseSRWLockExclusive(&table_lock);
	return 0;
}

/* Is every page of [a, e) mapped (by this library, or committed memory of the process when
 * want is MEM_COMMIT, any memory when 0)?  Sets ENOMEM when not. */
static int check_mapped(char *a, char *e, DWORD want)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (m != NULL ? !all_live(m, pa, pb) : !gap_is(pa, pb, want))
			return pi_fail(ENOMEM);
	return 0;
}

/* Memory the library did not map (heap, stacks, images): region by region, since
 * VirtualProtect cannot span allocations. */
static int protect_other(char *a, char *b, DWORD prot)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *end;

	for (; a < b; a = end) {
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0)
			return pi_fail(ENOMEM);
		end = (char *)mbi.BaseAddress + mbi.RegionSize;
		if (end > b)
			end = b;
		if (set_prot(a, (size_t)(end - a), prot) < 0)
			return pi_fail_win32(0);
	}
	return 0;
}

static int protect_locked(char *a, char *e, int prot)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	if (check_mapped(a, e, MEM_COMMIT) < 0)
		return -1;
	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (m != NULL && (prot & ~m->maxprot))
			return pi_fail(EACCES);
	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb)) {
		if (m == NULL ? protect_other(pa, pb, win_prot(prot, 0)) < 0
			      : map_protect(m, pa, pb, prot) < 0)
			return m == NULL ? -1 : pi_fail_win32(0);
	}
	return 0;
}

PI_EXPORT int posixipc_mprotect(void *addr, size_t length, int prot)
{
	char *a, *e;
	int r;

	/* Linux's order: the address, an empty range (done), the range, the bits; PROT_SEM
	 * (atomics) asks nothing of Windows. */
	if ((uintptr_t)addr % PAGE != 0)
		return pi_fail(EINVAL);
	if (length == 0)
		return 0;
	if (page_range(addr, length, &a, &e) < 0)
		return -1;
	if (prot & ~(PROT_ALL | PROT_SEM_BIT))
		return pi_fail(EINVAL);
	prot &= PROT_ALL;
	AcquireSRWLockExclusive(&table_lock);
	r = protect_locked(a, e, prot);
	ReleaseSRWLockExclusive(&table_lock);
	return r;
}

/* FlushViewOfFile can fail while the pages are being written already; try again. */
static int flush_view(char *a, size_t len)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (FlushViewOfFile(a, len))
			return 0;
		if (GetLastError() != ERROR_LOCK_VIOLATION)
			break;
		Sleep(tries < 10 ? 0 : 1);
	}
	return pi_fail_win32(0);
}

/* FlushFileBuffers needs a HANDLE of the file, which the descriptor mmap was given may no
 * longer be: open the file the view maps by its NT name (Windows gives \Device\..., Wine
 * 8.0 gives \??\C:\...; NtOpenFile takes either). */
static int flush_file(void *view)
{
	DWORD size = 32768 + 64, n;
	wchar_t *name = malloc(size * sizeof *name);
	UNICODE_STRING us;
	OBJECT_ATTRIBUTES oa;
	IO_STATUS_BLOCK io;
	HANDLE h;
	NTSTATUS st;
	int r = 0;

	if (name == NULL)
		return pi_fail(ENOMEM);
	/* K32GetMappedFileNameW: kernel32 has it since Windows 7, without psapi.dll. */
	n = K32GetMappedFileNameW(GetCurrentProcess(), view, name, size);
	if (n == 0) {
		free(name);
		return pi_fail_win32(0);
	}
	us.Buffer = name;
	us.Length = (USHORT)(n * sizeof *name);
	us.MaximumLength = us.Length;
	InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, NULL, NULL);
	st = NtOpenFile(&h, FILE_WRITE_DATA | SYNCHRONIZE, &oa, &io,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
	free(name);
	/* The file has no name any more (shm_unlink): its pages were written by flush_view,
	 * and a file nobody can open again has no state on disk worth waiting for. */
	if (st == PI_STATUS_OBJECT_NAME_NOT_FOUND || st == PI_STATUS_OBJECT_PATH_NOT_FOUND ||
	    st == PI_STATUS_DELETE_PENDING)
		return 0;
	if (st < 0)
		return pi_fail_nt(st);
	if (!FlushFileBuffers(h))
		r = pi_fail_win32(0);
	CloseHandle(h);
	return r;
}

/* MS_SYNC: write the pages of shared file views in [a, e) and the file's metadata to disk.
 * The table lock is held so that no view or HANDLE goes away meanwhile. */
static int sync_locked(char *a, char *e)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb)) {
		if (m == NULL || m->kind != K_VIEW || !m->sync || pa >= m->view_end)
			continue;
		if (pb > m->view_end)
			pb = m->view_end;
		if (flush_view(pa, (size_t)(pb - pa)) < 0)
			return -1;
		if (flush_file(pa) < 0)
			return -1;
	}
	return 0;
}

PI_EXPORT int posixipc_msync(void *addr, size_t length, int flags)
{
	char *a, *e;
	int r;

	if ((uintptr_t)addr % PAGE != 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_SYNC) && (flags & MS_ASYNC)))
		return pi_fail(EINVAL);
	if (page_range(addr, length, &a, &e) < 0)
		return -1;
	AcquireSRWLockExclusive(&table_lock);
	r = check_mapped(a, e, 0);
	/* A view's pages are the file's cache pages: read() and other views already see every
	 * write, and the system writes them back by itself, which is all MS_ASYNC asks for.
	 * MS_INVALIDATE has nothing to do for the same reason. */
	if (r == 0 && (flags & MS_SYNC))
		r = sync_locked(a, e);
	ReleaseSRWLockExclusive(&table_lock);
	return r;
}

/* ---------------------------------------------------------------- mlock */

/* [addr, addr + len) widened to whole pages, as mlock and munlock take it. */
static int lock_range(const void *addr, size_t len, char **a, size_t *n)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)(PAGE - 1);

	*a = (char *)p;
	*n = 0;
	if ((uintptr_t)addr > UINTPTR_MAX - len || len > SIZE_MAX - PAGE)
		return pi_fail(EINVAL);
	*a = (char *)p;
	*n = round_page((uintptr_t)addr + len - p);
	return 0;
}

/* VirtualLock is limited by the minimum working set; make room for n more bytes. */
static int grow_working_set(size_t n)
{
	SIZE_T min, max;

	if (!GetProcessWorkingSetSize(GetCurrentProcess(), &min, &max))
		return -1;
	if (min > SIZE_MAX - n - 16 * PAGE || max > SIZE_MAX - n - 16 * PAGE)
		return -1;
	min += n + 16 * PAGE;
	if (max < min)
		max = min;
	return SetProcessWorkingSetSize(GetCurrentProcess(), min, max) ? 0 : -1;
}

static int any_free(char *a, size_t n)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *e = a + n;

	for (; a < e; a = (char *)mbi.BaseAddress + mbi.RegionSize)
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0 || mbi.State == MEM_FREE)
			return 1;
	return 0;
}

static int lock_error(DWORD err)
{
	return pi_fail(err == ERROR_PRIVILEGE_NOT_HELD ? EPERM : ENOMEM);
}

PI_EXPORT int posixipc_mlock(const void *addr, size_t length)
{
	char *a;
	size_t n;

	if (lock_range(addr, length, &a, &n) < 0)
		return -1;
	if (n == 0 || VirtualLock(a, n))
		return 0;
	if (GetLastError() == ERROR_WORKING_SET_QUOTA && grow_working_set(n) == 0 &&
	    VirtualLock(a, n))
		return 0;
	return lock_error(GetLastError());
}

PI_EXPORT int posixipc_munlock(const void *addr, size_t length)
{
	char *a;
	size_t n;

	if (lock_range(addr, length, &a, &n) < 0)
		return -1;
	/* Pages not mapped at all are ENOMEM, asked first: Wine's VirtualUnlock succeeds on
	 * them.  Unlocking pages that are not locked is no error on Linux. */
	if (n == 0)
		return 0;
	if (any_free(a, n))
		return pi_fail(ENOMEM);
	if (VirtualUnlock(a, n) || GetLastError() == ERROR_NOT_LOCKED)
		return 0;
	return lock_error(GetLastError());
}

/* Windows cannot lock pages the process maps later, nor all of them at once. */
PI_EXPORT int posixipc_mlockall(int flags)
{
	if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return pi_fail(EINVAL);
	return pi_fail(ENOSYS);
}

PI_EXPORT int posixipc_munlockall(void)
{
	return pi_fail(ENOSYS);
}

/* ---------------------------------------------------------------- madvise */

static int valid_advice(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
		return 1;
	default:
		return 0;
	}
}

/* MADV_DONTNEED on private anonymous memory: the pages read back as zeros, as on Linux.
 * Decommitting does that; MEM_RESET would keep the old contents. */
static void anon_zero(char *a, char *b, int reset_only)
{
	MEMORY_BASIC_INFORMATION mbi;
	char *end;

	for (; a < b; a = end) {
		if (VirtualQuery(a, &mbi, sizeof mbi) == 0)
			return;
		end = (char *)mbi.BaseAddress + mbi.RegionSize;
		if (end > b)
			end = b;
		if (mbi.State != MEM_COMMIT)
			continue;
		if (reset_only) {
			VirtualAlloc(a, (size_t)(end - a), MEM_RESET, PAGE_NOACCESS);
		} else {
			VirtualFree(a, (size_t)(end - a), MEM_DECOMMIT);
			VirtualAlloc(a, (size_t)(end - a), MEM_COMMIT, mbi.Protect);
		}
	}
}

static int advise_locked(char *a, char *e, int advice, int posix)
{
	struct walk w;
	struct map *m;
	char *pa, *pb;

	if (check_mapped(a, e, 0) < 0)
		return -1;
	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (advice == MADV_FREE && m != NULL && m->kind != K_ANON)
			return pi_fail(EINVAL);
	/* posix_madvise's POSIX_MADV_DONTNEED must not lose data: it is only a hint there. */
	if ((advice != MADV_DONTNEED && advice != MADV_FREE) || posix)
		return 0;
	walk_init(&w, a, e);
	while (walk_next(&w, &m, &pa, &pb))
		if (m != NULL && m->kind == K_ANON)
			anon_zero(pa, pb, advice == MADV_FREE);
	return 0;
}

static int advise(void *addr, size_t length, int advice, int posix)
{
	char *a, *e;
	int r;

	if ((uintptr_t)addr % PAGE != 0 || !valid_advice(advice))
		return pi_fail(EINVAL);
	if (length == 0)
		return 0;
	if (page_range(addr, length, &a, &e) < 0)
		return pi_fail(EINVAL);
	AcquireSRWLockExclusive(&table_lock);
	r = advise_locked(a, e, advice, posix);
	ReleaseSRWLockExclusive(&table_lock);
	return r;
}

PI_EXPORT int posixipc_madvise(void *addr, size_t length, int advice)
{
	return advise(addr, length, advice, 0);
}

/* POSIX returns the error number and leaves errno alone. */
PI_EXPORT int posixipc_posix_madvise(void *addr, size_t length, int advice)
{
	int saved = errno, r;

	/* glibc ignores POSIX_MADV_DONTNEED before looking at anything (Linux's MADV_DONTNEED
	 * would drop data, which the POSIX advice must not). */
	if (advice == POSIX_MADV_DONTNEED)
		return 0;
	if (advice == MADV_FREE)
		return EINVAL;
	r = advise(addr, length, advice, 1) < 0 ? errno : 0;
	errno = saved;
	return r;
}

/* mmap for programs whose off_t is 32 bits (built without _FILE_OFFSET_BITS=64). */
PI_EXPORT void *posixipc_mmap32(void *addr, size_t length, int prot, int flags, int fd,
				long offset)
{
	return posixipc_mmap64(addr, length, prot, flags, fd, offset);
}
