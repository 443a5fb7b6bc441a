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
t10_SRCS := scsi/t10_tables.c scsi/tables.c scsi/cdb.c scsi/sense.c scsi/elem.c scsi/mode.c scsi/vpd.c
