#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# ClusterFuzzLite builds exactly what OSS-Fuzz builds.
exec "$SRC/s2fuzz/oss-fuzz/build.sh"
