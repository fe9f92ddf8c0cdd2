/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"

typedef enum
{
  NN_CSV_TASK_AUTO,            /* labels with a name among them, or written as integers with few
                                * distinct values: classes; other numbers: regression */
  NN_CSV_TASK_CLASSIFICATION,  /* whole numbers however written (1.0 is class "1") or names */
  NN_CSV_TASK_REGRESSION,      /* every label or target a number */
} nn_csv_task;

typedef enum
{
  NN_MISSING_ERROR,  /* a missing cell is an error listing the first ones */
  NN_MISSING_DROP,   /* rows with a missing cell are left out */
  NN_MISSING_MEAN,   /* missing feature cells become NaN, filled later with the training
                      * mean (nn_dataset_fill_missing); a missing label is still an error */
} nn_missing;

/* Integer labels with at most this many distinct values are classes when
 * the task is AUTO. */
#define NN_CSV_MAX_AUTO_CLASSES 32

/* The most columns and the longest cell the reader accepts; beyond them it
 * refuses the file rather than allocating without bound. */
#define NN_CSV_MAX_COLUMNS 100000
#define NN_CSV_MAX_CELL 65536

typedef struct
{
  int          header;          /* -1 detect: a header when some column has text in the first
                                 * row and a number in the next row where it is not missing
                                 * (of the next ten), or, in a one-row file, when no cell is a
                                 * number; 0 none; 1 the first row is a header */
  char         delimiter;       /* 0 detect among tab, ';' and ',' (the first that splits the
                                 * first ten records into the same number > 1 of fields); or
                                 * one of ',' ';' '\t' '|' ':' */
  const char  *label_column;    /* name, 1-based index, or negative index from the end (a
                                 * number is always an index); NULL or "": the last column */
  const char  *target_columns;  /* regression: comma list of names or indices; NULL or "":
                                 * the label column alone. When set, label_column is ignored
                                 * and AUTO means regression */
  nn_csv_task  task;
  nn_missing   missing;
} nn_csv_options;

/* Detect the header and delimiter, last column as label, AUTO, ERROR. */
nn_csv_options nn_csv_options_default (void);

/* Reads a CSV file (plain, or gzip-compressed, known by its content
 * whatever the name, e.g. .csv.gz) into an owned dataset, features in
 * column order without the label/target columns, feature names from the
 * header (or "x1", "x2", … by feature; also for an empty header cell).
 * When any label is not a number, labels become class ids in sorted
 * (strcmp) order, with the strings as class names; numeric class labels
 * keep their sorted distinct values as names ("0", "3", "07" → ids 0, 1, 2
 * named "0", "3", "7"). Every class has at least one row. Rules: RFC 4180
 * quoting (doubled quotes, delimiters and newlines inside quotes; blanks
 * around a quoted cell ignored; a quote inside an unquoted cell is text),
 * CRLF or LF, a UTF-8 BOM, empty and blank lines skipped, blanks around
 * unquoted cells trimmed; an empty cell, "NA", "NaN" (any case) or "?" is
 * missing. Numbers are read without the locale: [±]digits[.digits][e±N],
 * so "1,5" is not one; infinities and NaN are refused. Lines are physical
 * (a quoted newline counts), columns are field numbers, both from 1.
 * On bad content returns NULL with NN_ERR_FORMAT and a message
 * "FILE:LINE:COLUMN: what is wrong: 'text'" (the text shortened to 40
 * bytes at a UTF-8 boundary, control bytes escaped), or "FILE: what is
 * wrong" for the whole file (empty, a header alone, corrupt gzip data,
 * missing cells: "FILE: 12 missing cells, first at 3:2, 7:4, …; use
 * --missing drop or --missing mean"). When a file has several problems,
 * the first in the file is reported. NN_ERR_INVALID for invalid options or
 * a label or target column the file does not have (naming the columns it
 * has); NN_ERR_IO when the file cannot be read; NN_ERR_NOMEM beyond 4 GiB
 * (uncompressed) or NN_DATASET_MAX_FLOATS. The file is held in memory and
 * read twice (structure, then numbers), so the float array is allocated
 * once. */
nn_dataset *nn_csv_load (const char           *path,
                         const nn_csv_options *options,
                         nn_error             *err);

/* The same from memory (text, not gzip data); @name stands for the file in
 * messages. */
nn_dataset *nn_csv_parse (const char           *name,
                          const char           *data,
                          size_t                len,
                          const nn_csv_options *options,
                          nn_error             *err);

/* Fills the NaN feature cells of every row of @ds with the mean of that
 * column over the rows of @train (a view of @ds), writing the means to
 * @means[d] when given; a column with no value in @train gets 0. */
void nn_dataset_fill_missing (nn_dataset       *ds,
                              const nn_dataset *train,
                              float            *means);
