/* cli-bench.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <time.h>

#include <glib/gi18n.h>

#include "aud-engine.h"
#include "aud-segment.h"
#include "aud-value.h"
#include "cli-util.h"

/*
 * audiences-cli bench: times the segment engine in one process, as the GUI
 * uses it (bench/segments.sh runs it):
 *
 * - cold: a count with an empty cache on a new connection;
 * - warm: right after, the count of the edited variant of the segment
 *   (--edit, one leaf changed), which runs only the changed leaf;
 * - cached: the same count once more, every leaf from the cache;
 * - overlap: the overlap matrix of all segments once each is cached.
 *
 * Each figure is taken --rounds times; the JSON output has the median and
 * the minimum wall-clock time and the median CPU time of the thread (which
 * a busy machine disturbs less), in milliseconds, and how many leaves each
 * warm count ran.
 */

/* Wall-clock and CPU times of one figure, in milliseconds. */
typedef struct
{
  GArray *wall; /* (element-type double) */
  GArray *cpu;  /* (element-type double) */
} Times;

static void
times_init (Times *times)
{
  times->wall = g_array_new (FALSE, FALSE, sizeof (double));
  times->cpu = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
times_clear (Times *times)
{
  g_clear_pointer (&times->wall, g_array_unref);
  g_clear_pointer (&times->cpu, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Times, times_clear)

typedef struct
{
  gint64 wall; /* microseconds */
  double cpu;  /* milliseconds */
} Stopwatch;

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
stopwatch_start (Stopwatch *watch)
{
  watch->wall = g_get_monotonic_time ();
  watch->cpu = thread_cpu_ms ();
}

/* Adds the times since stopwatch_start() to @times. */
static void
stopwatch_stop (const Stopwatch *watch,
                Times           *times)
{
  double wall = (double)(g_get_monotonic_time () - watch->wall) / 1000.0;
  double cpu = thread_cpu_ms () - watch->cpu;

  g_array_append_val (times->wall, wall);
  g_array_append_val (times->cpu, cpu);
}

typedef struct
{
  AudSegment *segment;
  AudSegment *edited;    /* (nullable) */
  char       *file;
  char       *edit_file;
  gint64      count;
  gint64      edited_count;
  Times       cold;
  Times       warm;
  Times       cached;
  guint64     warm_leaf_runs;
} BenchSegment;

static void
bench_segment_free (gpointer data)
{
  BenchSegment *bs = data;

  g_clear_pointer (&bs->segment, aud_segment_free);
  g_clear_pointer (&bs->edited, aud_segment_free);
  g_free (bs->file);
  g_free (bs->edit_file);
  times_clear (&bs->cold);
  times_clear (&bs->warm);
  times_clear (&bs->cached);
  g_free (bs);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* "NAME": {"median": M, "min": M, "cpu_median": M} of @times (sorted in
 * place). */
static void
add_times (JsonBuilder *builder,
           const char  *name,
           Times       *times)
{
  if (times->wall->len == 0)
    return;

  g_array_sort (times->wall, compare_double);
  g_array_sort (times->cpu, compare_double);
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "median");
  json_builder_add_double_value (builder, g_array_index (times->wall, double,
                                                         times->wall->len / 2));
  json_builder_set_member_name (builder, "min");
  json_builder_add_double_value (builder, g_array_index (times->wall, double, 0));
  json_builder_set_member_name (builder, "cpu_median");
  json_builder_add_double_value (builder, g_array_index (times->cpu, double,
                                                         times->cpu->len / 2));
  json_builder_end_object (builder);
}

/* Counts @segment, adds the time to @times (if not NULL). */
static gboolean
timed_count (AudEngine   *engine,
             AudStore    *store,
             AudSegment  *segment,
             gint64       now,
             Times       *times,
             gint64      *count,
             GError     **error)
{
  AudCount result;
  Stopwatch watch;

  stopwatch_start (&watch);
  if (!aud_engine_count (engine, store, segment, now, &result, NULL, error))
    return FALSE;

  if (times != NULL)
    stopwatch_stop (&watch, times);
  *count = result.count;

  return TRUE;
}

/* audiences-cli bench WORKSPACE SEGMENT_FILE… [--edit FILE]… */
int
aud_cli_bench (const AudCliCommand *command,
               int                  argc,
               char               **argv)
{
  g_autofree char *now_text = NULL;
  g_autofree char *rounds_text = NULL;
  g_auto(GStrv) edits = NULL;
  const GOptionEntry entries[] = {
    { "edit", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &edits,
      N_("The edited variant of the next segment, in order (repeat the option)"), N_("FILE") },
    { "rounds", 0, 0, G_OPTION_ARG_STRING, &rounds_text,
      N_("How many times to take each figure (default 5)"), N_("N") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Reference time (default: the workspace's, else the current time)"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (bench_segment_free);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudEngine) engine = NULL;
  g_auto(Times) overlap_times = { 0 };
  g_autoptr(AudOverlap) overlap = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree AudSegment **list = NULL;
  guint64 rounds = 5;
  gint64 now;
  guint n;

  g_option_context_set_description (context,
                                    _("Times cold counts, counts after editing one criterion "
                                      "(--edit), cached counts and the overlap matrix of the "
                                      "segments in one process, and prints the figures as "
                                      "JSON (milliseconds)."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc < 3)
    return aud_cli_usage_error (command, _("Expected the workspace and at least one segment "
                                           "file"));
  n = argc - 2;
  if (edits != NULL && g_strv_length (edits) > n)
    return aud_cli_usage_error (command, _("More --edit files than segments"));
  if (rounds_text != NULL &&
      (!aud_cli_parse_count ("--rounds", rounds_text, 1000, &rounds, &error) || rounds == 0))
    return aud_cli_usage_error (command, error != NULL ? error->message :
                                _("--rounds must be at least 1"));

  store = aud_cli_open_workspace (argv[1], AUD_STORE_OPEN_READ_ONLY);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  if (now_text == NULL)
    now = aud_engine_get_default_now (store);
  else if (!aud_cli_parse_time ("--now", now_text, aud_store_get_timezone (store), &now,
                                &error))
    return aud_cli_usage_error (command, error->message);

  list = g_new0 (AudSegment *, n);
  for (guint i = 0; i < n; i++)
    {
      BenchSegment *bs = g_new0 (BenchSegment, 1);

      g_ptr_array_add (segments, bs);
      bs->file = g_strdup (argv[2 + i]);
      times_init (&bs->cold);
      times_init (&bs->warm);
      times_init (&bs->cached);
      if ((bs->segment = aud_segment_load (bs->file, &error)) == NULL)
        return aud_cli_fail (error, bs->file);
      list[i] = bs->segment;

      if (edits != NULL && i < g_strv_length (edits))
        {
          bs->edit_file = g_strdup (edits[i]);
          if ((bs->edited = aud_segment_load (bs->edit_file, &error)) == NULL)
            return aud_cli_fail (error, bs->edit_file);
        }
    }

  engine = aud_engine_new ();
  times_init (&overlap_times);

  for (guint64 r = 0; r < rounds; r++)
    {
      for (guint i = 0; i < n; i++)
        {
          BenchSegment *bs = g_ptr_array_index (segments, i);
          guint64 runs;
          gint64 count;

          /* Cold: a new connection (an empty page cache) and an empty
           * engine cache. */
          g_clear_object (&store);
          if ((store = aud_cli_open_workspace (argv[1], AUD_STORE_OPEN_READ_ONLY)) == NULL)
            return AUD_CLI_EXIT_FAILURE;
          aud_engine_clear_cache (engine);

          if (!timed_count (engine, store, bs->segment, now, &bs->cold, &bs->count, &error))
            return aud_cli_fail (error, bs->file);

          if (bs->edited != NULL)
            {
              runs = aud_engine_get_leaf_runs (engine);
              if (!timed_count (engine, store, bs->edited, now, &bs->warm, &bs->edited_count,
                                &error))
                return aud_cli_fail (error, bs->edit_file);
              bs->warm_leaf_runs = aud_engine_get_leaf_runs (engine) - runs;
            }

          if (!timed_count (engine, store, bs->segment, now, &bs->cached, &count, &error))
            return aud_cli_fail (error, bs->file);
        }

      /* Every segment cached, then the matrix. */
      for (guint i = 0; i < n; i++)
        {
          BenchSegment *bs = g_ptr_array_index (segments, i);
          gint64 count;

          if (!timed_count (engine, store, bs->segment, now, NULL, &count, &error))
            return aud_cli_fail (error, bs->file);
        }

      {
        Stopwatch watch;

        g_clear_pointer (&overlap, aud_overlap_free);
        stopwatch_start (&watch);
        overlap = aud_engine_overlap (engine, store, list, n, now, NULL, &error);
        if (overlap == NULL)
          return aud_cli_fail (error, argv[1]);
        stopwatch_stop (&watch, &overlap_times);
      }
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "customers");
  json_builder_add_int_value (builder, aud_store_count_customers (store));
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, aud_store_count_events (store));
  {
    g_autofree char *text = aud_value_format_datetime (now);

    json_builder_set_member_name (builder, "now");
    json_builder_add_string_value (builder, text);
  }
  json_builder_set_member_name (builder, "rounds");
  json_builder_add_int_value (builder, rounds);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      BenchSegment *bs = g_ptr_array_index (segments, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, bs->file);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, bs->count);
      add_times (builder, "cold_ms", &bs->cold);
      if (bs->edited != NULL)
        {
          json_builder_set_member_name (builder, "edit_file");
          json_builder_add_string_value (builder, bs->edit_file);
          json_builder_set_member_name (builder, "edited_count");
          json_builder_add_int_value (builder, bs->edited_count);
          json_builder_set_member_name (builder, "warm_leaf_runs");
          json_builder_add_int_value (builder, bs->warm_leaf_runs);
          add_times (builder, "warm_ms", &bs->warm);
        }
      add_times (builder, "cached_ms", &bs->cached);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_times (builder, "overlap_ms", &overlap_times);
  json_builder_set_member_name (builder, "overlap");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_array (builder);
      for (guint j = 0; j < n; j++)
        json_builder_add_int_value (builder, overlap->matrix[i * n + j]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aud_cli_print_json (root);

  return AUD_CLI_EXIT_OK;
}
