/* SPDX-License-Identifier: MIT
 * sim/tape/tapeimg.h - the tape image store: one cartridge's recorded contents.
 *
 * What it models: the medium of a sequential-access device (SSC-4 clause 4.2): per
 * partition, a sequence of logical objects (data blocks of any length up to
 * VTL_TAPE_MAX_BLOCK, filemarks, setmarks) followed by end-of-data (EOD). Logical object
 * numbers count every block and every mark from 0 at beginning-of-partition (BOP), as
 * READ POSITION reports them. No SCSI bytes live here: the SSC layer (sim/drive) turns these
 * results into sense data (the mapping is in sim/tape/README.md).
 *
 * Storage: one directory per cartridge, <state_dir>/<barcode>/, holding a metadata file,
 * one data file and one index file per partition, and the MAM attribute file. The format
 * and the crash-recovery rules are in sim/tape/FORMAT.md. In short: a filemark and
 * vtl_tape_flush() make everything before them durable (fsync); plain blocks are written
 * through the page cache; a reopened image ends at its last complete, checksummed record.
 *
 * Positions are the gaps between objects, numbered by the object that follows:
 *
 *     BOP                                                        EOD
 *      | blk 0 | blk 1 | FM 2 | blk 3 | FM 4 | FM 5 | blk 6 |
 *      0       1       2      3       4      5      6       7
 *
 *   position 3: object 3, file 1, block_in_file 0.  READ at 2 returns FILEMARK and
 *   leaves position 3 (EOP side); SPACE -1 block from 3 stops at 2 (BOP side of FM 2)
 *   with FILEMARK and residue -1; SPACE 2 filemarks from 0 ends at 5; from 7 (EOD),
 *   READ and forward SPACE return EOD without moving. Writing at position 4 discards
 *   objects 4..6 and makes 5 the new EOD.
 *
 * Positioning: an in-memory index (one 8-byte entry per object, plus sorted arrays of
 * filemark and setmark object numbers) is rebuilt on open from the compact index file
 * without reading the data. LOCATE is O(1); SPACE and every position query are O(log n).
 * Writes append in O(1) amortised; data goes through a small write-behind buffer.
 *
 * Threads: a struct vtl_tape belongs to one thread at a time; nothing in it is locked.
 * Two handles must never be open on the same image at once (the store takes an advisory
 * flock so a second open fails with VTL_TAPE_EBUSY instead of corrupting the image).
 *
 * Errors: every function returns enum vtl_tape_rc; 0 is success. A few non-zero codes are
 * not failures but tape conditions (FILEMARK, SETMARK, EOD, BOP) that the SSC layer turns
 * into CHECK CONDITION with the matching sense; they are grouped first.
 */
#ifndef OPENRSM_SIM_TAPE_TAPEIMG_H
#define OPENRSM_SIM_TAPE_TAPEIMG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTL_TAPE_MAX_PARTITIONS 4
#define VTL_TAPE_MAX_BLOCK      (16u * 1024 * 1024) /* largest data block, bytes */
#define VTL_TAPE_BARCODE_MAX    32                  /* barcode length, without NUL */
#define VTL_TAPE_ATTR_MAX_LEN   1024                /* one MAM attribute's value */
#define VTL_TAPE_ATTR_MAX_COUNT 512                 /* attributes per cartridge */

