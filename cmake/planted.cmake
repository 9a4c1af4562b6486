# The planted-bug catalogue (docs/planted-bugs.md): each bug is a patch,
# tests/planted/NN-name.patch, against core/. core/ itself never holds one.
get_filename_component(S2FUZZ_PLANTED_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

# How every patch is applied, here and by the suite's check that each still
# applies (tests/planted/check_patches_apply.sh): no fuzz, so a patch whose
# context has changed fails rather than landing somewhere else; never
# reversed; no .orig or .rej files left in the copy.
set(S2FUZZ_PATCH_ARGS --batch --forward --fuzz=0 --no-backup-if-mismatch --reject-file=- -p1)

# s2fuzz_core_source_dir(VAR PLANT): sets VAR to the folder to compile the core
# from. PLANT empty: core/ itself. PLANT a number N: BUILD/planted-core/core, a copy
# of core/ with tests/planted/NN-*.patch applied, made at configure time; a
# change to a file of core/ or to the patch configures again, and only the
# files whose patched text changed are rewritten (so only they recompile). A
# patch that does not apply, or is missing, stops the configure.
function(s2fuzz_core_source_dir var plant)
	set(root ${S2FUZZ_PLANTED_ROOT})
	set(copy ${CMAKE_BINARY_DIR}/planted-core)
	if(plant STREQUAL "")
		file(REMOVE_RECURSE ${copy})
		set(${var} ${root}/core PARENT_SCOPE)
		return()
	endif()
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
	foreach(t ${targets})
		if(NOT t MATCHES "^\\+\\+\\+ b/core/")
			message(FATAL_ERROR "planted bug ${n}: ${name} changes a file outside core/: '${t}'")
		endif()
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
	message(STATUS "Planted bug ${n}: the core is built from ${copy}/core (${name})")
	set(${var} ${copy}/core PARENT_SCOPE)
endfunction()
