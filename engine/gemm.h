/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The one place the engine multiplies matrices: row-major
 * C[m × n] = alpha · op(A) · op(B) + beta · C, with op(A) [m × k] and
 * op(B) [k × n], through cblas_sgemm. */
void nn_gemm (bool         trans_a,
              bool         trans_b,
              size_t       m,
              size_t       n,
              size_t       k,
              float        alpha,
              const float *a,
              size_t       lda,
              const float *b,
              size_t       ldb,
              float        beta,
              float       *c,
              size_t       ldc);

/* Sets the number of BLAS threads (≥ 1) for the whole process; returns the
 * number in effect. */
int nn_gemm_set_threads (int threads);

/* The number of BLAS threads in effect. */
int nn_gemm_get_threads (void);