enum vtl_tape_rc {
    VTL_TAPE_OK = 0,
    /* ---- tape conditions: the operation did what the standard says, then stopped ---- */
    VTL_TAPE_FILEMARK, /* read or block spacing met a filemark (SSC: FILEMARK bit) */
    VTL_TAPE_SETMARK,  /* read or block spacing met a setmark */
    VTL_TAPE_EOD,      /* end-of-data reached: BLANK CHECK, 00/05 */
    VTL_TAPE_BOP,      /* backward motion reached BOP: EOM bit, 00/04 */
    /* ---- refusals: nothing was changed ---- */
    VTL_TAPE_EOM,       /* write would cross the physical end: VOLUME OVERFLOW */
    VTL_TAPE_WORM,      /* WORM medium: written data may not be overwritten or erased */
    VTL_TAPE_WPROTECT,  /* write-protected cartridge */
    VTL_TAPE_EINVAL,    /* bad argument (block too long, no such partition, ...) */
    VTL_TAPE_ENOENT,    /* no such image, attribute or file */
    VTL_TAPE_EEXIST,    /* image already exists */
    VTL_TAPE_EBUSY,     /* image is open elsewhere */
    VTL_TAPE_ECORRUPT,  /* image or export stream is not in the documented format */
    VTL_TAPE_EMEDIUM,   /* a stored block fails its checksum: MEDIUM ERROR on read */
    VTL_TAPE_EREADONLY, /* attribute is read-only, or the image was opened read-only */
    VTL_TAPE_ENOMEM,
    VTL_TAPE_EIO, /* the host file system failed; errno-level detail is logged nowhere */
};

/* Short constant name of @rc ("VTL_TAPE_EOD"), for logs and test messages. */
const char *vtl_tape_rc_name(enum vtl_tape_rc rc);

/* What the last ECORRUPT or EIO on the calling thread was about, for an operator:
 * "FUZZ01/p0.dat: bad file header", "stream: partition 1, record 17: payload checksum".
 * Borrowed (thread-local); meaningful right after a call that failed, "" if none did. */
const char *vtl_tape_last_error(void);

/* Media types: native capacity and SSC density code of each generation. */
struct vtl_tape_media_info {
    const char *name;       /* "LTO8" */
    uint64_t native_bytes;  /* native (uncompressed) capacity */
    uint8_t density_code;   /* REPORT DENSITY SUPPORT primary density code */
    uint8_t max_partitions; /* partitions the generation supports */
};
/* Table entry for @name (case-insensitive: "LTO8", "lto-8"), or NULL. Borrowed, static. */
const struct vtl_tape_media_info *vtl_tape_media_lookup(const char *name);

/* Options for vtl_tape_create(). Zero-initialise, then set what matters. */
struct vtl_tape_create_opts {
    const char *media;       /* media name for vtl_tape_media_lookup(); NULL = "LTO8" */
    uint64_t capacity_bytes; /* total capacity; 0 = the media's native capacity. Tests
                              * pass a few MiB to reach early warning quickly. */
    bool worm;               /* write-once cartridge */
    unsigned n_partitions;   /* 0 or 1 = one partition; at most VTL_TAPE_MAX_PARTITIONS */
    uint64_t part_bytes[VTL_TAPE_MAX_PARTITIONS]; /* per-partition capacity; all 0 =
                                                   * split capacity_bytes evenly */
    uint64_t ew_bytes;   /* early-warning zone before the end; 0 = 1% of the
                          * partition, at least 64 KiB (clipped to the partition) */
    unsigned open_flags; /* enum vtl_tape_open_flags for the returned handle */
};

struct vtl_tape; /* opaque handle; owned by whoever opened it, freed by vtl_tape_close() */

/* Creates a new, blank image <dir>/<barcode>/ and opens it for writing.
 * @dir must exist. @barcode: 1..VTL_TAPE_BARCODE_MAX of [A-Za-z0-9_.-], not starting with
 * '.'. On success *@out is an owned handle positioned at BOP of partition 0. On failure
 * *@out is NULL and nothing is left on disk (EEXIST if the image exists). */
enum vtl_tape_rc vtl_tape_create(const char *dir, const char *barcode,
                                 const struct vtl_tape_create_opts *opts, struct vtl_tape **out);

enum vtl_tape_open_flags {
    VTL_TAPE_OPEN_RDONLY = 1 << 0, /* never modify the files (no tail repair either) */
    VTL_TAPE_OPEN_NOSYNC = 1 << 1, /* skip every fsync: scratch images in tests and
                                    * benchmarks only; not crash safe */
};
/* Opens an existing image. Recovery (FORMAT.md): every partition ends at its last complete,
 * checksummed record; a torn tail is cut off on disk unless opened read-only. The handle
 * is at BOP of partition 0. ENOENT if absent, ECORRUPT if the metadata is unreadable
 * (nothing is changed then), EBUSY if another handle holds it. *@out NULL on failure. */
