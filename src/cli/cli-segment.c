/* cli-segment.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-engine.h"
#include "aud-segment.h"
#include "aud-value.h"
#include "cli-util.h"

/*
 * The segment commands: count, overlap, members, explain and segment
 * (save, list, show, delete, rename, combine).
 *
 * A SEGMENT argument is a segment file (JSON, SEGMENT-FORMAT.md) when a
 * file of that name exists, else the name of a segment saved in the
 * workspace. Errors in a file's definition are reported at the file, those
 * of a saved segment at the workspace. Every evaluation happens as of one
 * reference time: --now, else the workspace's stored one, else the current
 * time.
 */

/* Segments saved in the workspace and segments on the command line. */

typedef struct
{
  AudSegment *segment;
  char       *label; /* its name, or the file name without ".json" */
  char       *where; /* where its errors are reported: the file or the workspace */
} CliSegment;

static void
cli_segment_free (gpointer data)
{
  CliSegment *cs = data;

  g_clear_pointer (&cs->segment, aud_segment_free);
  g_free (cs->label);
  g_free (cs->where);
  g_free (cs);
}

/* Loads the definition @arg names; prints the error and returns NULL on
 * failure. */
static CliSegment *
load_segment (AudStore   *store,
              const char *arg)
{
  CliSegment *cs = g_new0 (CliSegment, 1);

  cs->segment = aud_cli_load_segment (store, arg, &cs->label, &cs->where);
  if (cs->segment == NULL)
    {
      cli_segment_free (cs);
      return NULL;
    }

  return cs;
}

/* Resolves a copy of each segment against @store, so that a wrong name is
 * reported at the segment it is in. Prints the error; FALSE on failure. */
static gboolean
check_segments (AudStore  *store,
                GPtrArray *segments)
{
  for (guint i = 0; i < segments->len; i++)
    {
      CliSegment *cs = g_ptr_array_index (segments, i);
      g_autoptr(AudSegment) copy = aud_segment_copy (cs->segment);
      g_autoptr(GError) error = NULL;

      if (!aud_segment_resolve (copy, store, &error))
        {
          aud_cli_fail (error, cs->where);
          return FALSE;
        }
    }

  return TRUE;
}

/* The reference time: @text (ISO 8601; without a zone in the workspace's
 * time zone), else the workspace default. Prints a usage error and returns
 * FALSE when @text is not a time. */
