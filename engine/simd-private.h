/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* NN_HOT marks a loop-heavy function to be compiled for AVX-512 and AVX2 as
 * well as the baseline, the fastest picked at load time (GCC's
 * target_clones): the engine ships for any x86-64, yet its element-wise
 * passes run at the width of the machine. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define NN_HOT __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NN_HOT
#endif

/* Reductions sum floats in vector lanes over blocks of this many elements
 * and add each block's sum into a double, so long sums keep double
 * accuracy while the inner loop stays at float width. */
#define NN_SUM_BLOCK 1024