enum vtl_tape_rc vtl_tape_open(const char *dir, const char *barcode, unsigned flags,
                               struct vtl_tape **out);

/* Flushes (as vtl_tape_flush()) and frees @t. Returns the flush result; @t is freed
 * whatever it is. NULL is a no-op. */
enum vtl_tape_rc vtl_tape_close(struct vtl_tape *t);

/* Deletes the image directory of a closed cartridge. */
enum vtl_tape_rc vtl_tape_remove(const char *dir, const char *barcode);

/* Makes everything written so far durable: write-behind buffer, index, counters, fsync.
 * This is the point up to which a crash keeps data (SSC: WRITE FILEMARKS with count 0,
 * or the synchronisation before a REWIND/UNLOAD). */
enum vtl_tape_rc vtl_tape_flush(struct vtl_tape *t);

/* ---- writing ----------------------------------------------------------------------
 * Every write happens at the current position and ends the partition there: whatever
 * followed is gone (new EOD after the written object), except on WORM media where only
 * appending at EOD is allowed (and overwriting filemarks that are followed by nothing but
 * filemarks, so an application can append after its closing double filemark).
 * Write-protected images refuse with WPROTECT. A write that would not fit before the
 * partition's physical end is refused with EOM and nothing is written. A write that ends
 * inside the early-warning zone succeeds; vtl_tape_position() then shows past_ew. */

/* Writes one data block of @len bytes (1..VTL_TAPE_MAX_BLOCK) from @buf (borrowed for the
 * call). Compressed if compression is on and it helps. Not durable until a filemark or
 * flush. */
enum vtl_tape_rc vtl_tape_write(struct vtl_tape *t, const void *buf, size_t len);

/* Writes @count filemarks (setmarks if @setmark) and then syncs as vtl_tape_flush() does.
 * @count 0 only syncs. */
enum vtl_tape_rc vtl_tape_write_marks(struct vtl_tape *t, uint32_t count, bool setmark);

/* Erases from the current position to the end of the partition: EOD is here afterwards.
 * @long_erase is accepted for SSC's LONG bit; both forms leave the same recorded contents
 * (nothing after the position). WORM refuses unless at EOD. Synced like a filemark. */
enum vtl_tape_rc vtl_tape_erase(struct vtl_tape *t, bool long_erase);

/* Repartitions and erases the whole cartridge (FORMAT MEDIUM / MEDIUM PARTITION page).
 * @n_partitions 1..min(VTL_TAPE_MAX_PARTITIONS, media max); @part_bytes as in create
 * (NULL or all 0 = even split of the total capacity). WORM with data refuses. Counters
 * and MAM are kept. Position afterwards: BOP of partition 0. */
enum vtl_tape_rc vtl_tape_format(struct vtl_tape *t, unsigned n_partitions,
                                 const uint64_t *part_bytes);

/* ---- reading ---------------------------------------------------------------------- */

enum vtl_tape_obj_kind { VTL_TAPE_BLOCK, VTL_TAPE_FILEMARK_OBJ, VTL_TAPE_SETMARK_OBJ };

struct vtl_tape_read_result {
    enum vtl_tape_obj_kind kind; /* what was met (valid with OK, FILEMARK, SETMARK) */
    size_t block_len;            /* the block's full length (may exceed the buffer) */
    size_t copied;               /* bytes placed in the buffer: min(block_len, cap) */
};

/* Reads the object at the current position.
 * Block: copies up to @cap bytes into @buf, fills @res (block_len > cap means the host's
 * buffer was short: SSC's ILI with residue), moves past the block, returns OK.
 * Filemark/setmark: moves past it, returns FILEMARK/SETMARK (nothing copied).
 * At EOD: returns EOD, position unchanged (BLANK CHECK).
 * A block failing its checksum: EMEDIUM, position moves past it (a drive skips a bad
 * block too). @res may be NULL. */
