# SPDX-License-Identifier: MIT
# scsi/: T10 wire formats (libt10). Code tables are generated from scsi/data/ tables.
T10_TSV := scsi/data/opcodes.tsv scsi/data/asc.tsv scsi/data/sense_keys.tsv
T10_GEN := scsi/gen/tables.awk

$(B)/gen/scsi/t10_tables.h: $(T10_GEN) $(T10_TSV)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)awk -v out=h -f $(T10_GEN) $(T10_TSV) > $@.tmp && mv $@.tmp $@

$(B)/gen/scsi/t10_tables.c: $(T10_GEN) $(T10_TSV)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)awk -v out=c -f $(T10_GEN) $(T10_TSV) > $@.tmp && mv $@.tmp $@

GEN_HDRS += $(B)/gen/scsi/t10_tables.h

LIBS += t10
t10_SRCS := scsi/t10_tables.c scsi/tables.c scsi/cdb.c scsi/sense.c scsi/elem.c scsi/mode.c \
             scsi/vpd.c scsi/log.c scsi/luns.c scsi/rsoc.c scsi/mam.c scsi/ssc.c scsi/pr.c

TESTS += test_scsi
test_scsi_SRCS := scsi/tests/test_scsi.c scsi/tests/test_tables.c scsi/tests/test_be.c \
                  scsi/tests/test_cdb.c scsi/tests/test_sense.c scsi/tests/test_elem.c \
                  scsi/tests/test_mode.c scsi/tests/test_vpd.c scsi/tests/test_log.c \
                  scsi/tests/test_luns.c scsi/tests/test_rsoc.c scsi/tests/test_mam.c \
                  scsi/tests/test_ssc.c scsi/tests/test_pr.c
test_scsi_LIBS := t10 cutest
test_scsi_LDLIBS := -lcunit

# libFuzzer targets (replayed over fuzz/corpus/<target>/ by `make test`).
FUZZ += fuzz_t10_cdb fuzz_t10_sense fuzz_t10_pages
fuzz_t10_cdb_SRCS := fuzz/fuzz_t10_cdb.c
fuzz_t10_cdb_LIBS := t10
fuzz_t10_sense_SRCS := fuzz/fuzz_t10_sense.c
fuzz_t10_sense_LIBS := t10
fuzz_t10_pages_SRCS := fuzz/fuzz_t10_pages.c
fuzz_t10_pages_LIBS := t10
