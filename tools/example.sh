#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's example step: Documentation/extending.rst's worked lock kind,
# taken from the document as it is, added to a scratch copy of the tree as
# its home's file and one line of blk_kinds_list.h (nothing else touched),
# then:
#   build    the module for the kernel of make check (W=1, no warning)
#   host     the host world (check build), the kind run once on the host's
#            cores: on the menu, 0 violations, its RMWs as counted
#   genmc    GenMC's every client under SC, TSO, RC11 and IMM
#   kunit    KUnit's cases over the menu, UML (the kunit step's build)
#   missing  an operation left out, then a column left out: the host build
#            fails, naming the operation, or the list line and its macro
#   doc      the menu table of blacklock.rst: stale with the line, the
#            check naming the kind; made again by tools/kinds.py
# and the copy is thrown away. Prints PASS/FAIL lines and a verdict line.
#
#   tools/example.sh module
# builds the copy's module only, and prints the kind's id and the module's
# path (blacklock-example.ko): make check's vm step loads it in a boot it
# makes anyway (tools/guest/check.sh, BLK_EXAMPLE) and shows the kind in
# make demo's tables. The module is kept per content of the copy, so the
# vm step and this step build it once between them.
set -euo pipefail
BLK_TOOL=example
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [module]" >&2
	exit 2
}
mode=all
case "$*" in
"") ;;
module) mode=module ;;
*) usage ;;
esac