enum vtl_tape_rc vtl_tape_read(struct vtl_tape *t, void *buf, size_t cap,
                               struct vtl_tape_read_result *res);

/* ---- positioning ------------------------------------------------------------------ */

struct vtl_tape_pos {
    unsigned partition;
    uint64_t object;        /* logical object number of the next object (READ POSITION) */
    uint64_t file;          /* filemarks before the position (the file number) */
    uint64_t setmarks;      /* setmarks before the position */
    uint64_t block_in_file; /* objects between the last preceding filemark and here */
    uint64_t eod_object;    /* objects in the partition: the EOD position */
    uint64_t bytes_used;    /* medium bytes recorded in the partition (whole, to EOD) */
    uint64_t bytes_at_pos;  /* medium bytes before the position */
    uint64_t capacity;      /* the partition's capacity, bytes */
    bool bop;               /* at beginning of partition */
    bool eod;               /* at end of data */
    bool past_pew;          /* position beyond the programmable early-warning point */
    bool past_ew;           /* position beyond early warning (SSC: EOM bit on writes) */
    bool at_pe;             /* no room for even one more filemark */
};

/* Fills @out with the current position. Cannot fail. O(log n). */
void vtl_tape_position(const struct vtl_tape *t, struct vtl_tape_pos *out);

/* Back to BOP of the current partition (REWIND). To change partition, locate. */
enum vtl_tape_rc vtl_tape_rewind(struct vtl_tape *t);

/* LOCATE to logical object @object of @partition. Beyond EOD: position at EOD and
 * returns EOD (BLANK CHECK). EINVAL for a partition that does not exist (no motion). */
enum vtl_tape_rc vtl_tape_locate(struct vtl_tape *t, unsigned partition, uint64_t object);

/* LOCATE(16) with DEST_TYPE file: to the BOP side of the first object of file @file
 * (just after filemark @file - 1; file 0 is BOP). Fewer filemarks: EOD, at EOD. */
enum vtl_tape_rc vtl_tape_locate_file(struct vtl_tape *t, unsigned partition, uint64_t file);

enum vtl_tape_space_code {
    VTL_TAPE_SPACE_BLOCKS,    /* SSC code 000b: logical blocks */
    VTL_TAPE_SPACE_FILEMARKS, /* 001b */
    VTL_TAPE_SPACE_EOD,       /* 011b: count ignored */
    VTL_TAPE_SPACE_SETMARKS,  /* 100b */
};

/* SPACE by @count objects of @code (negative = toward BOP), with SSC-4's stop rules:
 * - blocks: a filemark (or setmark) ends the motion: forward, the position is just after
 *   it (EOP side); backward, just before it (BOP side). Returns FILEMARK/SETMARK.
 * - filemarks: forward ends after the |count|th filemark; backward ends before it (BOP
 *   side). Setmarks are passed over. setmarks likewise pass over blocks and filemarks.
 * - forward motion that meets EOD stops there and returns EOD; backward motion that
 *   reaches BOP stops there and returns BOP.
 * *@residue (may be NULL) gets count minus the signed number of counted objects actually
 * spaced (SSC INFORMATION field): 0 on OK, same sign as @count otherwise.
 * Count 0 moves nothing and returns OK. */
enum vtl_tape_rc vtl_tape_space(struct vtl_tape *t, enum vtl_tape_space_code code, int64_t count,
                                int64_t *residue);

/* ---- settings and counters -------------------------------------------------------- */

/* Compression of blocks written from now on (zstd, fast level). Off by default; kept in
 * the image's metadata. */
enum vtl_tape_rc vtl_tape_set_compression(struct vtl_tape *t, bool on);
bool vtl_tape_compression(const struct vtl_tape *t);

/* Write protection (the cartridge's tab). Persisted. Setting it is allowed on a
 * protected cartridge (it is the operator's switch, not a write). */
enum vtl_tape_rc vtl_tape_set_write_protect(struct vtl_tape *t, bool on);
bool vtl_tape_write_protected(const struct vtl_tape *t);
bool vtl_tape_is_worm(const struct vtl_tape *t);

