# Helpers shared by every folder's CMakeLists.txt.

# The differ includes xxhash.h header-only (XXH_INLINE_ALL): nothing to link, so a
# MemorySanitizer build has no uninstrumented library. The tests also call the
# library itself, and cmocka is theirs alone.
if(S2FUZZ_BUILD_TESTS)
	find_package(PkgConfig REQUIRED)
	pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
	pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
endif()

# s2fuzz_library(NAME SOURCES... [LIBS ...]): a static library with the project's warnings.
function(s2fuzz_library name)
	cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
	add_library(${name} STATIC ${ARG_SOURCES})
	target_compile_options(${name} PRIVATE ${S2FUZZ_WARNINGS})
	if(ARG_INCLUDES)
		target_include_directories(${name} PUBLIC ${ARG_INCLUDES})
	endif()
	if(ARG_LIBS)
		target_link_libraries(${name} PUBLIC ${ARG_LIBS})
	endif()
endfunction()

# s2fuzz_unit_test(NAME SOURCES... [LIBS ...]): a cmocka test program registered with ctest.
# Optional: TIMEOUT seconds; LABELS, e.g. "tsan" for the tests `./s2fuzz test` also runs in
# the ThreadSanitizer build (only tests that exercise concurrency need it).
function(s2fuzz_unit_test name)
	cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
	add_executable(${name} ${ARG_SOURCES})
	target_compile_options(${name} PRIVATE ${S2FUZZ_WARNINGS})
	# In a libFuzzer tree, the coverage callbacks' definitions (fuzzers/).
	get_property(runtime GLOBAL PROPERTY S2FUZZ_REPLAY_RUNTIME)
	target_link_libraries(${name} PRIVATE ${ARG_LIBS} PkgConfig::CMOCKA ${runtime})
	add_test(NAME ${name} COMMAND ${name})
	if(ARG_TIMEOUT)
		set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
	endif()
	if(ARG_LABELS)
		set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
	endif()
	if("tsan" IN_LIST ARG_LABELS)
		set_property(GLOBAL APPEND PROPERTY S2FUZZ_TSAN_TEST_TARGETS ${name})
	endif()
endfunction()
