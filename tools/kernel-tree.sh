#!/usr/bin/env bash
# kernel-tree.sh: a kernel tree's page-table code, made ready for the adapter
# (kernel/, docs/kernel-tree.md). Nothing of a tree is ever committed.
#
#   kernel-tree.sh prepare SOURCE OUTDIR
#       SOURCE: a kernel source tree (a directory) or a tarball of one (Debian's
#       /usr/src/linux-source-*.tar.xz). Copies or extracts only the files the
#       adapter builds (below) into OUTDIR/tree, and writes
#       OUTDIR/s2k_tree_features.h: the tree's version, and what its API has,
#       each detected by compiling against the tree's own kvm_pgtable.h with $CC
#       (the build's compiler). A tarball already taken out is left alone; a
#       folder's files are compared each time and only changed ones replaced.
#   kernel-tree.sh default
#       The default trees, one per line: Debian's linux-source-* tarballs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly FILES=(
	Makefile
	arch/arm64/kvm/hyp/pgtable.c
	arch/arm64/include/asm/kvm_pgtable.h
	arch/arm64/include/asm/stage2_pgtable.h
)

die()
{
	echo "kernel-tree.sh: $*" >&2
	exit 2
}

# extract TARBALL DEST: the FILES, from the tree's top folder (any name).
extract()
{
	local tarball=$1 dest=$2 top f
	local -a members=()

	# Debian names the folder as the tarball; otherwise ask the tarball.
	top=$(basename "$tarball")
	top=${top%%.tar*}
	for f in "${FILES[@]}"; do
		members+=("$top/$f")
	done
	# --occurrence: stop reading once each is found (a second, not the whole tarball's 17).
	if ! tar -xaf "$tarball" -C "$dest" --strip-components=1 --occurrence=1 "${members[@]}" \
		2>/dev/null; then
		top=$({ tar -taf "$tarball" 2>/dev/null || true; } | head -n 1)
		top=${top%%/*}
		[[ -n $top ]] || die "$tarball: not a tarball tar can read"
		members=()
		for f in "${FILES[@]}"; do
			members+=("$top/$f")
		done
		tar -xaf "$tarball" -C "$dest" --strip-components=1 --occurrence=1 "${members[@]}" ||
			die "$tarball: not a kernel tree (no ${FILES[1]})"
	fi
}

# version TREE: VERSION.PATCHLEVEL.SUBLEVEL from its Makefile.
version()
{
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { print v "." p "." s }' "$1/Makefile"
}

# detect TREE NAME SNIPPET: "#define S2K_TREE_NAME 1" when SNIPPET compiles
# (warnings as errors) after the tree's asm/kvm_pgtable.h, else 0.
detect()
{
	local tree=$1 name=$2 snippet=$3 v=0

	if printf '#include <asm/kvm_pgtable.h>\n%s\n' "$snippet" |
		"${CC:-cc}" -std=gnu11 -fsyntax-only -Werror \
			-I"$ROOT/kernel/include" -I"$tree/arch/arm64/include" -x c - \
			2>"$tree/../detect-$name.log"; then
		v=1
	fi
	printf '#define S2K_TREE_%s %d\n' "$name" "$v"
}

# body FILE FUNCTION: the lines of FUNCTION's definition in FILE, from the
# line that names it (after its type words, or at the start of the line when
# the type stands on the line before) to the first closing brace in column 1,
# the kernel's style. A declaration (a line ending in ';') is no definition.
body()
{
	awk -v f="$2" '!on && $0 ~ "^([A-Za-z_][A-Za-z0-9_]*[ \t*]+)*" f "\\(" && !/;[ \t]*$/ {
			on = 1 }
		on { print } on && /^}/ { exit }' "$1"
}

# define_if NAME COMMAND...: "#define S2K_TREE_NAME 1" when COMMAND succeeds, else 0.
define_if()
{
	local name=$1
	shift
	printf '#define S2K_TREE_%s %d\n' "$name" "$("$@" >/dev/null && echo 1 || echo 0)"
}

not()
{
	! "$@"
}

# mentions FILE FUNCTION WORD: FUNCTION's body in FILE has WORD. A file without
# the function counts as having it: a renamed walker keeps today's behaviour.
mentions()
{
	local b
	b=$(body "$1" "$2")
	[[ -z $b || $b == *"$3"* ]]
}

# install NEW TREE: the files of NEW that differ from TREE's go into TREE (a file
# left alone keeps its time, so the build recompiles only what changed).
install()
{
	local f
	for f in "${FILES[@]}"; do
		if ! cmp -s "$1/$f" "$2/$f"; then
			mkdir -p "$2/$(dirname "$f")"
			cp "$1/$f" "$2/$f"
		fi
	done
}

prepare()
{
	local src=$1 out=$2 tree=$2/tree new=$2/new f tmp ver c features=$2/s2k_tree_features.h

	[[ -e $src ]] || die "$src: no such tree or tarball"
	# A tarball taken out since it last changed, with this script and the stand-ins
	# as they are, is ready. A folder is compared file by file every time.
	if [[ -f $src && -f $features && $features -nt $src && $features -nt ${BASH_SOURCE[0]} &&
	      $features -nt $ROOT/kernel/include/s2k_standins.h ]]; then
		return 0
	fi
	rm -rf "$new"
	mkdir -p "$new"
	if [[ -d $src ]]; then
		for f in "${FILES[@]}"; do
			[[ -f $src/$f ]] || die "$src: not a kernel tree (no $f)"
			mkdir -p "$new/$(dirname "$f")"
			cp "$src/$f" "$new/$f"
		done
	else
		extract "$src" "$new"
	fi
	install "$new" "$tree"
	rm -rf "$new"
	ver=$(version "$tree")
	[[ $ver =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$src: no version in its Makefile"
	detect "$tree" BASE_API \
		'int (*f)(struct kvm_pgtable *, u64, u64) = kvm_pgtable_stage2_unmap;' |
		grep -q ' 1$' ||
		die "$src: its kvm_pgtable.h does not build with the stand-ins (kernel/include) with" \
			"${CC:-cc}: $(head -n 5 "$out/detect-BASE_API.log")"
	tmp=$(mktemp)
	c=$tree/arch/arm64/kvm/hyp/pgtable.c
	{
		echo "/* Generated by tools/kernel-tree.sh from $src: what the tree's API has. */"
		printf '#define S2K_TREE_VERSION "%s"\n' "$ver"
		# Trees without mm_ops (5.10) allocate from the kernel, set a stage 2 up from a struct kvm.
		detect "$tree" HAS_MM_OPS 'struct kvm_pgtable_mm_ops o;'
		detect "$tree" HAS_SET_OWNER 'int (*f)(struct kvm_pgtable *, u64, u64, void *, u8) =
			kvm_pgtable_stage2_set_owner;'
		detect "$tree" HAS_GET_LEAF 'int (*f)(struct kvm_pgtable *, u64, kvm_pte_t *,
			__typeof__(((struct kvm_pgtable *)0)->start_level) *) = kvm_pgtable_get_leaf;'
		detect "$tree" HAS_HYP_UNMAP 'u64 (*f)(struct kvm_pgtable *, u64, u64) =
			kvm_pgtable_hyp_unmap;'
		detect "$tree" HAS_SPLIT 'int (*f)(struct kvm_pgtable *, u64, u64,
			struct kvm_mmu_memory_cache *) = kvm_pgtable_stage2_split;'
		detect "$tree" HAS_TEST_CLEAR_YOUNG 'bool (*f)(struct kvm_pgtable *, u64, u64,
			bool) = kvm_pgtable_stage2_test_clear_young;'
		detect "$tree" MAP_TAKES_FLAGS 'int (*f)(struct kvm_pgtable *, u64, u64, u64,
			enum kvm_pgtable_prot, void *, enum kvm_pgtable_walk_flags) =
			kvm_pgtable_stage2_map;'
		# Walks that stop on -EAGAIN only when asked to (the fault path) name the flag.
		detect "$tree" HAS_HANDLE_FAULT \
			'enum kvm_pgtable_walk_flags f = KVM_PGTABLE_WALK_HANDLE_FAULT;'
		# ...and where walks stop on -EAGAIN unless told to go on (7.2).
		detect "$tree" HAS_IGNORE_EAGAIN \
			'enum kvm_pgtable_walk_flags f = KVM_PGTABLE_WALK_IGNORE_EAGAIN;'
		detect "$tree" MKYOUNG_TAKES_FLAGS 'void (*f)(struct kvm_pgtable *, u64,
			enum kvm_pgtable_walk_flags) = kvm_pgtable_stage2_mkyoung;'
		detect "$tree" RELAX_TAKES_FLAGS 'int (*f)(struct kvm_pgtable *, u64,
			enum kvm_pgtable_prot, enum kvm_pgtable_walk_flags) =
			kvm_pgtable_stage2_relax_perms;'
		# Owners as typed annotations (a donation's), where set_owner went.
		detect "$tree" HAS_ANNOTATE 'int (*f)(struct kvm_pgtable *, u64, u64, void *,
			enum kvm_invalid_pte_type, kvm_pte_t) = kvm_pgtable_stage2_annotate;
			enum kvm_invalid_pte_type t = KVM_HOST_INVALID_PTE_TYPE_DONATION;'
		# What the code does, read from pgtable.c itself. VTCR_EL2's fields as
		# masks for FIELD_PREP, where T0SZ was a macro of the bits (7.2):
		define_if VTCR_FIELD_MASKS not grep -Eq 'VTCR_EL2_T0SZ[[:space:]]*\(' "$c"
		# An entry made invalid keeps the rest of its old bits (5.10):
		define_if INVALID_KEEPS_BITS grep -Eq '&=?[[:space:]]*~KVM_PTE_VALID' "$c"
		# The hyp's map takes a reference on a table page for each entry (not 5.10):
		define_if HYP_COUNTS_TABLES mentions "$c" hyp_map_walker get_page
		# A stage-2 map over a valid leaf answers -EAGAIN rather than replacing it:
		define_if MAP_AGAIN_ON_LEAF mentions "$c" stage2_map_walker_try_leaf EAGAIN
		detect "$tree" MM_FREE_UNLINKED \
			'struct kvm_pgtable_mm_ops o = { .free_unlinked_table = 0 };'
		detect "$tree" MM_FREE_REMOVED \
			'struct kvm_pgtable_mm_ops o = { .free_removed_table = 0 };'
	} >"$tmp"
	mv "$tmp" "$features"
	echo "kernel-tree.sh: $src: Linux $ver ready in $out"
}

case ${1:-} in
prepare)
	[[ $# -eq 3 ]] || die "usage: kernel-tree.sh prepare SOURCE OUTDIR"
	prepare "$2" "$3"
	;;
default)
	[[ $# -eq 1 ]] || die "usage: kernel-tree.sh default"
	ls /usr/src/linux-source-*.tar.xz 2>/dev/null || true
	;;
*)
	die "usage: kernel-tree.sh prepare SOURCE OUTDIR | default"
	;;
esac
