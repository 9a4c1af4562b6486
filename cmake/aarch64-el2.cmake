# Cross toolchain for the EL2 image (el2/): Debian's gcc-aarch64-linux-gnu, used
# freestanding. Only the compiler driver is taken from the cross toolchain; no
# C library is linked (el2/lib supplies the few functions libfdt and the core need).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy for the Image")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
