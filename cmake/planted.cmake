# The planted-bug catalogue (docs/planted-bugs.md): each bug is a patch,
# tests/planted/NN-name.patch, against core/. core/ itself never holds one.
get_filename_component(S2FUZZ_PLANTED_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

# How every patch is applied, here and by the suite's check that each still
# applies (tests/planted/check_patches_apply.sh): no fuzz, so a patch whose
# context has changed fails rather than landing somewhere else; never
# reversed; no .orig or .rej files left in the copy.
set(S2FUZZ_PATCH_ARGS --batch --forward --fuzz=0 --no-backup-if-mismatch --reject-file=- -p1)

# The catalogue: bug number, name (the patch's, NN-name.patch), the fuzz target
# that must catch it, and the start of the signature its finding must have
# (CHECK/OPERATION/WHAT, docs/input-format.md; no spaces): the check that sees
# the bug's root cause, as far as it stays the same under other seeds. A
# finding of another check is not this bug caught. tests/planted makes a test
# of each row; a catalogue build (S2FUZZ_PLANTED_CATALOGUE) makes that
# target's programs for each.
set(S2FUZZ_PLANTED_BUGS
	# (a table's count is off: the refcount law says so, or the table's fate later does)
	1 refcount_off_by_one_on_valid_to_valid_update fuzz_pkvm digest/,invariant/
	2 table_zapped_while_holding_a_counted_entry fuzz_pkvm digest/
	3 zap_invalidates_one_address_not_the_span fuzz_pkvm bbm/
	4 table_freed_before_its_invalidation fuzz_pkvm bbm/
	5 abort_block_size_with_region_end_inclusive fuzz_pkvm digest/host_mem_abort/
	6 annotation_lost_on_split fuzz_pkvm digest/
	7 enomem_leaves_a_half_made_mapping fuzz_pkvm digest/
	8 break_before_make_skipped fuzz_pkvm bbm/
	# in the shared-walk fault path, which fuzz_pgtable drives
	9 locked_left_behind fuzz_pgtable digest/fault_map/
	10 shared_and_borrowed_bits_swapped fuzz_pkvm digest/
	11 coalescing_skipped_on_host_unshare_guest fuzz_pkvm digest/host_unshare_guest/
	12 error_precedence_ebusy_before_eperm fuzz_pkvm return-code/vm_create/core=-16/ref=-1
	# the table library on its own: a serial fault's -ENOMEM, the TLB model
	13 fault_counts_one_page_short fuzz_pgtable digest/fault_map/
	14 wrprotect_skips_invalidation fuzz_pgtable bbm/wrprotect/
	# a stale translation only the TLB model sees (BBM takes the core's addresses)
	15 relax_perms_invalidates_the_table_start fuzz_pgtable tlb/relax_perms/
	# classes from KVM's history (docs/planted-bugs.md names the commits)
	16 host_shares_mmio_with_hyp fuzz_pkvm return-code/host_share_hyp/core=0/ref=-1
	17 hyp_mapping_left_on_donate_to_host fuzz_pkvm digest/hyp_donate_host/
	18 teardown_frees_only_the_first_level fuzz_pkvm invariant/vm_teardown/
	19 split_pages_made_at_the_block_level fuzz_pgtable digest/split/
	20 relax_perms_drops_exec fuzz_pgtable digest/
	21 memtype_change_made_in_place fuzz_pgtable bbm/map/,bbm/fault_map/
	22 mkold_reports_young_from_the_new_entry fuzz_pgtable return-code/mkold/core=0/ref=1
	23 block_invalidated_with_the_page_level_hint fuzz_pkvm bbm/
	# a plain store in a shared walk: only fuzz_parallel's shared-store check
	30 fault_changes_a_leaf_with_a_plain_store fuzz_parallel shared-store/fault_map/plain-store)
# The same by number: S2FUZZ_PLANTED_NUMBERS, and S2FUZZ_PLANTED_NAME_N,
# S2FUZZ_PLANTED_TARGET_N and S2FUZZ_PLANTED_SIGNATURE_N for each. A row
# missing a field would shift every row after it: stop at the first that
# does not read as one.
set(S2FUZZ_PLANTED_NUMBERS "")
set(rows ${S2FUZZ_PLANTED_BUGS})
while(rows)
	list(POP_FRONT rows n name target signature)
	if(NOT n MATCHES "^[0-9]+$" OR NOT target MATCHES "^fuzz_[a-z]+$"
	   OR NOT signature MATCHES "^[a-z-]+/")
		message(FATAL_ERROR "S2FUZZ_PLANTED_BUGS: '${n} ${name} ${target} ${signature}' is "
			"not a row 'number name fuzz_target CHECK/...' (cmake/planted.cmake)")
	endif()
	list(APPEND S2FUZZ_PLANTED_NUMBERS ${n})
	set(S2FUZZ_PLANTED_NAME_${n} ${name})
	set(S2FUZZ_PLANTED_TARGET_${n} ${target})
	set(S2FUZZ_PLANTED_SIGNATURE_${n} ${signature})
endwhile()
unset(rows)
unset(n)
unset(name)
unset(target)
unset(signature)

# s2fuzz_patched_core(PLANT COPY CHANGED_VAR): COPY/core becomes a copy of
# core/ with tests/planted/NN-*.patch applied, made at configure time; a change
# to a file of core/ or to the patch configures again, and only the files whose
# patched text changed are rewritten (so only they recompile). CHANGED_VAR gets
# the files the patch changes, relative to core/. A patch that does not apply,
# or is missing, stops the configure.
function(s2fuzz_patched_core plant copy changed_var)
	set(root ${S2FUZZ_PLANTED_ROOT})
	if(NOT plant MATCHES "^[0-9]+$")
		message(FATAL_ERROR "S2FUZZ_PLANT='${plant}': a planted bug's number, or empty")
	endif()
	math(EXPR n "${plant}")
	if(n LESS 10)
		set(nn 0${n})
	else()
		set(nn ${n})
	endif()
	file(GLOB patch CONFIGURE_DEPENDS ${root}/tests/planted/${nn}-*.patch)
	list(LENGTH patch found)
	if(NOT found EQUAL 1)
		message(FATAL_ERROR "S2FUZZ_PLANT=${plant}: expected one tests/planted/${nn}-*.patch, "
			"found ${found} (docs/planted-bugs.md lists the bugs)")
	endif()
	get_filename_component(name ${patch} NAME)
	find_program(S2FUZZ_PATCH_PROGRAM patch)
	if(NOT S2FUZZ_PATCH_PROGRAM)
		message(FATAL_ERROR "S2FUZZ_PLANT=${plant}: GNU patch is needed to apply ${name} "
			"(apt-get install patch; ./s2fuzz deps installs it)")
	endif()
	# Every file the patch names must be in core/: one outside it would be
	# patched in the copy's folder and then left out, a build without the bug.
	file(STRINGS ${patch} targets REGEX "^\\+\\+\\+ ")
	if(NOT targets)
		message(FATAL_ERROR "planted bug ${n}: ${name} changes no file")
	endif()
	set(changed "")
	foreach(t ${targets})
		if(NOT t MATCHES "^\\+\\+\\+ b/core/([^\t ]+)")
			message(FATAL_ERROR "planted bug ${n}: ${name} changes a file outside core/: '${t}'")
		endif()
		list(APPEND changed ${CMAKE_MATCH_1})
	endforeach()

	file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${root}/core/*)
	set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sources} ${patch})

	set(stage ${copy}/stage)
	file(REMOVE_RECURSE ${stage})
	file(COPY ${root}/core DESTINATION ${stage})
	execute_process(COMMAND ${S2FUZZ_PATCH_PROGRAM} ${S2FUZZ_PATCH_ARGS} -d ${stage} -i ${patch}
		RESULT_VARIABLE status OUTPUT_VARIABLE log ERROR_VARIABLE log)
	if(NOT status EQUAL 0)
		message(NOTICE "${log}")
		message(FATAL_ERROR "planted bug ${n}: its patch does not apply to core/ "
			"(patch's report above):\n  tests/planted/${name}\n"
			"Rewrite it against the core as it is now (docs/planted-bugs.md).")
	endif()

	# Bring the copy up to the staged tree, rewriting only what differs.
	file(GLOB_RECURSE staged RELATIVE ${stage}/core ${stage}/core/*)
	file(GLOB_RECURSE stale RELATIVE ${copy}/core ${copy}/core/*)
	foreach(f ${stale})
		if(NOT f IN_LIST staged)
			file(REMOVE ${copy}/core/${f})
		endif()
	endforeach()
	foreach(f ${staged})
		file(SHA256 ${stage}/core/${f} new)
		set(old "")
		if(EXISTS ${copy}/core/${f})
			file(SHA256 ${copy}/core/${f} old)
		endif()
		if(NOT new STREQUAL old)
			get_filename_component(dir ${copy}/core/${f} DIRECTORY)
			file(COPY ${stage}/core/${f} DESTINATION ${dir})
			# file(COPY) keeps the staged time, which may be older than an
			# object built from what was there before.
			file(TOUCH ${copy}/core/${f})
		endif()
	endforeach()
	file(REMOVE_RECURSE ${stage})
	message(STATUS "Planted bug ${n}: ${copy}/core (${name})")
	set(${changed_var} ${changed} PARENT_SCOPE)
endfunction()

# s2fuzz_core_source_dir(VAR PLANT): sets VAR to the folder to compile the core
# from. PLANT empty: core/ itself. PLANT a number N: BUILD/planted-core/core, a
# copy of core/ with bug N's patch applied (s2fuzz_patched_core).
function(s2fuzz_core_source_dir var plant)
	set(copy ${CMAKE_BINARY_DIR}/planted-core)
	if(plant STREQUAL "")
		file(REMOVE_RECURSE ${copy})
		set(${var} ${S2FUZZ_PLANTED_ROOT}/core PARENT_SCOPE)
		return()
	endif()
	s2fuzz_patched_core("${plant}" ${copy} changed)
	set(${var} ${copy}/core PARENT_SCOPE)
endfunction()

# s2fuzz_planted_catalogue(): for every bug of S2FUZZ_PLANTED_BUGS, its fuzz
# target and replay program, fuzz_X_planted_N and replay_X_planted_N, built on
# everything the plain ones are but the core's files the patch changes: those
# are compiled from the bug's patched copy (BUILD/planted/N/core) into the
# programs themselves, so the linker takes them before the plain core's. One
# tree holds the whole catalogue and compiles the rest once (a tree per bug
# compiled the project fifteen times). A patch may change only core/src/*.c:
# a header would change what everything else was compiled against.
# s2fuzz_patched_core_objects(PLANT OBJECTS): OBJECTS becomes an object library
# of the core files planted bug PLANT changes, patched (a copy under the build
# tree), compiled as s2fuzz_core compiles them. A program that lists them
# before it links s2fuzz_core runs the patched code: the linker takes these
# definitions before the archive's. Only core/src/*.c may change (a header
# would change what everything else was compiled against).
function(s2fuzz_patched_core_objects bug objects)
	set(copy ${CMAKE_BINARY_DIR}/planted/${bug})
	s2fuzz_patched_core(${bug} ${copy} changed)
	set(sources "")
	foreach(f ${changed})
		if(NOT f MATCHES "^src/[^/]+\\.c$")
			message(FATAL_ERROR "planted bug ${bug} changes core/${f}: only core/src/*.c "
				"can be compiled into one program (build it alone, -DS2FUZZ_PLANT=${bug})")
		endif()
		list(APPEND sources ${copy}/core/${f})
	endforeach()
	add_library(${objects} OBJECT ${sources})
	target_compile_options(${objects} PRIVATE $<TARGET_PROPERTY:s2fuzz_core,COMPILE_OPTIONS>)
	target_include_directories(${objects} PRIVATE ${S2FUZZ_PLANTED_ROOT}/core/src
		$<TARGET_PROPERTY:s2fuzz_core,INTERFACE_INCLUDE_DIRECTORIES>)
	target_compile_definitions(${objects} PRIVATE
		$<TARGET_PROPERTY:s2fuzz_core,COMPILE_DEFINITIONS>)
endfunction()

# s2fuzz_planted_objects(VAR BUG): the name of bug BUG's patched core objects
# in a catalogue build (s2fuzz_patched_core_objects makes them).
function(s2fuzz_planted_objects var bug)
	set(${var} s2fuzz_core_planted_${bug} PARENT_SCOPE)
endfunction()

function(s2fuzz_planted_catalogue)
	foreach(bug ${S2FUZZ_PLANTED_NUMBERS})
		set(target ${S2FUZZ_PLANTED_TARGET_${bug}})
		s2fuzz_planted_objects(objects ${bug})
		s2fuzz_patched_core_objects(${bug} ${objects})
		string(REPLACE "fuzz_" "replay_" replay ${target})
		foreach(program ${target} ${replay})
			set(name ${program}_planted_${bug})
			get_target_property(program_sources ${program} SOURCES)
			add_executable(${name} $<TARGET_OBJECTS:${objects}> ${program_sources})
			target_compile_options(${name} PRIVATE ${S2FUZZ_WARNINGS})
			get_target_property(libs ${program} LINK_LIBRARIES)
			get_target_property(options ${program} LINK_OPTIONS)
			target_link_libraries(${name} PRIVATE ${libs})
			if(options)
				target_link_options(${name} PRIVATE ${options})
			endif()
		endforeach()
	endforeach()
endfunction()

# s2fuzz_planted_unit_tests(LIBS TESTS...): in a catalogue build, each unit
# test of TESTS (a cmocka program built from TEST.c in this folder, linked
# with LIBS) once more for every planted bug, TEST_planted_N, on the bug's
# patched core objects: which bugs the unit tests alone catch
# (tools/bench-detect.sh). Each test's source is compiled once for all bugs;
# planted_unit_tests builds them all, and the plain TEST beside them (which
# must pass: a failure there is no bug caught).
function(s2fuzz_planted_unit_tests libs)
	if(NOT TARGET planted_unit_tests)
		add_custom_target(planted_unit_tests)
	endif()
	# Under libFuzzer the core carries coverage callbacks, defined by its runtime.
	get_property(runtime GLOBAL PROPERTY S2FUZZ_REPLAY_RUNTIME)
	foreach(t ${ARGN})
		add_dependencies(planted_unit_tests ${t})
		add_library(${t}_planted_objects OBJECT ${t}.c)
		target_compile_options(${t}_planted_objects PRIVATE ${S2FUZZ_WARNINGS})
		target_link_libraries(${t}_planted_objects PRIVATE ${libs} PkgConfig::CMOCKA)
		foreach(bug ${S2FUZZ_PLANTED_NUMBERS})
			s2fuzz_planted_objects(objects ${bug})
			add_executable(${t}_planted_${bug} $<TARGET_OBJECTS:${objects}>
				$<TARGET_OBJECTS:${t}_planted_objects>)
			target_link_libraries(${t}_planted_${bug} PRIVATE ${libs} PkgConfig::CMOCKA
				${runtime})
			add_dependencies(planted_unit_tests ${t}_planted_${bug})
		endforeach()
	endforeach()
endfunction()