/* Early-warning zone of every partition: EW is @ew_bytes before the partition's end, and
 * the programmable early warning (SSC PEWZ) @pew_bytes before EW (0 = none). */
enum vtl_tape_rc vtl_tape_set_early_warning(struct vtl_tape *t, uint64_t ew_bytes,
                                            uint64_t pew_bytes);

/* The media table entry and the partition count of the image. */
const struct vtl_tape_media_info *vtl_tape_media(const struct vtl_tape *t);
unsigned vtl_tape_partitions(const struct vtl_tape *t);
/* Capacity and recorded bytes of @partition (MODE SENSE page 11h, TapeAlert/log pages),
 * both 0 for a partition that does not exist. */
void vtl_tape_partition_bytes(const struct vtl_tape *t, unsigned partition, uint64_t *capacity,
                              uint64_t *used);

/* Lifetime counters of the cartridge, persisted with the image at each flush. The drive
 * takes a copy at load time and reports differences for "this load" log parameters. */
struct vtl_tape_counters {
    uint64_t host_bytes_written;   /* block bytes received from the host */
    uint64_t host_bytes_read;      /* block bytes returned to the host */
    uint64_t medium_bytes_written; /* bytes recorded: headers + stored (compressed) data */
    uint64_t medium_bytes_read;
    uint64_t blocks_written, blocks_read, marks_written;
    uint64_t compressed_blocks; /* blocks stored compressed */
    uint64_t loads;             /* vtl_tape_count_load() calls */
    uint64_t medium_errors;     /* checksum failures met while reading */
};
void vtl_tape_get_counters(const struct vtl_tape *t, struct vtl_tape_counters *out);
/* The drive calls this when it loads the cartridge; persisted at the next flush/close. */
void vtl_tape_count_load(struct vtl_tape *t);

/* ---- medium auxiliary memory (READ/WRITE ATTRIBUTE) --------------------------------
 * A small store of attributes (16-bit id -> up to VTL_TAPE_ATTR_MAX_LEN bytes, with the
 * SPC-4 FORMAT code and a read-only flag), persisted in its own file by write-new +
 * rename at every set, so it is always either the old or the new set. */

struct vtl_tape_attr {
    uint16_t id;
    uint8_t format; /* SPC-4: 0 binary, 1 ASCII, 2 text */
    bool read_only;
    uint16_t len;
    uint8_t value[VTL_TAPE_ATTR_MAX_LEN];
};

/* Copies attribute @id into @out. ENOENT if absent. */
enum vtl_tape_rc vtl_tape_attr_get(const struct vtl_tape *t, uint16_t id,
                                   struct vtl_tape_attr *out);
/* Sets (or with @len 0, deletes) attribute @id. EREADONLY if the stored attribute is
 * read-only and @force is false (the drive itself sets read-only ones with @force),
 * WPROTECT on a protected cartridge unless @force. EINVAL if @len is too long. */
enum vtl_tape_rc vtl_tape_attr_set(struct vtl_tape *t, uint16_t id, uint8_t format, bool read_only,
                                   const void *value, size_t len, bool force);
/* Fills @ids (room for @cap) with the ids present, ascending; *@n gets how many exist
 * (may exceed @cap: ask again with more room). */
void vtl_tape_attr_list(const struct vtl_tape *t, uint16_t *ids, size_t cap, size_t *n);

/* ---- import / export ---------------------------------------------------------------
 * A cartridge as one portable file (the "OTAPE1" stream of FORMAT.md): metadata, every
 * partition's records and the MAM attributes, each checksummed. */

/* Writes @t's whole contents to @path (created or replaced atomically). The handle's
 * position is unchanged. */
enum vtl_tape_rc vtl_tape_export(struct vtl_tape *t, const char *path);

/* Creates image <dir>/<barcode>/ from the stream in @path. The stream is checked
 * completely first; ECORRUPT on any defect, EEXIST if the image exists: in both cases
 * nothing is left on disk. */
enum vtl_tape_rc vtl_tape_import(const char *path, const char *dir, const char *barcode);

#endif