static gboolean
get_now (const AudCliCommand *command,
         AudStore            *store,
         const char          *text,
         gint64              *now)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    {
      *now = aud_engine_get_default_now (store);
      return TRUE;
    }

  if (!aud_cli_parse_time ("--now", text, aud_store_get_timezone (store), now, &error))
    {
      aud_cli_usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

/* "527 of 100,000 customers (0.53%)" */
static char *
format_share (gint64 count,
              gint64 total)
{
  g_autofree char *count_text = aud_value_format_count (count);
  g_autofree char *total_text = aud_value_format_count (total);
  g_autofree char *percent = aud_cli_format_percent (count, total);

  /* Translators: "527 of 100,000 customers (0.53%)" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s customer (%s)",
                                       "%s of %s customers (%s)", total),
                          count_text, total_text, percent);
}

static void
add_now_member (JsonBuilder *builder,
                gint64       now)
{
  g_autofree char *text = aud_value_format_datetime (now);

  aud_cli_json_add_string (builder, "now", text);
}

static void
print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  aud_cli_print_json (root);
}

/* Engine work, run with aud_cli_run_task() so that Ctrl+C cancels it. */

typedef enum
{
  JOB_COUNT,
  JOB_OVERLAP,
  JOB_MEMBERS,
  JOB_EXPLAIN,
} JobKind;

typedef struct
{
  JobKind          kind;
  AudEngine       *engine;
  AudStore        *store;
  GPtrArray       *segments;    /* (element-type CliSegment) */
  gint64           now;
  guint            failed;      /* index of the segment that failed */

  /* count */
  gboolean         funnel;
  AudCount         count;
  GPtrArray       *steps;
  /* overlap */
  AudOverlap      *overlap;
  /* members */
  AudSampleOrder   order;
  guint            limit;
  guint64          seed;
  GArray          *members;
  /* explain */
  const char      *customer;
  AudExplanation  *explanation;
} Job;

static void
job_clear (Job *job)
{
  g_clear_object (&job->engine);
  g_clear_pointer (&job->steps, g_ptr_array_unref);
  g_clear_pointer (&job->overlap, aud_overlap_free);
  g_clear_pointer (&job->members, g_array_unref);
  g_clear_pointer (&job->explanation, aud_explanation_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Job, job_clear)

static AudSegment *
job_segment (Job   *job,
             guint  i)
{
  return ((CliSegment *)g_ptr_array_index (job->segments, i))->segment;
}

static gboolean
run_job (gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  Job *job = data;
  AudSegment *first = job_segment (job, 0);

  switch (job->kind)
    {
    case JOB_COUNT:
      if (!aud_engine_count (job->engine, job->store, first, job->now, &job->count,
                             cancellable, error))
        return FALSE;
      if (job->funnel)
        job->steps = aud_engine_funnel (job->engine, job->store, first, job->now,
                                        cancellable, error);
      return !job->funnel || job->steps != NULL;

    case JOB_OVERLAP:
      {
        g_autofree AudSegment **list = g_new0 (AudSegment *, job->segments->len);

        /* Each one alone first, so that an error names its segment; the
         * overlap then takes every criterion from the cache. */
        for (job->failed = 0; job->failed < job->segments->len; job->failed++)
          {
            AudCount count;

            list[job->failed] = job_segment (job, job->failed);
            if (!aud_engine_count (job->engine, job->store, list[job->failed], job->now,
                                   &count, cancellable, error))
              return FALSE;
          }
        job->failed = 0;

        job->overlap = aud_engine_overlap (job->engine, job->store, list, job->segments->len,
                                           job->now, cancellable, error);
        return job->overlap != NULL;
      }

    case JOB_MEMBERS:
      job->members = aud_engine_sample (job->engine, job->store, first, job->now, job->order,
                                        job->limit, job->seed, cancellable, error);
      return job->members != NULL;

    case JOB_EXPLAIN:
      job->explanation = aud_engine_explain (job->engine, job->store, first, job->customer,
                                             job->now, cancellable, error);
      return job->explanation != NULL;

    default:
      g_assert_not_reached ();
    }
}

/* Opens @ws, loads the segments @args, checks them and runs @job. Prints
 * any error; returns the exit status. */
static int
start_job (Job                 *job,
           const AudCliCommand *command,
           const char          *ws,
           char               **args,
           guint                n_args,
           const char          *now_text,
           AudStore           **store_out)
{
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *segments = job->segments;
  gboolean ok;

  store = aud_cli_open_workspace (ws, AUD_STORE_OPEN_READ_ONLY);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  if (!get_now (command, store, now_text, &job->now))
    return AUD_CLI_EXIT_USAGE;

  for (guint i = 0; i < n_args; i++)
    {
      CliSegment *cs = load_segment (store, args[i]);

      if (cs == NULL)
        return AUD_CLI_EXIT_FAILURE;
      g_ptr_array_add (segments, cs);
    }

  if (!check_segments (store, segments))
    return AUD_CLI_EXIT_FAILURE;

  job->engine = aud_engine_new ();
  job->store = store;

  ok = aud_cli_run_task (run_job, job, &error);
  aud_cli_progress_done ();
  if (!ok)
    {
      const char *where;

      if (g_error_matches (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND))
        where = ws;
      else
        where = ((CliSegment *)g_ptr_array_index (segments, job->failed))->where;

      return aud_cli_fail (error, where);
    }

  *store_out = g_steal_pointer (&store);
  return AUD_CLI_EXIT_OK;
}

/* count ------------------------------------------------------------------- */

/* @value in the fewest digits that read back as the same double. */
static const char *
shortest_double (double value,
                 char   buf[G_ASCII_DTOSTR_BUF_SIZE])
{
  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  return buf;
}

static void
print_count (const Job *job,
             gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      const char *share;

      json_builder_begin_object (builder);
      aud_cli_json_add_int (builder, "count", job->count.count);
      aud_cli_json_add_int (builder, "total", job->count.total);
      /* A placeholder: see below. */
      aud_cli_json_add_int (builder, "share", 0);
      add_now_member (builder, job->now);

      if (job->steps != NULL)
        {
          json_builder_set_member_name (builder, "funnel");
          json_builder_begin_array (builder);
          for (guint i = 0; i < job->steps->len; i++)
            {
              const AudFunnelStep *step = g_ptr_array_index (job->steps, i);

              json_builder_begin_object (builder);
              aud_cli_json_add_string (builder, "path", step->path);
              aud_cli_json_add_string (builder, "label", step->label);
              aud_cli_json_add_int (builder, "count", step->count);
              aud_cli_json_add_int (builder, "remaining", step->remaining);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }

      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);

      /* json-glib writes every double with 17 digits (0.0075 as
       * 0.0074999999999999997); write the share in its shortest form. */
      share = strstr (text, "\"share\" : 0");
      g_assert (share != NULL);
      share += strlen ("\"share\" : ");
      g_print ("%.*s%s%s\n", (int)(share - text), text, shortest_double (job->count.share, buf),
               share + 1);
      return;
    }

  {
    g_autofree char *line = format_share (job->count.count, job->count.total);

    g_print ("%s\n", line);
  }

  if (job->steps == NULL)
    return;

  g_print ("%s\n", _("Funnel:"));
  for (guint i = 0; i < job->steps->len; i++)
    {
      const AudFunnelStep *step = g_ptr_array_index (job->steps, i);
      g_autofree char *count = aud_value_format_count (step->count);
      g_autofree char *remaining = aud_value_format_count (step->remaining);
      g_autofree char *percent = aud_cli_format_percent (step->remaining, job->count.total);

      /* Translators: a funnel step: "2. purchase events in the last 30 days ≥ 1:
       * 5,012 match, 1,234 remain (1.23%)" */
      g_print (_("  %u. %s: %s match, %s remain (%s)"), i + 1, step->label, count, remaining,
               percent);
      g_print ("\n");
    }
}

/* audiences-cli count WORKSPACE SEGMENT */
int
aud_cli_count (const AudCliCommand *command,
               int                  argc,
               char               **argv)
{
  g_autofree char *now = NULL;
  gboolean json = FALSE;
  gboolean funnel = FALSE;
  const GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time (default: the workspace's, else the current time)"), N_("TIME") },
    { "funnel", 0, 0, G_OPTION_ARG_NONE, &funnel,
      N_("Also show how each layer of the segment narrows the audience"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_auto(Job) job = { 0 };
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (cli_segment_free);
  int status;

  g_option_context_set_description (context,
                                    _("SEGMENT is a segment file (JSON) or the name of a "
                                      "segment saved in the workspace."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 3)
    return aud_cli_usage_error (command, _("Expected two arguments, the workspace and the "
                                           "segment"));

  job.kind = JOB_COUNT;
  job.segments = segments;
  job.funnel = funnel;
  status = start_job (&job, command, argv[1], argv + 2, 1, now, &store);
  if (status != AUD_CLI_EXIT_OK)
    return status;

  print_count (&job, json);
  return AUD_CLI_EXIT_OK;
}

/* overlap ----------------------------------------------------------------- */

/* "A", "B", … "Z", then "27", "28", … */
static char *
overlap_label (guint i)
{
  if (i < 26)
    return g_strdup_printf ("%c", 'A' + i);

  return g_strdup_printf ("%u", i + 1);
}

/* The name of Venn region @mask of @n segments: "A only", "A and B only",
 * "A, B and C", "none". */
static char *
region_name (guint mask,
             guint n)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    if ((mask & (1u << i)) != 0)
      g_ptr_array_add (labels, overlap_label (i));

  switch (labels->len)
    {
    case 0:
      return g_strdup (_("in none"));

    case 1:
      /* Translators: a Venn region, "A only" */
      return g_strdup_printf (_("%s only"), (char *)labels->pdata[0]);

    case 2:
      if (n == 2)
        /* Translators: a Venn region, "A and B" (of two segments) */
        return g_strdup_printf (_("%s and %s"), (char *)labels->pdata[0],
                                (char *)labels->pdata[1]);
      /* Translators: a Venn region of three segments, "A and B only" */
      return g_strdup_printf (_("%s and %s only"), (char *)labels->pdata[0],
                              (char *)labels->pdata[1]);

    default:
      /* Translators: a Venn region, "A, B and C" */
      return g_strdup_printf (_("%s, %s and %s"), (char *)labels->pdata[0],
                              (char *)labels->pdata[1], (char *)labels->pdata[2]);
    }
}

/* The regions in the order they are printed: single segments, then pairs,
 * then all three, then none. */
static const guint region_order_2[] = { 1, 2, 3, 0 };
static const guint region_order_3[] = { 1, 2, 4, 3, 5, 6, 7, 0 };

static void
print_overlap_json (const Job *job)
{
  const AudOverlap *o = job->overlap;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  aud_cli_json_add_int (builder, "total", o->total);
  add_now_member (builder, job->now);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < o->n; i++)
    {
      const CliSegment *cs = g_ptr_array_index (job->segments, i);
      g_autofree char *label = overlap_label (i);

      json_builder_begin_object (builder);
      aud_cli_json_add_string (builder, "label", label);
      aud_cli_json_add_string (builder, "name", cs->label);
      aud_cli_json_add_int (builder, "count", o->sizes[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "matrix");
  json_builder_begin_array (builder);
  for (guint i = 0; i < o->n; i++)
    {
      json_builder_begin_array (builder);
      for (guint j = 0; j < o->n; j++)
        json_builder_add_int_value (builder, o->matrix[i * o->n + j]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  aud_cli_json_add_int (builder, "union", o->union_count);

  if (o->has_regions)
    {
      const guint *order = o->n == 3 ? region_order_3 : region_order_2;
      guint n_regions = 1u << o->n;

      json_builder_set_member_name (builder, "regions");
      json_builder_begin_array (builder);
      for (guint r = 0; r < n_regions && o->n >= 2; r++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "segments");
          json_builder_begin_array (builder);
          for (guint i = 0; i < o->n; i++)
            if ((order[r] & (1u << i)) != 0)
              {
                g_autofree char *label = overlap_label (i);

                json_builder_add_string_value (builder, label);
              }
          json_builder_end_array (builder);
          aud_cli_json_add_int (builder, "count", o->regions[order[r]]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  print_builder (builder);
}

static void
print_overlap_text (const Job *job)
{
  const AudOverlap *o = job->overlap;
  g_autofree char *union_text = format_share (o->union_count, o->total);
  int width = 0;
  int label_width = 1;

  for (guint i = 0; i < o->n * o->n + (o->has_regions ? 8 : 0); i++)
    {
      gint64 value = i < o->n * o->n ? o->matrix[i] : o->regions[i - o->n * o->n];
      g_autofree char *cell = aud_value_format_count (value);

      width = MAX (width, (int)strlen (cell));
    }
  if (o->n > 26)
    label_width = (int)strlen ("27") + (o->n >= 100);

  for (guint i = 0; i < o->n; i++)
    {
      const CliSegment *cs = g_ptr_array_index (job->segments, i);
      g_autofree char *label = overlap_label (i);
      g_autofree char *share = format_share (o->sizes[i], o->total);

      g_print ("%-*s  %s: %s\n", label_width, label, cs->label, share);
    }

  g_print ("\n%s\n", _("Customers in both (row and column):"));
  g_print ("%*s", label_width, "");
  for (guint j = 0; j < o->n; j++)
    {
      g_autofree char *label = overlap_label (j);

      g_print ("  %*s", width, label);
    }
  g_print ("\n");
  for (guint i = 0; i < o->n; i++)
    {
      g_autofree char *label = overlap_label (i);

      g_print ("%-*s", label_width, label);
      for (guint j = 0; j < o->n; j++)
        {
          g_autofree char *cell = aud_value_format_count (o->matrix[i * o->n + j]);

          g_print ("  %*s", width, cell);
        }
      g_print ("\n");
    }

  g_print ("\n");
  /* Translators: followed by "12,845 of 100,000 customers (12.85%)" */
  g_print (_("In any: %s"), union_text);
  g_print ("\n");

  if (o->has_regions && o->n >= 2)
    {
      const guint *order = o->n == 3 ? region_order_3 : region_order_2;
      guint n_regions = 1u << o->n;
      int name_width = 0;

      for (guint r = 0; r < n_regions; r++)
        {
          g_autofree char *name = region_name (order[r], o->n);

          name_width = MAX (name_width, (int)g_utf8_strlen (name, -1));
        }

      g_print ("\n%s\n", _("Regions:"));
      for (guint r = 0; r < n_regions; r++)
        {
          g_autofree char *name = region_name (order[r], o->n);
          g_autofree char *count = aud_value_format_count (o->regions[order[r]]);
          int pad = name_width - (int)g_utf8_strlen (name, -1);

          g_print ("  %s%*s  %*s\n", name, pad, "", width, count);
        }
    }
}

/* audiences-cli overlap WORKSPACE SEGMENT SEGMENT… */
int
aud_cli_overlap (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *now = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time (default: the workspace's, else the current time)"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_auto(Job) job = { 0 };
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (cli_segment_free);
  int status;

  g_option_context_set_description (context,
                                    _("Shows how many customers each pair of segments "
                                      "shares, and for two or three segments the regions of "
                                      "their Venn diagram. A SEGMENT is a segment file "
                                      "(JSON) or the name of a saved segment."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc < 4)
    return aud_cli_usage_error (command, _("Expected the workspace and at least two "
                                           "segments"));

  job.kind = JOB_OVERLAP;
  job.segments = segments;
  status = start_job (&job, command, argv[1], argv + 2, argc - 2, now, &store);
  if (status != AUD_CLI_EXIT_OK)
    return status;

  if (json)
    print_overlap_json (&job);
  else
    print_overlap_text (&job);

  return AUD_CLI_EXIT_OK;
}

/* members ----------------------------------------------------------------- */

/* audiences-cli members WORKSPACE SEGMENT: external ids, one per line. */
int
aud_cli_members (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *now = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *random = NULL;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_STRING, &limit,
      N_("At most N members (default: all)"), N_("N") },
    { "random", 0, 0, G_OPTION_ARG_STRING, &random,
      N_("Draw the members at random with this seed (the same seed gives the same members)"),
      N_("SEED") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time (default: the workspace's, else the current time)"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Job) job = { 0 };
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (cli_segment_free);
  guint64 n = G_MAXUINT;
  int status;

  g_option_context_set_description (context,
                                    _("Prints the customer ids of the members as imported, one "
                                      "per line, in import order. SEGMENT is a segment file "
                                      "(JSON) or the name of a saved segment."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 3)
    return aud_cli_usage_error (command, _("Expected two arguments, the workspace and the "
                                           "segment"));

  job.kind = JOB_MEMBERS;
  job.order = AUD_SAMPLE_BY_ROW_ID;
  if ((limit != NULL && !aud_cli_parse_count ("--limit", limit, G_MAXUINT, &n, &error)) ||
      (random != NULL && !aud_cli_parse_count ("--random", random, G_MAXUINT64, &job.seed,
                                               &error)))
    return aud_cli_usage_error (command, error->message);
  if (random != NULL)
    job.order = AUD_SAMPLE_RANDOM;
  job.limit = (guint)n;

  job.segments = segments;
  status = start_job (&job, command, argv[1], argv + 2, 1, now, &store);
  if (status != AUD_CLI_EXIT_OK)
    return status;

  for (guint i = 0; i < job.members->len; i++)
    g_print ("%s\n", g_array_index (job.members, AudMember, i).external_id);

  return AUD_CLI_EXIT_OK;
}

/* explain ----------------------------------------------------------------- */

static void
build_explanation (JsonBuilder          *builder,
                   const AudExplanation *e)
{
  json_builder_begin_object (builder);
  aud_cli_json_add_string (builder, "path", e->path);
  aud_cli_json_add_string (builder, "text", e->text);
  json_builder_set_member_name (builder, "passed");
  json_builder_add_boolean_value (builder, e->passed);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_boolean_value (builder, e->skipped);
  if (e->children != NULL && e->children->len > 0)
    {
      json_builder_set_member_name (builder, "children");
      json_builder_begin_array (builder);
      for (guint i = 0; i < e->children->len; i++)
        build_explanation (builder, g_ptr_array_index (e->children, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/* audiences-cli explain WORKSPACE SEGMENT --customer ID */
int
aud_cli_explain (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *now = NULL;
  g_autofree char *customer = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "customer", 'c', 0, G_OPTION_ARG_STRING, &customer,
      N_("The customer, by id as imported (required)"), N_("ID") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time (default: the workspace's, else the current time)"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_auto(Job) job = { 0 };
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (cli_segment_free);
  const CliSegment *cs;
  int status;

  g_option_context_set_description (context,
                                    _("Shows which criteria the customer passes and fails, "
                                      "with the values seen. SEGMENT is a segment file (JSON) "
                                      "or the name of a saved segment."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 3)
    return aud_cli_usage_error (command, _("Expected two arguments, the workspace and the "
                                           "segment"));
  if (customer == NULL)
    return aud_cli_usage_error (command, _("Give the customer with --customer ID"));

  job.kind = JOB_EXPLAIN;
  job.customer = customer;
  job.segments = segments;
  status = start_job (&job, command, argv[1], argv + 2, 1, now, &store);
  if (status != AUD_CLI_EXIT_OK)
    return status;

  cs = g_ptr_array_index (segments, 0);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      aud_cli_json_add_string (builder, "customer", customer);
      aud_cli_json_add_string (builder, "segment", cs->label);
      json_builder_set_member_name (builder, "member");
      json_builder_add_boolean_value (builder, job.explanation->passed);
      add_now_member (builder, job.now);
      json_builder_set_member_name (builder, "explanation");
      build_explanation (builder, job.explanation);
      json_builder_end_object (builder);
      print_builder (builder);
    }
  else
    {
      g_autofree char *text = aud_explanation_to_text (job.explanation);

      if (job.explanation->passed)
        /* Translators: "C000042 is a member of lapsed-buyers" */
        g_print (_("%s is a member of %s"), customer, cs->label);
      else
        /* Translators: "C000042 is not a member of lapsed-buyers" */
        g_print (_("%s is not a member of %s"), customer, cs->label);
      g_print ("\n%s", text);
    }

  return AUD_CLI_EXIT_OK;
}

/* segment SUBCOMMAND ------------------------------------------------------ */

/* What every segment subcommand does first: parse the options, check that
 * there are @min_args to @max_args arguments after the subcommand (the
 * first is the workspace) and open the workspace. On failure prints the
 * error, sets @status and returns NULL. */
static AudStore *
begin_subcommand (const AudCliCommand  *command,
                  GOptionContext       *context,
                  int                  *argc,
                  char               ***argv,
                  int                   min_args,
                  int                   max_args,
                  const char           *expected,
                  AudStoreOpenFlags     flags,
                  int                  *status)
{
  AudStore *store;

  *status = AUD_CLI_EXIT_USAGE;
  if (!aud_cli_parse_options (command, context, argc, argv))
    return NULL;

  if (*argc - 1 < min_args || *argc - 1 > max_args)
    {
      aud_cli_usage_error (command, expected);
      return NULL;
    }

  *status = AUD_CLI_EXIT_FAILURE;
  store = aud_cli_open_workspace ((*argv)[1], flags);
  if (store != NULL)
    *status = AUD_CLI_EXIT_OK;

  return store;
}

/* audiences-cli segment save WORKSPACE FILE */
static int
segment_save (const AudCliCommand *command,
              int                  argc,
              char               **argv)
{
  g_autofree char *name = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Save it under this name (default: the name in the file)"), N_("NAME") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace a saved segment of the same name"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  int status;

  store = begin_subcommand (command, context, &argc, &argv, 2, 2,
                            _("Expected two arguments, the workspace and the segment file"),
                            AUD_STORE_OPEN_DEFAULT, &status);
  if (store == NULL)
    return status;

  if (!g_file_get_contents (argv[2], &contents, &length, &error) ||
      (segment = aud_segment_parse (contents, length, &error)) == NULL)
    return aud_cli_fail (error, argv[2]);

  if (name != NULL)
    {
      g_free (segment->name);
      segment->name = g_strdup (name);
    }
  if (segment->name == NULL || segment->name[0] == '\0')
    return aud_cli_usage_error (command, _("The segment has no name; give one with --name"));

  if (!aud_segment_save (store, segment, replace, &error))
    return aud_cli_fail (error, argv[2]);

  g_print (_("Saved the segment “%s”"), segment->name);
  g_print ("\n");
  return AUD_CLI_EXIT_OK;
}

/* audiences-cli segment list WORKSPACE: the names, one per line. */
static int
segment_list (const AudCliCommand *command,
              int                  argc,
              char               **argv)
{
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, NULL);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  store = begin_subcommand (command, context, &argc, &argv, 1, 1,
                            _("Expected one argument, the workspace"),
                            AUD_STORE_OPEN_READ_ONLY, &status);
  if (store == NULL)
    return status;

  names = aud_segment_list_names (store, &error);
  if (names == NULL)
    return aud_cli_fail (error, argv[1]);

  for (guint i = 0; i < names->len; i++)
    g_print ("%s\n", (const char *)g_ptr_array_index (names, i));

  return AUD_CLI_EXIT_OK;
}

/* audiences-cli segment show WORKSPACE NAME: the definition as a segment
 * file. */
static int
segment_show (const AudCliCommand *command,
              int                  argc,
              char               **argv)
{
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, NULL);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status;

  store = begin_subcommand (command, context, &argc, &argv, 2, 2,
                            _("Expected two arguments, the workspace and the segment name"),
                            AUD_STORE_OPEN_READ_ONLY, &status);
  if (store == NULL)
    return status;

  segment = aud_segment_lookup (store, argv[2], &error);
  if (segment == NULL)
    return aud_cli_fail (error, argv[1]);

  text = aud_segment_to_json (segment, TRUE);
  g_print ("%s%s", text, g_str_has_suffix (text, "\n") ? "" : "\n");
  return AUD_CLI_EXIT_OK;
}

/* audiences-cli segment delete WORKSPACE NAME
 * audiences-cli segment rename WORKSPACE NAME NEW_NAME */
static int
segment_delete_or_rename (const AudCliCommand *command,
                          int                  argc,
                          char               **argv)
{
  gboolean is_rename = g_str_has_suffix (command->name, "rename");
  int n_args = is_rename ? 3 : 2;
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, NULL);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_description (context,
                                    is_rename ?
                                    _("Saved segments that refer to it are updated to the new "
                                      "name.") :
                                    _("Segments that refer to it stay as they are; counting "
                                      "them then reports the missing segment."));
  store = begin_subcommand (command, context, &argc, &argv, n_args, n_args,
                            is_rename ?
                            _("Expected three arguments, the workspace, the segment name and "
                              "the new name") :
                            _("Expected two arguments, the workspace and the segment name"),
                            AUD_STORE_OPEN_DEFAULT, &status);
  if (store == NULL)
    return status;

  if (is_rename ? !aud_segment_rename (store, argv[2], argv[3], &error) :
               !aud_segment_delete (store, argv[2], &error))
    return aud_cli_fail (error, argv[1]);

  if (is_rename)
    g_print (_("Renamed the segment “%s” to “%s”"), argv[2], argv[3]);
  else
    g_print (_("Deleted the segment “%s”"), argv[2]);
  g_print ("\n");
  return AUD_CLI_EXIT_OK;
}

static const struct
{
  const char      *name;
  AudSetOperation  operation;
} set_operations[] = {
  { "union", AUD_SET_UNION },
  { "intersect", AUD_SET_INTERSECTION },
  { "subtract", AUD_SET_DIFFERENCE },
};

/* audiences-cli segment combine WORKSPACE OPERATION A B… --name NEW */
static int
segment_combine (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *name = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The name of the new segment (required)"), N_("NAME") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace a saved segment of that name"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  int op = -1;

  g_option_context_set_description (context,
                                    _("OPERATION is union (members of any), intersect (members "
                                      "of all) or subtract (members of the first and of none of "
                                      "the others). The new segment refers to the saved "
                                      "segments by name, so it follows their later changes."));
  store = begin_subcommand (command, context, &argc, &argv, 4, G_MAXINT,
                            _("Expected the workspace, the operation and at least two saved "
                              "segments"),
                            AUD_STORE_OPEN_DEFAULT, &status);
  if (store == NULL)
    return status;

  if (name == NULL || name[0] == '\0')
    return aud_cli_usage_error (command, _("Give the new segment's name with --name NAME"));

  for (guint i = 0; i < G_N_ELEMENTS (set_operations); i++)
    if (strcmp (argv[2], set_operations[i].name) == 0)
      op = (int)i;
  if (op < 0)
    {
      g_autofree char *what = g_strdup_printf (_("Unknown operation “%s”; expected union, "
                                                 "intersect or subtract"), argv[2]);

      return aud_cli_usage_error (command, what);
    }

  segment = aud_engine_combine_segments (store, set_operations[op].operation,
                                         (const char * const *)argv + 3, argc - 3, name,
                                         &error);
  if (segment == NULL || !aud_segment_save (store, segment, replace, &error))
    return aud_cli_fail (error, argv[1]);

  g_print (_("Saved the segment “%s”"), name);
  g_print ("\n");
  return AUD_CLI_EXIT_OK;
}

static const AudCliCommand segment_commands[] = {
  { "save", N_("WORKSPACE FILE"), N_("Save a segment file in the workspace"), segment_save },
  { "list", N_("WORKSPACE"), N_("List the saved segments"), segment_list },
  { "show", N_("WORKSPACE NAME"), N_("Print a saved segment as a segment file"), segment_show },
  { "delete", N_("WORKSPACE NAME"), N_("Delete a saved segment"), segment_delete_or_rename },
  { "rename", N_("WORKSPACE NAME NEW_NAME"), N_("Rename a saved segment"),
    segment_delete_or_rename },
  { "combine", N_("WORKSPACE OPERATION SEGMENT SEGMENT…"),
    N_("Save the union, intersection or difference of saved segments"), segment_combine },
};

/* audiences-cli segment SUBCOMMAND … */
int
aud_cli_segment (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, NULL);
  g_autoptr(GString) description = g_string_new (_("Subcommands:"));
  g_autofree char *prgname = NULL;
  AudCliCommand sub;
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (segment_commands); i++)
    width = MAX (width, (int)strlen (segment_commands[i].name));
  for (guint i = 0; i < G_N_ELEMENTS (segment_commands); i++)
    g_string_append_printf (description, "\n  %-*s  %s", width, segment_commands[i].name,
                            _(segment_commands[i].summary));
  g_string_append_c (description, '\n');
  /* Translators: do not translate the command line in quotes */
  g_string_append_printf (description, _("Run “%s segment SUBCOMMAND --help” for its options."),
                          AUD_CLI_NAME);
  g_option_context_set_description (context, description->str);

  /* Options before the subcommand are the command's own: only --help. */
  if (argc >= 2 && argv[1][0] == '-' && !aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc < 2)
    return aud_cli_usage_error (command, _("Expected a subcommand: save, list, show, delete, "
                                           "rename or combine"));

  for (guint i = 0; i < G_N_ELEMENTS (segment_commands); i++)
    {
      if (strcmp (segment_commands[i].name, argv[1]) != 0)
        continue;

      /* "audiences-cli segment save" in --help and in errors. */
      sub = segment_commands[i];
      sub.name = prgname = g_strdup_printf ("%s %s", command->name, segment_commands[i].name);
      {
        g_autofree char *full = g_strdup_printf ("%s %s", AUD_CLI_NAME, sub.name);

        g_set_prgname (full);
      }

      return sub.run (&sub, argc - 1, argv + 1);
    }

  {
    g_autofree char *what = g_strdup_printf (_("Unknown subcommand “%s”"), argv[1]);

    return aud_cli_usage_error (command, what);
  }
}