blk_kernel 6.1 || exit 1
doc=$BLK_TOP/Documentation/extending.rst
work=$BLK_BUILD/example
failed=0
verdict() { # verdict STATUS WHAT
	if [ "$1" = 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; failed=1; fi
}
cleanup() { rm -rf "$work/tree" "$work/bad"; }
trap cleanup EXIT

# The code block after each ".. blk-example-file: NAME" (a file) and after
# ".. blk-example-line:" (the list line), its indentation taken off.
extract() { # extract MARKER
	awk -v marker="$1" '
	index($0, ".. " marker) == 1 { on = 1; next }
	on && /^\.\. code-block::/ { code = 1; next }
	code && /^[^ \t]/ { exit }
	code && /^   / { sub(/^   /, ""); print; next }
	code && /^$/ { print }
	' "$doc" | sed -e '/./,$!d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
file=$(grep -m1 -o '^\.\. blk-example-file: [a-z_]*\.h' "$doc" | awk '{ print $3 }')
[ -n "$file" ] || blk_die "no '.. blk-example-file: NAME' in $doc"
id=${file#blk_}
id=${id%.h}

# tree: the sources as git has them (tracked files), the example added
mkdir -p "$work"
rm -rf "$work/tree" "$work/bad"
mkdir "$work/tree"
(cd "$BLK_TOP" && git ls-files -z | xargs -0 cp --parents -t "$work/tree")
extract "blk-example-file: $file" >"$work/tree/$file"
extract "blk-example-line:" >"$work/line"
grep -q "^BLK_KIND($id," "$work/line" || blk_die "the example's line is not BLK_KIND($id, ...)"
awk -v line="$work/line" '/^#if BLK_WORLD_KERNEL/ && !done { while ((getline l < line) > 0) print l; done = 1 } { print }' \
	"$BLK_TOP/blk_kinds_list.h" >"$work/tree/blk_kinds_list.h"

# module: the copy's module as make check's build step builds it (W=1),
# once per content of the copy and kernel: $work/ko-KEY holds it, its log
# and its exit status
key=$( (cd "$work/tree" && find . -type f -print0 | sort -z | xargs -0 sha1sum; echo "$BLK_KVER") |
	sha1sum | cut -c1-12)
ko=$work/ko-$key
if [ ! -f "$ko/rc" ]; then
	rm -rf "$work"/ko-*
	mkdir "$ko"
	rc=0
	make -C "$work/tree" -j"$(nproc)" KERNELDIR="$BLK_KDIR" W=1 >"$ko/build.log" 2>&1 || rc=$?
	[ "$rc" != 0 ] || cp "$work/tree/blacklock.ko" "$ko/blacklock-example.ko"
	echo "$rc" >"$ko/rc"
fi
if [ "$mode" = module ]; then
	[ -f "$ko/blacklock-example.ko" ] || { cat "$ko/build.log" >&2; blk_die "the example's module does not build"; }
	echo "$id $ko/blacklock-example.ko"
	exit 0
fi

changed=$(cd "$BLK_TOP" && git ls-files | while read -r f; do cmp -s "$f" "$work/tree/$f" || echo "$f"; done)
verdict "$([ "$changed" = blk_kinds_list.h ] && echo 0 || echo 1)" \
	"$id from the document: $file and one line of blk_kinds_list.h, no other file ($(echo $changed))"

# doc: the menu table of blacklock.rst is made from the list: stale with
# the line added (the check names the kind), then made again
rc=0
python3 "$work/tree/tools/kinds.py" --doc-check "$work/tree/Documentation/blacklock.rst" \
	>"$work/doc.log" 2>&1 || rc=$?
verdict "$([ "$rc" != 0 ] && grep -q "^+\`\`$id\`\` " "$work/doc.log" && echo 0 || echo 1)" \
	"the menu table of blacklock.rst, made before the line, is stale and says $id's row (exit $rc)"
rc=0
python3 "$work/tree/tools/kinds.py" --doc-write "$work/tree/Documentation/blacklock.rst" &&
	python3 "$work/tree/tools/kinds.py" --doc-check "$work/tree/Documentation/blacklock.rst" \
	>"$work/doc.log" 2>&1 || rc=$?
verdict "$rc" "tools/kinds.py --doc-write makes the table again, $id's row in it"

# build: the module (made above)
rc=$(cat "$ko/rc")
warnings=$(grep -c 'warning:' "$ko/build.log" || true)
verdict $((rc + warnings)) "the module builds with $id (W=1 against $BLK_KVER: exit $rc, $warnings warnings)"

# host: the check build, the kind on the menu and once on the host's cores
rc=0
make -s -C "$work/tree/tools/host" O="$work/host" check >"$work/host.log" 2>&1 || rc=$?
verdict $rc "the host world builds with $id"
if [ "$rc" = 0 ]; then
	"$work/host/blk-host-check" locks | grep -q "^$id " && rc=0 || rc=1
	verdict $rc "the host's menu has $id"
	rc=0
	out=$("$work/host/blk-host-check" run "lock=$id" threads=2 duration_ms=200 2>&1) || rc=$?
	v=$(echo "$out" | sed -n 's/.* \([0-9]*\) violations$/\1/p' | tail -1)
	verdict "$([ "$rc" = 0 ] && [ "$v" = 0 ] && echo 0 || echo 1)" \
		"$id on the host's cores, 2 threads, 200 ms: exit $rc (4: RMWs not as counted), ${v:-no} violations"
fi

# genmc: every client under every model
where=$("$BLK_TOP/tools/verify/checkers.sh" genmc 2>/dev/null) || where=
genmc=$(awk '$1 == "genmc" { print $2 }' <<<"$where")
if [ -n "$genmc" ]; then
	rc=0
	python3 "$work/tree/tools/verify/genmc.py" --genmc "$genmc" --kinds "$id" --no-plants \
		--jobs "$(nproc)" >"$work/genmc.log" 2>&1 || rc=$?
	verdict $rc "GenMC: $id, $(grep -o '([0-9]* runs)' "$work/genmc.log" | tr -d '()'), every client under every model (genmc.py: $(grep -o 'verdict: [A-Z]*' "$work/genmc.log" | cut -d' ' -f2))"
else
	verdict 1 "GenMC is there (tools/verify/checkers.sh)"
fi

# kunit: the menu-wide cases under UML, from the copy (the kernel tree
# takes the copy's files; the next tools/kunit.sh puts the tree's back)
rc=0
BLK_BUILD=$work/build "$work/tree/tools/kunit.sh" uml >"$work/kunit.log" 2>&1 || rc=$?
cases=$(grep -c "\[PASSED\] $id\$" "$work/build/kunit-uml.log" 2>/dev/null || true)
verdict "$([ "$rc" = 0 ] && [ "$cases" -gt 0 ] && echo 0 || echo 1)" \
	"KUnit (UML) with $id: exit $rc, $cases menu-wide cases passed for it"

# missing: an operation, then a column; the host build names what is gone
bad() { # bad WHAT SED-SCRIPT FILE WANT
	rm -rf "$work/bad"
	cp -r "$work/tree" "$work/bad"
	sed -i "$2" "$work/bad/$3"
	rc=0
	make -s -C "$work/bad/tools/host" O="$work/bad-host" check >"$work/bad.log" 2>&1 || rc=$?
	verdict "$([ "$rc" != 0 ] && grep -q "$4" "$work/bad.log" && echo 0 || echo 1)" \
		"$1 fails the build, naming $4 (exit $rc)"
	rm -rf "$work/bad" "$work/bad-host"
}
bad "$id without is_locked" "/define blk_${id}_is_locked/d" "$file" "blk_${id}_is_locked"
bad "$id's line without its rescue column" "/^BLK_KIND($id,/{n;s/ flag,//}" blk_kinds_list.h \
	'macro "BLK_KIND" requires'


[ "$failed" = 0 ] && blk_say "verdict: PASS" || blk_say "verdict: FAIL"
exit "$failed"
