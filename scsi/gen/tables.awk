# SPDX-License-Identifier: MIT
# Generates the T10 code tables from scsi/data/ tables (POSIX awk; mawk and gawk both work).
#   awk -v out=h -f scsi/gen/tables.awk opcodes.tsv asc.tsv sense_keys.tsv > t10_tables.h
#   awk -v out=c -f scsi/gen/tables.awk opcodes.tsv asc.tsv sense_keys.tsv > t10_tables.c
# Checks what a hand-edited table gets wrong: rows out of order, duplicate codes on the
# same device type, wrong column counts, bad hex, duplicate enum names. Any problem is
# printed as file:line and the exit status is 1, which fails the build.
BEGIN {
    FS = "\t"
    nop = 0; nasc = 0; nkey = 0; err = 0
    hexd = "0123456789ABCDEF"
}
function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    err = 1
}
function hex(s,    i, c, v, d) {
    s = toupper(s)
    if (s == "" || length(s) > 2) { fail("bad hex '" s "'"); return 0 }
    v = 0
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        d = index(hexd, c)
        if (d == 0) { fail("bad hex '" s "'"); return 0 }
        v = v * 16 + d - 1
    }
    return v
}
function devmask(s,    i, c, m) {
    if (s !~ /^[ADTM]+$/) { fail("bad device types '" s "'"); return "0" }
    if (index(s, "A")) return "T10_DEV_ALL"
    m = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (m != "") m = m " | "
        if (c == "D") m = m "T10_DEV(T10_PDT_DISK)"
        else if (c == "T") m = m "T10_DEV(T10_PDT_TAPE)"
        else if (c == "M") m = m "T10_DEV(T10_PDT_CHANGER)"
    }
    return m
}
function overlaps(a, b,    i) {
    if (index(a, "A") || index(b, "A")) return 1
    for (i = 1; i <= length(a); i++)
        if (index(b, substr(a, i, 1))) return 1
    return 0
}
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function symcheck(sym) {
    if (sym !~ /^[A-Z][A-Z0-9_]*$/) fail("bad enum name '" sym "'")
    if (sym in seen_sym) fail("duplicate enum name " sym)
    seen_sym[sym] = 1
}
/^#/ || /^[ \t]*$/ { next }
FILENAME ~ /opcodes\.tsv$/ {
    if (NF != 7) { fail("expected 7 columns, got " NF); next }
    op = hex($1); sa = ($2 == "-") ? -1 : hex($2)
    key = op * 512 + sa + 1
    if (nop > 0 && key < lastkey) fail("opcode rows out of order")
    if (nop > 0 && key == lastkey) {
        if (overlaps($3, keytypes)) fail("duplicate opcode/service action for the same device type")
        keytypes = keytypes $3
    } else keytypes = $3
    lastkey = key
    if ($4 !~ /^(6|10|12|16)$/) fail("bad CDB length " $4)
    symcheck((sa < 0 ? "OP_" : "SA_") $7)
    nop++
    op_op[nop] = op; op_sa[nop] = sa; op_mask[nop] = devmask($3); op_len[nop] = $4
    op_name[nop] = $5; op_clause[nop] = $6; op_sym[nop] = $7; op_types[nop] = $3
    next
}
FILENAME ~ /asc\.tsv$/ {
    if (NF != 6) { fail("expected 6 columns, got " NF); next }
    a = hex($1); range = ($2 == "NN"); q = range ? 0 : hex($2)
    key = a * 256 + q
    if (nasc > 0 && key <= lastasc) fail("ASC rows out of order or duplicated")
    lastasc = key
    if ($4 !~ /^(info|progress|no_medium|medium|hardware|illegal|attention|protect|cleaning|element|position|aborted|reservation|predicted)$/)
        fail("unknown error class " $4)
    symcheck("ASC_" $6)
    nasc++
    asc_a[nasc] = a; asc_q[nasc] = q; asc_range[nasc] = range; asc_mask[nasc] = devmask($3)
    asc_class[nasc] = toupper($4); asc_text[nasc] = $5; asc_sym[nasc] = $6
    next
}
FILENAME ~ /sense_keys\.tsv$/ {
    if (NF != 3) { fail("expected 3 columns, got " NF); next }
    nkey++
    key_v[nkey] = hex($1); key_name[nkey] = $2; key_sym[nkey] = $3
    symcheck("KEY_" $3)
    next
}
{ fail("unexpected input file") }
END {
    if (err) exit 1
    if (out == "h") emit_h(); else if (out == "c") emit_c(); else { print "out=h or out=c" > "/dev/stderr"; exit 1 }
}
function emit_h(    i) {
    print "/* Generated from the scsi/data tables by scsi/gen/tables.awk; do not edit. */"
    print "#ifndef OPENRSM_SCSI_T10_TABLES_H"
    print "#define OPENRSM_SCSI_T10_TABLES_H"
    print ""
    print "/* Operation codes; several names may share a value on different device types. */"
    print "enum t10_op {"
    for (i = 1; i <= nop; i++) if (op_sa[i] < 0)
        printf "    T10_OP_%s = 0x%02X, /* %s [%s] */\n", op_sym[i], op_op[i], op_name[i], op_types[i]
    print "};"
    print ""
    print "/* Service actions, named after the command they select. */"
    print "enum t10_sa {"
    for (i = 1; i <= nop; i++) if (op_sa[i] >= 0)
        printf "    T10_SA_%s = 0x%02X, /* opcode %02Xh: %s */\n", op_sym[i], op_sa[i], op_op[i], op_name[i]
    print "};"
    print ""
    print "enum t10_sense_key {"
    for (i = 1; i <= nkey; i++) printf "    T10_KEY_%s = 0x%X,\n", key_sym[i], key_v[i]
    print "};"
    print ""
    print "/* ASC/ASCQ pairs, T10_ASC(asc, ascq). */"
    print "enum t10_asc {"
    for (i = 1; i <= nasc; i++) if (!asc_range[i])
        printf "    T10_ASC_%s = T10_ASC(0x%02X, 0x%02X), /* %s */\n", asc_sym[i], asc_a[i], asc_q[i], asc_text[i]
    print "};"
    print ""
    print "/* ASCs whose every ASCQ shares one meaning (the ASCQ is a parameter). */"
    print "enum t10_asc_range {"
    for (i = 1; i <= nasc; i++) if (asc_range[i])
        printf "    T10_ASCR_%s = 0x%02X, /* %s */\n", asc_sym[i], asc_a[i], asc_text[i]
    print "};"
    print ""
    print "#endif"
}
function emit_c(    i) {
    print "/* Generated from the scsi/data tables by scsi/gen/tables.awk; do not edit. */"
    print "#include \"scsi/tables.h\""
    print "#include \"scsi/tables_data.h\""
    print ""
    print "const struct t10_op_info t10_op_table_[] = {"
    for (i = 1; i <= nop; i++)
        printf "    {0x%02X, %d, %s, %d, %s, %s},\n", op_op[i], op_sa[i], op_mask[i], op_len[i], cstr(op_name[i]), cstr(op_clause[i])
    print "};"
    printf "const size_t t10_op_table_len_ = %d;\n\n", nop
    print "const struct t10_asc_info t10_asc_table_[] = {"
    for (i = 1; i <= nasc; i++)
        printf "    {T10_ASC(0x%02X, 0x%02X), %s, %s, T10_CLASS_%s, %s},\n", asc_a[i], asc_q[i], asc_range[i] ? "true" : "false", asc_mask[i], asc_class[i], cstr(asc_text[i])
    print "};"
    printf "const size_t t10_asc_table_len_ = %d;\n\n", nasc
    print "const char *const t10_sense_key_names_[16] = {"
    for (i = 1; i <= nkey; i++) printf "    [0x%X] = %s,\n", key_v[i], cstr(key_name[i])
    print "};"
}
